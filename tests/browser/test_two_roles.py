"""One questionnaire, two roles, in a real browser: a visitor who chose the pekerja sosial
and leans to planning sees both verdicts side by side, then the Kabag Kesra's in full."""

import re

import pytest
from playwright.sync_api import expect

from assessments.models import Assessment, Role
from tests.answers import PEOPLE, leaning
from tests.browser.steps import RESULT_PATH, answer, consent_and_start, next_button, token_of

from .test_accessibility import axe_violations

pytestmark = pytest.mark.browser

EXTRA_PATH = re.compile(r"/a/[^/]+/tambahan/\d+/$")


def test_one_questionnaire_gives_both_verdicts(live_kesra, open_page, viewport_name, shoot):
    social = Role.objects.get(slug="pekerja-sosial")
    page = open_page(viewport_name)
    page.goto("/")
    # Each role's card says the same answers are judged for the other.
    expect(page.locator(".also-judged").first).to_contain_text(social.title)

    consent_and_start(page, social)
    assessment = Assessment.objects.get(token=token_of(page))
    # A planning-leaning person: strong but for case work, every task choice for planning.
    answers = leaning(assessment.snapshot, PEOPLE[3:], 0)
    while not RESULT_PATH.search(page.url):
        answer(page, answers)
        next_button(page).click()
        page.wait_for_url(re.compile(r"/(bagian/\d+|tambahan/\d+|hasil)/$"))

    other = page.locator(".other-roles")
    expect(other).to_contain_text("Jawaban yang sama untuk jabatan lain")
    expect(other).to_contain_text(live_kesra.title)
    other.scroll_into_view_if_needed()
    shoot(page, "1-result-both-roles")
    # The planning role is suggested, with a link to its result from the same answers.
    link = page.get_by_role("link", name=f"Lihat hasil Anda untuk {live_kesra.title}").first
    link.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(live_kesra.title)
    expect(page.locator(".other-role-note")).to_contain_text("jawaban yang sama")
    shoot(page, "2-the-other-roles-result")
    assert axe_violations(page) == []

    # In English too, through the language link, and back to the visitor's own result.
    page.get_by_role("link", name="English").click()
    expect(page.locator(".other-role-note")).to_contain_text("the answers you gave")
    page.locator(".verdict").get_by_role("link", name=re.compile("Back to your result")).click()
    expect(page).to_have_url(RESULT_PATH)
    expect(page.get_by_role("heading", level=1)).to_contain_text(social.title_en)
