"""The questionnaire form: one template per question, with the controls crispy would render,
each choice a whole-row label, errors linked to their question and the focus on the first."""

from html.parser import HTMLParser

import pytest
from crispy_forms.helper import FormHelper
from crispy_forms.utils import render_crispy_form
from django.template import engines
from django.utils import translation

from assessments import snapshots
from assessments.forms import SectionForm
from assessments.snapshots import build_snapshot
from tests.answers import answers_for

pytestmark = pytest.mark.django_db


def section_form(snapshot, number, data=None, initial=None):
    return SectionForm(
        data,
        items=snapshots.section_items(snapshot, number),
        education_fields=snapshot["education_fields"],
        first_number=snapshots.items_before(snapshot, number) + 1,
        initial=initial or {},
    )


class Controls(HTMLParser):
    """What a visitor and a screen reader get from a rendered form: each radio (name, value,
    id, checked), the text of each label and of each legend, and the error texts."""

    def __init__(self, html: str):
        super().__init__()
        self.radios, self.labels, self.legends, self.errors = [], {}, [], []
        self._text_of = None
        self._text = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") == "radio":
            self.radios.append((attrs["name"], attrs["value"], attrs["id"], "checked" in attrs))
        elif tag == "label":
            self._text_of, self._text = ("label", attrs["for"]), []
        elif tag == "legend":
            self._text_of, self._text = ("legend", None), []
        elif attrs.get("id", "").endswith("_error"):
            self._text_of, self._text = ("error", attrs["id"]), []

    def handle_data(self, data):
        if self._text_of:
            self._text.append(data)

    def handle_endtag(self, tag):
        if self._text_of and tag in {"label", "legend", "div", "p"}:
            kind, key = self._text_of
            text = " ".join("".join(self._text).split()).removesuffix("*")
            if kind == "label":
                self.labels[key] = text
            elif kind == "legend":
                self.legends.append(text)
            else:
                self.errors.append((key, text))
            self._text_of = None


QUESTIONS = engines["django"].from_string(
    "{% load careerfit %}{% question_fieldsets form.questions %}"
)


def render_questions(form) -> str:
    """The questions as the section page renders them."""
    return QUESTIONS.render({"form": form})


def rendered_both_ways(snapshot, number, data=None, initial=None):
    """The controls of the form through its question tag, and through crispy's own
    rendering of Django's stock radio fields."""
    ours = section_form(snapshot, number, data, initial)
    stock = section_form(snapshot, number, data, initial)
    stock.helper = FormHelper()
    stock.helper.form_tag = False
    if data is not None:
        ours.is_valid()
        stock.is_valid()
    return Controls(render_questions(ours)), Controls(render_crispy_form(stock))


@pytest.mark.parametrize("language", ["id", "en"])
def test_question_template_renders_the_controls_crispy_would(kesra_role, language):
    snapshot = build_snapshot(kesra_role)
    answers = answers_for(snapshot, level="middle")
    with translation.override(language):
        for number, section in enumerate(snapshot["sections"], start=1):
            codes = section["items"]
            complete = {code: answers[code] for code in codes}
            # The first question unanswered, the second not among the choices.
            invalid = {**complete, codes[1]: "not-a-choice"}
            del invalid[codes[0]]
            cases = {
                "unanswered": {},
                "resumed": {"initial": {codes[0]: answers[codes[0]]}},
                "complete": {"data": complete},
                "invalid": {"data": invalid},
            }
            for case, arguments in cases.items():
                ours, stock = rendered_both_ways(snapshot, number, **arguments)
                where = f"section {number}, {case}, {language}"
                assert ours.radios == stock.radios and ours.radios, where
                assert ours.labels == stock.labels, where
                assert ours.legends == stock.legends, where
                assert ours.errors == stock.errors, where


def test_errors_are_linked_to_their_question_and_the_first_has_the_focus(kesra_role):
    snapshot = build_snapshot(kesra_role)
    codes = snapshot["sections"][0]["items"]
    answers = answers_for(snapshot)
    form = section_form(snapshot, 1, data={code: answers[code] for code in codes[2:]})
    assert not form.is_valid()

    html = render_questions(form)

    for code in codes[:2]:
        assert f'<fieldset aria-describedby="id_{code}_error">' in html
        assert f'<p id="id_{code}_error" class="question-error">' in html
    assert html.count("aria-invalid") == sum(len(form.fields[code].choices) for code in codes[:2])
    assert html.count("autofocus") == 1
    assert f'id="id_{codes[0]}_0" required aria-invalid="true" autofocus>' in html
    assert html.count("<fieldset") == html.count("<legend") == len(form.fields)
    assert form.unanswered() == [
        {"id": f"div_id_{codes[0]}", "number": 1},
        {"id": f"div_id_{codes[1]}", "number": 2},
    ]


def test_each_choice_is_a_label_wrapping_the_row_and_the_kind_sets_the_layout(kesra_role):
    snapshot = build_snapshot(kesra_role)
    html = render_questions(section_form(snapshot, 1))
    items = snapshots.section_items(snapshot, 1)
    for item in items:
        assert f'class="question question-{item["kind"]}"' in html
    assert html.count('<div class="choice">') == html.count('class="form-check-label"')
    assert html.count('<div class="choice">') == html.count('type="radio"')


def test_situation_options_are_shuffled_per_assessment_and_stay_put(kesra_role):
    from assessments.forms import choices_for

    snapshot = build_snapshot(kesra_role)
    situations = [item for item in snapshot["items"] if item["kind"] in ("scenario", "knowledge")]
    orders = {
        key: [[code for code, _label in choices_for(item, [], key)] for item in situations]
        for key in ("token-a", "token-b")
    }
    stored = [[option["code"] for option in item["options"]] for item in situations]
    assert orders["token-a"] != stored and orders["token-a"] != orders["token-b"]
    # The same assessment always sees the same order, and the same codes.
    assert orders["token-a"] == [
        [code for code, _label in choices_for(item, [], "token-a")] for item in situations
    ]
    assert [sorted(order) for order in orders["token-a"]] == [sorted(s) for s in stored]
    # The best option's place is spread over the positions.
    best_places = {
        order.index(max(item["options"], key=lambda o: o["score"])["code"])
        for order, item in zip(orders["token-a"], situations, strict=True)
    }
    assert len(best_places) >= 3
    # Statements keep their scale in order.
    likert = next(item for item in snapshot["items"] if item["kind"] == "likert")
    assert [code for code, _ in choices_for(likert, [], "token-a")] == ["1", "2", "3", "4", "5"]
