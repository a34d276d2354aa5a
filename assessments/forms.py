"""Forms of the public assessment: consent, one questionnaire section, delete."""

from __future__ import annotations

import functools
import hashlib
from html import escape
from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from . import scoring
from .models import Item
from .snapshots import tr

LIKERT_LABELS = (
    ("1", _("Sangat tidak setuju")),
    ("2", _("Tidak setuju")),
    # A true midpoint of an agreement scale ("Ragu-ragu" meant unsure, not neutral).
    ("3", _("Netral")),
    ("4", _("Setuju")),
    ("5", _("Sangat setuju")),
)
BELIEF_LABELS = (
    (scoring.AGREE, _("Setuju")),
    (scoring.DISAGREE, _("Tidak setuju")),
)
UNANSWERED = _("Pertanyaan ini belum dijawab. Pilih salah satu jawaban.")
NOT_A_CHOICE = _("Pilihan ini tidak ada. Pilih salah satu jawaban yang tersedia.")


class ConsentForm(forms.Form):
    agree = forms.BooleanField(
        label=_("Saya telah membaca pemberitahuan ini dan setuju jawaban saya disimpan."),
        error_messages={
            "required": _(
                "Centang kotak ini untuk memulai. Tanpa persetujuan Anda, "
                "jawaban tidak dapat disimpan."
            )
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


def shuffled_options(item: dict[str, Any], key: str) -> list[dict[str, Any]]:
    """The item's options in an order of its own for ``key`` (an assessment's token).

    Deterministic, so a reload, a resume or a language switch shows the same order; the
    option codes, and so the stored answers, paper forms and scoring, are unchanged.
    """
    return sorted(
        item["options"],
        key=lambda option: hashlib.sha256(
            f"{key}:{item['code']}:{option['code']}".encode()
        ).digest(),
    )


SCALES = {"likert": LIKERT_LABELS, "belief": BELIEF_LABELS}


@functools.cache
def scale_choices(scale: str, language: str | None) -> tuple[tuple[str, str], ...]:
    """A fixed answer scale with its labels in ``language``, translated once per process:
    a section page shows the agreement scale a dozen times."""
    with translation.override(language):
        return tuple((value, str(label)) for value, label in SCALES[scale])


def choices_for(
    item: dict[str, Any], education_fields: list[dict[str, Any]], shuffle_key: str = ""
):
    """The choices of one question; with ``shuffle_key`` a situation's options in the order
    that key gives them, so that the best answer has no usual place."""
    kind = item["kind"]
    # Check statements are answered on the same agreement scale as the other statements.
    if kind in (scoring.LIKERT, Item.Kind.CHECK):
        return scale_choices("likert", get_language())
    if kind == scoring.BELIEF:
        return scale_choices("belief", get_language())
    if kind == scoring.BACKGROUND:
        return [(field["code"], tr(field, "name")) for field in education_fields]
    options = item["options"]
    if shuffle_key and kind in (scoring.SCENARIO, scoring.KNOWLEDGE):
        options = shuffled_options(item, shuffle_key)
    return [(option["code"], tr(option, "text")) for option in options]


class SectionForm(forms.Form):
    """The questions of one section, built from the assessment's profile snapshot.

    Field names are the item codes, so stored answers are the form's cleaned data. The page
    shows the questions from ``questions()`` through one plain template (no widget or crispy
    rendering: a section has about sixty radio buttons, and rendering each through Django's
    widget templates was most of the page's time).
    """

    def __init__(
        self,
        *args,
        items,
        education_fields,
        first_number: int = 1,
        shuffle_key: str = "",
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        for number, item in enumerate(items, start=first_number):
            self.fields[item["code"]] = forms.ChoiceField(
                label=f"{number}. {tr(item, 'text')}",
                choices=choices_for(item, education_fields, shuffle_key),
                widget=forms.RadioSelect,
                required=True,
                error_messages={"required": UNANSWERED, "invalid_choice": NOT_A_CHOICE},
            )
            self.fields[item["code"]].item_kind = item["kind"]
            self.fields[item["code"]].number = number

    def questions(self) -> list[dict[str, Any]]:
        """Each question as the page shows it, as plain values for the
        ``question_fieldsets`` tag: its radio group's name and id, its label and kind, its
        errors, and per choice the input's attributes (as Django's RadioSelect would give
        them: name, value, id, checked, required; aria-invalid and, on the first question
        with an error, autofocus), its id and its label. The attributes are joined here: a
        template tag per attribute on ~60 radio buttons a page cost a third more."""
        errors = self.errors if self.is_bound else {}
        focus = self.first_error
        questions = []
        for name, field in self.fields.items():
            html_name = self.add_prefix(name)
            auto_id = self.auto_id % html_name if self.auto_id else html_name
            answer = self.data.get(html_name) if self.is_bound else self.initial.get(name)
            answer = None if answer is None else str(answer)
            invalid = ' aria-invalid="true"' if name in errors else ""
            # The standard library's escape: Django's, lazy-aware, took most of this loop.
            common = f'name="{escape(html_name)}"'
            choices = []
            for index, (value, label) in enumerate(field.choices):
                option_id = f"{auto_id}_{index}"
                attributes = (
                    f'{common} value="{escape(str(value))}" id="{escape(option_id)}"'
                    f"{' checked' if str(value) == answer else ''} required{invalid}"
                    f"{' autofocus' if invalid and focus == name and index == 0 else ''}"
                )
                choices.append((mark_safe(attributes), option_id, label))
            questions.append(
                {
                    "id": auto_id,
                    "label": field.label,
                    "kind": field.item_kind,
                    "errors": errors.get(name, ()),
                    "choices": choices,
                }
            )
        return questions

    @property
    def first_error(self) -> str | None:
        """The name of the first question with an error, where the focus goes."""
        return next(iter(self.errors), None) if self.is_bound else None

    def unanswered(self) -> list[dict[str, Any]]:
        """The questions with an error, in page order: what the error summary links to."""
        return [
            {"id": f"div_{self[name].auto_id}", "number": self.fields[name].number}
            for name in self.fields
            if name in self.errors
        ]

    def answered(self) -> dict[str, str]:
        """The valid answers among those given, for saving when going back."""
        answers = {}
        for name, field in self.fields.items():
            value = self.data.get(self.add_prefix(name))
            if value in {str(code) for code, _label in field.choices}:
                answers[name] = value
        return answers


class DeleteForm(forms.Form):
    """Confirms deleting a result; it has no fields beyond the CSRF token."""
