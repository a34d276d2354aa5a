"""Forms and inline formsets of the HR admin: the checks the database cannot make.

The admin supplies each form's model and fields (from the ModelAdmin's fieldsets), so the
forms here only add validation. The rules themselves live in ``publishing.py``.

A role's rows are its working draft, so an edit may leave it incomplete (a new trait
without items yet): what stops it from being published is listed on its publish page.
What is checked here is what makes a row wrong in itself: an item's fields and options
must fit its kind, a knockout sit below the required level.

The admin binds a change page's inline formsets to the page form's instance and validates
them after the form, so in a formset's ``clean`` ``self.instance`` already holds the posted
values: the item's new kind.
"""

import copy

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from ..models import Item, Role, RoleTrait, Section, Trait
from ..publishing import (
    item_problems,
    knockout_above_required,
    knockout_above_required_message,
    option_problems,
)

# Which fields an item of each kind uses, on its own form and in its options' table. The
# page's script (static/js/item-kind.js) shows only these; the forms below clear the rest.
ITEM_KIND_FIELDS = {
    Item.Kind.LIKERT: ["trait", "reverse_keyed", "reserve"],
    Item.Kind.SCENARIO: ["trait", "reserve"],
    Item.Kind.KNOWLEDGE: ["trait", "reserve"],
    Item.Kind.CHECK: ["reverse_keyed"],
    Item.Kind.BELIEF: ["belief", "keyed_answer"],
    Item.Kind.PREFERENCE: [],
    Item.Kind.BACKGROUND: [],
}
KIND_DEPENDENT_FIELDS = ["trait", "reverse_keyed", "reserve", "belief", "keyed_answer"]
OPTION_KIND_FIELDS = {
    Item.Kind.SCENARIO: [
        *("code", "order", "text", "text_en", "score", "feedback", "feedback_en", "rationale")
    ],
    Item.Kind.KNOWLEDGE: [
        *("code", "order", "text", "text_en", "score", "feedback", "feedback_en", "rationale")
    ],
    Item.Kind.PREFERENCE: ["code", "order", "text", "text_en", "direct_service"],
}
EMPTY_VALUES = {
    "trait": None,
    "reverse_keyed": False,
    "reserve": False,
    "belief": None,
    "keyed_answer": "",
}


