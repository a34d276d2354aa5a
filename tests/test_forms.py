"""The questionnaire form renders its questions with one template each, as crispy would."""

import pytest
from crispy_forms.utils import render_crispy_form
from django.test.html import parse_html
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


def rendered_both_ways(snapshot, number, data=None, initial=None):
    """The form through its question template, and through crispy-bootstrap5's own."""
    ours = section_form(snapshot, number, data, initial)
    stock = section_form(snapshot, number, data, initial)
    stock.helper.layout = None
    if data is not None:
        ours.is_valid()
        stock.is_valid()
    return parse_html(render_crispy_form(ours)), parse_html(render_crispy_form(stock))


@pytest.mark.parametrize("language", ["id", "en"])
def test_question_template_gives_crispys_markup(kesra_role, language):
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
                assert ours == stock, f"section {number}, {case}, {language}"


def test_errors_are_linked_to_their_question(kesra_role):
    snapshot = build_snapshot(kesra_role)
    code = snapshot["sections"][0]["items"][0]
    form = section_form(snapshot, 1, data={})
    assert not form.is_valid()

    html = render_crispy_form(form)

    assert f'aria-describedby="id_{code}_error"' in html
    assert f'<div id="id_{code}_error" class="invalid-feedback">' in html
    assert 'class="form-check-input is-invalid"' in html
    assert html.count("<fieldset") == html.count("<legend") == len(form.fields)


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
