"""Accessibility: axe-core finds nothing on any public page, and the keyboard is enough."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from assessments.models import Assessment
from assessments.services import core_items
from tests.answers import answers_for
from tests.browser.steps import (
    RESULT_PATH,
    expect_section,
    item_codes,
    next_button,
    token_of,
)
from tests.public_pages import VERDICTS, public_page_urls

pytestmark = pytest.mark.browser

# WCAG 2.2 A and AA, plus axe's best practices (landmarks, one h1, headings in order...).
AXE_OPTIONS = {
    "resultTypes": ["violations"],
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
}


def axe_violations(page) -> list[str]:
    """One line per axe violation on the page as it is now: rule, impact, where."""
    results = Axe().run(page, options=AXE_OPTIONS)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + "; ".join(" ".join(node["target"]) for node in violation["nodes"])
        for violation in results.response["violations"]
    ]


def show_posted_state(page, url: str, data: dict) -> None:
    """Reach a page's state after a POST the way a visitor does: fill the form, submit."""
    page.goto(url)
    for name, value in data.items():
        if name != "action":
            page.locator(f"input[name='{name}'][value='{value}']").check()
    if "action" in data:
        next_button(page).click()
    else:
        page.locator("main form [type=submit]").click()
    expect(page.locator(".invalid-feedback, .question-error").first).to_be_visible()


def test_axe_finds_no_violation_on_any_public_page(live_kesra, open_page, viewport_name, shoot):
    """Every page and state on a phone; on a desktop, sections 2 to 5 are left out.

    They share section 1's template and layout, and axe is the slowest part of the suite.
    """
    page = open_page(viewport_name)
    found = {}
    for name, target in public_page_urls(live_kesra).items():
        if viewport_name == "desktop" and re.fullmatch(r"section-[2-9]", name):
            continue
        if isinstance(target, tuple):
            show_posted_state(page, *target)
        else:
            response = page.goto(target)
            assert response.ok or name == "404", name
        if violations := axe_violations(page):
            found[name] = violations
        if name in {"consent-error", "section-error", "404"} or name.startswith("result"):
            shoot(page, name)
    assert found == {}, "\n".join(f"{name}: {v}" for name, vs in found.items() for v in vs)


def test_axe_is_really_running(live_kesra, open_page):
    page = open_page("desktop")
    page.goto(live_kesra.get_absolute_url())
    # An image with no text alternative: axe must notice, or the scan above proves nothing.
    page.evaluate("document.querySelector('main').append(document.createElement('img'))")
    assert any(line.startswith("image-alt") for line in axe_violations(page))


def test_every_question_is_a_fieldset_with_a_legend(live_kesra, open_page):
    page = open_page("desktop")
    urls = public_page_urls(live_kesra)
    sections = [url for name, url in urls.items() if re.fullmatch(r"section-\d+", name)]
    for url in sections:
        page.goto(url)
        codes = item_codes(page)
        fieldsets = page.locator("form.questionnaire fieldset")
        expect(fieldsets).to_have_count(len(codes))
        for index, code in enumerate(codes):
            fieldset = fieldsets.nth(index)
            expect(fieldset.locator("input[type=radio]").first).to_have_attribute("name", code)
            expect(fieldset.locator("legend")).to_have_text(re.compile(r"\d+\. \S"))
            # Every choice has a label of its own.
            for radio in fieldset.locator("input[type=radio]").all():
                expect(page.locator(f"label[for='{radio.get_attribute('id')}']")).to_be_visible()


def test_the_chart_has_the_table_as_its_text_equivalent(live_kesra, open_page):
    """The chart is hidden from screen readers and the table hidden from the eye, with the
    same traits and numbers in both; on paper the table is printed."""
    page = open_page("desktop")
    page.goto(public_page_urls(live_kesra)[f"result-{VERDICTS[1]}"])
    chart = page.locator("figure.trait-chart")
    expect(chart).to_have_attribute("aria-hidden", "true")
    expect(chart).to_be_visible()
    table = page.locator("table.trait-table")
    expect(table).to_have_count(1)
    hidden = page.locator(".screen-reader-table")
    assert hidden.bounding_box()["width"] <= 1, "the table is drawn on screen"
    names = chart.locator(".trait-row-name").all_inner_texts()
    row_headers = table.locator("tbody th[scope=row]").all_inner_texts()
    assert names == row_headers and len(row_headers) == live_kesra.role_traits.count()
    shown = chart.locator("svg text").all_text_contents()
    in_table = [row.locator("td").first.inner_text() for row in table.locator("tbody tr").all()]
    assert shown == in_table and all(re.fullmatch(r"\d+", value) for value in shown)
    page.emulate_media(media="print")
    assert hidden.bounding_box()["width"] > 100, "the table is not printed"


def focused(page, selector: str) -> bool:
    return page.evaluate("selector => document.activeElement.matches(selector)", selector)


def tab_to(page, selector: str, *, limit: int = 40) -> None:
    """Press Tab until the focused element matches ``selector``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused(page, selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def assert_focus_is_visible(page) -> None:
    outline = page.evaluate(
        "() => { const style = getComputedStyle(document.activeElement);"
        " return [style.outlineStyle, parseFloat(style.outlineWidth)]; }"
    )
    assert outline[0] != "none" and outline[1] >= 2, f"no visible focus: {outline}"


def press_and_wait_for_the_next_page(page, key: str) -> None:
    with page.expect_navigation():
        page.keyboard.press(key)


def test_the_whole_questionnaire_works_with_the_keyboard_alone(live_kesra, open_page, shoot):
    page = open_page("desktop")
    page.goto(live_kesra.get_absolute_url())
    tab_to(page, "a.btn-primary")
    assert_focus_is_visible(page)
    press_and_wait_for_the_next_page(page, "Enter")

    tab_to(page, "input[name=agree]")
    assert_focus_is_visible(page)
    page.keyboard.press("Space")
    tab_to(page, "main form button[type=submit]")
    press_and_wait_for_the_next_page(page, "Enter")
    expect_section(page, 1)

    assessment = Assessment.objects.get(token=token_of(page))
    answers = answers_for(assessment.snapshot, level="middle")
    for number in range(1, len(assessment.snapshot["sections"]) + 1):
        codes = item_codes(page)
        for code in codes:
            values = page.locator(f"input[name='{code}']").evaluate_all(
                "radios => radios.map(radio => radio.value)"
            )
            # Tab enters the group on its first radio; Space picks it, arrows move the pick.
            tab_to(page, f"input[name='{code}']")
            assert_focus_is_visible(page)
            page.keyboard.press("Space")
            for _ in range(values.index(answers[code])):
                page.keyboard.press("ArrowDown")
            if number == 1 and code == codes[0]:
                shoot(page.locator("fieldset", has=page.locator(":focus")), "focus")
        tab_to(page, "form.questionnaire button[value=next]")
        assert_focus_is_visible(page)
        press_and_wait_for_the_next_page(page, "Enter")

    expect(page).to_have_url(RESULT_PATH)
    assessment.refresh_from_db()
    assert assessment.is_completed
    # The core questions, every one as chosen (these answers need no second stage).
    sections = range(1, len(assessment.snapshot["sections"]) + 1)
    core = [item["code"] for n in sections for item in core_items(assessment.snapshot, n)]
    assert assessment.answers == {code: answers[code] for code in core}