class SizedTextarea(forms.Textarea):
    """A text box as tall as its text (between ``min_rows`` and ``max_rows`` lines)."""

    def __init__(self, attrs=None, *, min_rows: int = 2, max_rows: int = 14):
        self.min_rows, self.max_rows = min_rows, max_rows
        super().__init__({"rows": min_rows, "cols": 40, **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        columns = max(int(widget_attrs.get("cols", 40)), 10)
        text = "" if value is None else str(value)
        lines = sum(max(1, -(-len(line) // columns)) for line in text.splitlines() or [""])
        widget_attrs["rows"] = min(self.max_rows, max(self.min_rows, lines))
        widget_attrs["class"] = f"{widget_attrs.get('class', '')} sized-text".strip()
        return context


def kept_instances(formset: BaseInlineFormSet) -> list:
    """The rows a valid inline formset is about to save: filled in and not marked deleted."""
    return [
        form.instance
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


class RoleForm(forms.ModelForm):
    """The role's own fields. It is published from its publish page, not here."""

    def clean(self):
        cleaned_data = super().clean()
        self.check_bank(cleaned_data)
        fit_threshold = cleaned_data.get("fit_threshold")
        partial_threshold = cleaned_data.get("partial_threshold")
        if (
            fit_threshold is not None
            and partial_threshold is not None
            and partial_threshold > fit_threshold
        ):
            self.add_error(
                "partial_threshold",
                _("Ambang 'cukup cocok' tidak boleh di atas ambang 'cocok'."),
            )
        return cleaned_data

    def check_bank(self, cleaned_data) -> None:
        """A bank uses no bank; a role takes a bank only while nothing of its questionnaire
        is its own, and keeps it once it weighs the bank's traits."""
        if "bank" not in self.fields or "bank" not in cleaned_data:
            return
        bank = cleaned_data["bank"]
        role = self.instance
        kind = cleaned_data.get("kind", role.kind)
        if bank is not None and (kind == Role.Kind.BANK or bank.pk == role.pk):
            self.add_error("bank", _("Bank butir tidak memakai bank butir lain."))
            return
        if role.pk is None or bank == role.bank:
            return
        if bank is not None and any(
            model.objects.filter(role=role).exists() for model in (Trait, Section, Item)
        ):
            self.add_error(
                "bank",
                _(
                    "Jabatan ini punya sifat, bagian atau butir sendiri: kuesionernya harus "
                    "dipindah ke bank butir dulu, tidak bisa dengan memilih bank di sini."
                ),
            )
        elif role.bank_id and RoleTrait.objects.filter(role=role).exists():
            self.add_error(
                "bank",
                _(
                    "Jabatan ini menimbang sifat dari bank butirnya: hapus sifat yang "
                    "dibutuhkan dulu sebelum mengganti bank."
                ),
            )


class TraitForm(forms.ModelForm):
    """A trait, inline on its role or on its own page.

    A bank's trait is edited without what it means for a role (each role's role trait
    holds that): a new one gets no level of its own.
    """

    def clean(self):
        cleaned_data = super().clean()
        if "required_level" not in self.fields:
            if self.instance.required_level is None:
                self.instance.required_level = 0
            return cleaned_data
        trait = copy.copy(self.instance)
        trait.name = cleaned_data.get("name", trait.name)
        trait.required_level = cleaned_data.get("required_level")
        trait.knockout_below = cleaned_data.get("knockout_below")
        # The database refuses this too, but with an error HR cannot read.
        if knockout_above_required(trait):
            self.add_error("knockout_below", knockout_above_required_message(trait))
        if trait.knockout_below is not None and not cleaned_data.get("knockout_reason"):
            self.add_error(
                "knockout_reason",
                _("Tulis alasan gugur: peserta yang gugur karena sifat ini membacanya."),
            )
        return cleaned_data


class RoleTraitForm(forms.ModelForm):
    """A trait of the role's bank, with what it means for this role."""

    # The bank's traits, read once for every row of the page (``RoleTraitInline``).
    trait_choices: list | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.trait_choices is not None and "trait" in self.fields:
            self.fields["trait"].widget.choices = self.trait_choices

    def clean(self):
        cleaned_data = super().clean()
        trait = cleaned_data.get("trait")
        if trait is None and self.instance.trait_id:
            # Read-only on its history page: the saved one.
            trait = self.instance.trait
        role_trait = copy.copy(self.instance)
        role_trait.required_level = cleaned_data.get("required_level")
        role_trait.knockout_below = cleaned_data.get("knockout_below")
        if knockout_above_required(role_trait):
            self.add_error(
                "knockout_below",
                _(
                    "Sifat “%(trait)s”: batas gugur (%(knockout)d) tidak boleh di atas level "
                    "yang dibutuhkan (%(required)d)."
                )
                % {
                    "trait": trait.name if trait is not None else "",
                    "knockout": role_trait.knockout_below,
                    "required": role_trait.required_level,
                },
            )
        if role_trait.knockout_below is not None and not cleaned_data.get("knockout_reason"):
            self.add_error(
                "knockout_reason",
                _("Tulis alasan gugur: peserta yang gugur karena sifat ini membacanya."),
            )
        return cleaned_data


class ItemForm(forms.ModelForm):
    """One questionnaire item, with only the fields its kind uses, consistent in itself."""

    def clean(self):
        cleaned_data = super().clean()
        kind = cleaned_data.get("kind")
        if kind in ITEM_KIND_FIELDS:
            # Fields the page hid for this kind may still hold an earlier kind's values.
            for name in KIND_DEPENDENT_FIELDS:
                if name in self.fields and name not in ITEM_KIND_FIELDS[kind]:
                    cleaned_data[name] = EMPTY_VALUES[name]
        item = self.edited_item(cleaned_data)
        if item.role_id is None:
            return cleaned_data
        problems = item_problems(item)
        if problems:
            raise ValidationError(problems)
        return cleaned_data

    def edited_item(self, cleaned_data) -> Item:
        """The item as it would be saved, without touching the form's instance."""
        item = copy.copy(self.instance)
        for name, value in cleaned_data.items():
            setattr(item, name, value)
        return item


class OptionFormSet(BaseInlineFormSet):
    """An item's options: as many as its kind needs, scored where it needs scores.

    A score means something only for scenario and knowledge items, "direct service" only
    for preferences: values left in the hidden columns of another kind are cleared.
    """

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kind = self.instance.kind
        kept = kept_instances(self)
        for option in kept:
            if kind not in (Item.Kind.SCENARIO, Item.Kind.KNOWLEDGE):
                option.score = None
            if kind != Item.Kind.PREFERENCE:
                option.direct_service = False
        problems = option_problems(self.instance, kept)
        if problems:
            raise ValidationError(problems)
