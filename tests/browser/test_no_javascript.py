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

    # Language first: a plain form post, then back to Indonesian for the labels below.
    page.get_by_label("Bahasa", exact=True).select_option("en")
    page.locator("form.language-switcher button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_label(re.compile("Language|Bahasa")).select_option("id")
    page.locator("form.language-switcher button[type=submit]").click()
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
    # The scenario feedback is a native <details>: it opens and closes without a script.
    details = page.locator("details.scenario-feedback").first
    was_open = details.get_attribute("open") is not None
    details.locator("summary").click()
    assert (details.get_attribute("open") is not None) != was_open
    shoot(page, "result")

    page.get_by_role("link", name="Hapus hasil saya").click()
    page.get_by_role("button", name="Ya, hapus permanen").click()
    expect(page.get_by_role("status")).to_contain_text("telah dihapus")
    assert not Assessment.objects.filter(pk=assessment.pk).exists()
