"""Switching language on every public page, on a phone: a plain link that brings the visitor
back to the same page in the other language (the questionnaire's own buttons keep what was
ticked), and that no page can refuse, the result and the error pages included."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from assessments.models import Assessment
from tests.answers import answers_for
from tests.browser.steps import answer, checked_answers, consent_and_start, token_of
from tests.public_pages import completed_assessment

pytestmark = pytest.mark.browser

NAMES = {"id": "Bahasa Indonesia", "en": "English"}


def switch(page: Page, language: str) -> None:
    """Tap the language in the header and check the same address came back in it."""
    before = page.url
    # A link; on a questionnaire page a button of its form.
    page.locator(".language-switcher").locator("a, button", has_text=NAMES[language]).click()
    expect(page.locator("html")).to_have_attribute("lang", language)
    assert page.url == before, (page.url, before)


def round_trip(page: Page, shoot, name: str, heading_en: str | None = None) -> None:
    switch(page, "en")
    if heading_en:
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading_en)
    shoot(page, f"{name}-en", full_page=False)
    switch(page, "id")


def test_every_public_page_switches_language_on_a_phone(live_kesra, open_page, shoot):
    page = open_page("phone")

    page.goto("/?dari=poster")
    round_trip(page, shoot, "home")
    page.goto(live_kesra.get_absolute_url())
    round_trip(page, shoot, "preview", live_kesra.title_en)
    page.goto(reverse("assessments:similar_role", kwargs={"slug": live_kesra.slug}))
    round_trip(page, shoot, "similar-role")
    page.goto(reverse("assessments:consent", kwargs={"slug": live_kesra.slug}))
    round_trip(page, shoot, "consent", "Before you start")

    # A questionnaire page: what was ticked and not yet sent survives the switch.
    consent_and_start(page, live_kesra)
    assessment = Assessment.objects.get(token=token_of(page))
    ticked = answer(page, answers_for(assessment.snapshot, level="middle"))[:3]
    switch(page, "en")
    assert set(ticked) <= set(checked_answers(page))
    shoot(page, "section-en", full_page=False)
    switch(page, "id")

    # The result, sent with Referrer-Policy: no-referrer; then its delete page.
    done = completed_assessment(live_kesra, "cocok")
    result = reverse("assessments:result", kwargs={"token": done.token})
    page.goto(result)
    round_trip(page, shoot, "result")
    page.goto(reverse("assessments:delete", kwargs={"token": done.token}))
    round_trip(page, shoot, "delete")

    # Error pages: a link that is gone (404), and a form sent without its cookie (403).
    done.delete()
    assert page.goto(result).status == 404
    round_trip(page, shoot, "not-found")
    page.goto(reverse("assessments:consent", kwargs={"slug": live_kesra.slug}))
    page.context.clear_cookies()
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Setuju dan mulai").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("tidak punya akses")
    switch(page, "en")
    # Back on the consent page (a GET of the address the form was sent to), in English.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Before you start")
    shoot(page, "forbidden-then-en", full_page=False)
