"""Questions that fit a thumb, on a phone and on a desktop screen."""

import re

import pytest
from playwright.sync_api import expect

from assessments.models import Assessment
from assessments.services import core_items
from tests.answers import answers_for
from tests.browser.steps import answer, consent_and_start, expect_section, next_button, token_of

pytestmark = pytest.mark.browser

# The smallest touch target commonly recommended (WCAG 2.5.5 asks 44 CSS px).
MIN_TARGET = 48


def choices_of(page, code):
    return page.locator(f"#div_id_{code} .form-check-label")


def test_a_tap_beside_the_words_picks_the_choice(live_kesra, open_page, viewport_name):
    page = open_page(viewport_name)
    consent_and_start(page, live_kesra)
    token = token_of(page)
    snapshot = Assessment.objects.get(token=token).snapshot
    kinds = {item["code"]: item["kind"] for item in snapshot["items"]}
    # The first question of each kind, on the section that has it.
    firsts = {}
    for number in range(1, len(snapshot["sections"]) + 1):
        for item in core_items(snapshot, number):
            firsts.setdefault(kinds[item["code"]], (number, item["code"]))
    assert {"likert", "scenario", "belief", "preference"} <= set(firsts)
    for number, code in firsts.values():
        page.goto(f"/a/{token}/bagian/{number}/")
        label = choices_of(page, code).last
        label.scroll_into_view_if_needed()
        box = label.bounding_box()
        words = label.evaluate(
            "label => { const range = document.createRange();"
            " range.selectNodeContents(label); const r = range.getBoundingClientRect();"
            " return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; }"
        )
        # A point inside the row but off its words: right of them, or below them in a cell.
        if box["x"] + box["width"] - words["right"] > 12:
            x, y = box["x"] + box["width"] - 6, box["y"] + box["height"] / 2
        else:
            x, y = box["x"] + 4, box["y"] + box["height"] - 4
        page.mouse.click(x, y)
        radio = page.locator(f"#div_id_{code} input[type=radio]").last
        expect(radio).to_be_checked()


def test_every_choice_is_a_whole_row_at_least_48_px_tall(live_kesra, open_page, viewport_name):
    page = open_page(viewport_name)
    consent_and_start(page, live_kesra)
    heights = page.locator("form.questionnaire .form-check-label").evaluate_all(
        "labels => labels.map(label => label.getBoundingClientRect().height)"
    )
    assert heights and min(heights) >= MIN_TARGET
    width = page.evaluate("document.documentElement.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "scrolls sideways"


def test_the_five_point_scale_is_one_row(live_kesra, open_page, viewport_name, shoot):
    page = open_page(viewport_name)
    consent_and_start(page, live_kesra)
    snapshot = Assessment.objects.get(token=token_of(page)).snapshot
    code = next(item["code"] for item in snapshot["items"] if item["kind"] == "likert")
    boxes = [label.bounding_box() for label in choices_of(page, code).all()]
    assert len(boxes) == 5
    assert len({round(box["y"]) for box in boxes}) == 1
    assert [box["x"] for box in boxes] == sorted(box["x"] for box in boxes)
    # A statement with its scale is short: on a phone about a sixth of the screen.
    question = page.locator(f"#div_id_{code}").bounding_box()["height"]
    assert question < 160
    shoot(page.locator(f"#div_id_{code}"), "scale")


def test_the_counter_and_the_time_left_are_shown(live_kesra, open_page, viewport_name):
    page = open_page(viewport_name)
    consent_and_start(page, live_kesra)
    snapshot = Assessment.objects.get(token=token_of(page)).snapshot
    first = len(core_items(snapshot, 1))
    # The core's questions: reserve items are counted only when a second stage asks them.
    total = sum(len(core_items(snapshot, n)) for n in range(1, len(snapshot["sections"]) + 1))
    meta = page.locator(".section-meta")
    expect(meta).to_contain_text(f"pertanyaan 1–{first} dari {total}")
    expect(meta).to_contain_text(re.compile(r"sekitar \d+ menit lagi"))
    answer(page, answers_for(snapshot))
    next_button(page).click()
    expect_section(page, 2)
    expect(page.locator("progress")).to_have_attribute("value", str(first))


def test_the_error_summary_links_each_unanswered_question_and_focus_is_on_the_first(
    live_kesra, open_page, viewport_name, shoot
):
    page = open_page(viewport_name)
    consent_and_start(page, live_kesra)
    snapshot = Assessment.objects.get(token=token_of(page)).snapshot
    codes = [item["code"] for item in core_items(snapshot, 1)]
    skipped = [codes[2], codes[-1]]
    answer(page, answers_for(snapshot), skip=skipped)
    # The same address comes back: wait for the new page itself, scripts run.
    with page.expect_navigation(wait_until="load"):
        next_button(page).click()

    expect_section(page, 1)
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("2 pertanyaan belum dijawab")
    links = summary.get_by_role("link")
    expect(links).to_have_count(2)
    # The focus is on the first unanswered question, which is on the screen.
    first = page.locator(f"input[name='{skipped[0]}']").first
    expect(first).to_be_focused()
    assert (
        first.evaluate("radio => radio.getBoundingClientRect().top") < page.viewport_size["height"]
    )
    shoot(page, "error", full_page=False)
    # Only the unanswered questions are marked, not every choice on the page.
    expect(page.locator(".question-invalid")).to_have_count(2)
    links.last.click()
    expect(page.locator(f"input[name='{skipped[1]}']").first).to_be_focused()
