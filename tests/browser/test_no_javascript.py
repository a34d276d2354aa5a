"""The whole visitor journey works with JavaScript turned off in the browser."""

import re

import pytest
from playwright.sync_api import expect

from assessments.models import Assessment
from tests.answers import answers_for
from tests.browser.steps import (
    RESULT_PATH,
    answer,
    consent_and_start,
    expect_section,
    next_button,
    token_of,
)

pytestmark = pytest.mark.browser


def test_the_whole_journey_works_without_javascript(live_kesra, open_page, shoot):
    page = open_page("phone", java_script_enabled=False)
    page.goto("/")

    # Language first: a plain link, then back to Indonesian for the labels below.
    page.locator(".language-switcher").get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.locator(".language-switcher").get_by_role("link", name="Bahasa Indonesia").click()
    expect(page.locator("html")).to_have_attribute("lang", "id")

    consent_and_start(page, live_kesra)
    assessment = Assessment.objects.get(token=token_of(page))
    answers = answers_for(assessment.snapshot, level="worst")
    # A missing answer is reported by the server, not by a script.
    next_button(page).click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect_section(page, 1)
    for number in range(1, len(assessment.snapshot["sections"]) + 1):
        expect_section(page, number)
        answer(page, answers)
        next_button(page).click()
    expect(page).to_have_url(RESULT_PATH)
    expect(page.locator("#verdict-heading")).to_have_text("Tidak cocok")
    # The folded parts are native <details>: they open and close without a script.
    fold = page.locator("details#scenarios")
    expect(fold).not_to_have_attribute("open", "")
    fold.locator("> summary").click()
    expect(fold).to_have_attribute("open", "")
    scenario = fold.locator("details.scenario-feedback").first
    scenario.locator("summary").click()
    expect(scenario).to_have_attribute("open", "")
    shoot(page, "result")

    page.get_by_role("link", name="Hapus hasil saya").click()
    page.get_by_role("button", name="Ya, hapus permanen").click()
    expect(page.get_by_role("status")).to_contain_text("telah dihapus")
    assert not Assessment.objects.filter(pk=assessment.pk).exists()


def test_without_javascript_the_page_saves_on_submit_and_offers_the_plain_link(
    live_kesra, open_page
):
    page = open_page("phone", java_script_enabled=False)
    consent_and_start(page, live_kesra)
    token = token_of(page)
    answers = answers_for(Assessment.objects.get(token=token).snapshot)
    # The copy and share buttons need the script; the WhatsApp link and the address do not.
    box = page.locator("section.private-link")
    expect(box.get_by_role("button")).to_have_count(0)
    expect(box.get_by_role("link", name="Kirim lewat WhatsApp")).to_be_visible()
    expect(box.locator("input")).to_have_value(re.compile(rf"/a/{token}/$"))
    answer(page, answers)
    page.goto("/")
    # Nothing was sent: without a script answers are saved when the form is sent.
    assert Assessment.objects.get(token=token).answers == {}
    # The continue prompt needs no script either.
    expect(page.locator(".continue-prompt")).to_be_visible()
