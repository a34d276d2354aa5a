"""The second stage on the real bank: a visitor near a line gets reserve questions."""

import re

import pytest
from playwright.sync_api import expect

from assessments.models import Assessment
from tests import answers as personas
from tests.browser.steps import answer, consent_and_start, item_codes, next_button, token_of

pytestmark = pytest.mark.browser

EXTRA_PATH = re.compile(r"/a/[\w-]+/tambahan/\d+/$")
RESULT_PATH = re.compile(r"/a/[\w-]+/hasil/$")


def test_a_visitor_near_a_line_is_asked_reserve_questions_then_sees_the_result(
    live_kesra, open_page, shoot
):
    page = open_page("phone")
    consent_and_start(page, live_kesra)
    assessment = Assessment.objects.get(token=token_of(page))
    snapshot = assessment.snapshot
    answers = personas.near_the_top(snapshot)
    reserve = {item["code"] for item in snapshot["items"] if item.get("reserve")}

    # The core pages ask no reserve question.
    while not EXTRA_PATH.search(page.url):
        assert not set(item_codes(page)) & reserve, page.url
        answer(page, answers)
        next_button(page).click()
        page.wait_for_load_state()
        assert not RESULT_PATH.search(page.url), "no second stage for answers near the lines"

    # One or two short extra pages of reserve questions, behaviour items among them.
    pages = 0
    while EXTRA_PATH.search(page.url):
        pages += 1
        asked = item_codes(page)
        assert asked and set(asked) <= reserve
        expect(page.locator("main")).to_contain_text("Beberapa pertanyaan tambahan")
        if pages == 1:
            shoot(page, "extra-page", full_page=False)
            assert any(code.startswith(("S", "K")) for code in asked), asked
        answer(page, answers)
        next_button(page).click()
        page.wait_for_load_state()
    assert 1 <= pages <= 2

    expect(page).to_have_url(RESULT_PATH)
    assessment.refresh_from_db()
    assert assessment.is_completed
    served = set(assessment.result.get("reserve_items", ()))
    assert served and served <= reserve
    assert served <= set(assessment.answers)
