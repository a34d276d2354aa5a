"""The visitor's and HR's journeys in a real browser, on a phone and on a desktop screen."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import expect

from assessments.models import Assessment, Trait
from assessments.services import core_items
from tests.answers import answers_for
from tests.browser.steps import (
    RESULT_PATH,
    answer,
    back_button,
    checked_answers,
    consent_and_start,
    expect_section,
    item_codes,
    next_button,
    token_of,
    wait_until_saved,
)
from tests.public_pages import completed_assessment

pytestmark = pytest.mark.browser


def test_a_visitor_goes_from_preview_to_result(live_kesra, open_page, viewport_name, shoot):
    page = open_page(viewport_name)
    page.goto("/")
    shoot(page, "1-home")
    page.get_by_role("heading", name=live_kesra.title).get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(live_kesra.title)
    shoot(page, "2-preview")

    page.get_by_role("link", name="Mulai kuesioner").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sebelum mulai")
    shoot(page, "3-consent")
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Setuju dan mulai").click()

    assessment = Assessment.objects.get(token=token_of(page))
    answers = answers_for(assessment.snapshot, level="best")
    total = len(assessment.snapshot["sections"])
    for number in range(1, total + 1):
        expect_section(page, number)
        # The bar counts the questions answered before this page.
        done = sum(len(core_items(assessment.snapshot, n)) for n in range(1, number))
        expect(page.locator("progress")).to_have_attribute("value", str(done))
        answer(page, answers)
        shoot(page, f"4-section-{number}")
        next_button(page).click()

    expect(page).to_have_url(RESULT_PATH)
    expect(page.locator("#verdict-heading")).to_have_text("Cocok")
    shoot(page, "5-result")
    assessment.refresh_from_db()
    assert assessment.is_completed
    # Every core question as chosen; the best answers leave nothing for a second stage.
    core = [
        item["code"] for n in range(1, total + 1) for item in core_items(assessment.snapshot, n)
    ]
    assert assessment.answers == {code: answers[code] for code in core}


def test_closing_the_page_loses_nothing(live_kesra, open_page, viewport_name, shoot):
    page = open_page(viewport_name)
    consent_and_start(page, live_kesra)
    token = token_of(page)
    answers = answers_for(Assessment.objects.get(token=token).snapshot, level="middle")
    first_codes = answer(page, answers)
    next_button(page).click()
    expect_section(page, 2)
    # Section 2 answered but not submitted, then the tab is closed: each answer was saved
    # as it was ticked.
    # All but its last question, so that the private link comes back to this section.
    last = item_codes(page)[-1]
    with page.expect_response(re.compile(r"/simpan/$")):
        second_codes = [code for code in answer(page, answers, skip=[last]) if code != last]
    wait_until_saved(token, second_codes)
    private_link = page.locator(".private-link a").get_attribute("href")
    page.context.close()

    page = open_page(viewport_name)
    page.goto(private_link)
    expect(page).to_have_url(re.compile(rf"/a/{token}/bagian/2/$"))
    assert checked_answers(page) == {code: answers[code] for code in second_codes}
    shoot(page, "resumed-section-2")
    back_button(page).click()
    expect_section(page, 1)
    assert checked_answers(page) == {code: answers[code] for code in first_codes}


def test_a_missing_answer_is_shown_and_the_others_are_kept(
    live_kesra, open_page, viewport_name, shoot
):
    page = open_page(viewport_name)
    consent_and_start(page, live_kesra)
    answers = answers_for(Assessment.objects.get(token=token_of(page)).snapshot)
    codes = answer(page, answers, skip=["L02"])
    assert "L02" in codes
    next_button(page).click()

    expect_section(page, 1)
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("1 pertanyaan belum dijawab")
    missing = page.locator("fieldset", has=page.locator("input[name=L02]"))
    expect(missing).to_contain_text("Pertanyaan ini belum dijawab")
    expect(missing.locator("input[name=L02]").first).to_have_attribute("aria-invalid", "true")
    kept = {code: answers[code] for code in codes if code != "L02"}
    assert checked_answers(page) == kept
    shoot(page, "error")

    missing.get_by_label("Setuju", exact=True).check()
    next_button(page).click()
    expect_section(page, 2)


def test_a_visitor_deletes_their_result(live_kesra, open_page, viewport_name, shoot):
    assessment = completed_assessment(live_kesra, "cukup_cocok")
    result_url = reverse("assessments:result", kwargs={"token": assessment.token})
    page = open_page(viewport_name)
    page.goto(result_url)
    shoot(page, "result")

    page.get_by_role("link", name="Hapus hasil saya").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hapus hasil")
    shoot(page, "confirm")
    page.get_by_role("button", name="Ya, hapus permanen").click()

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("status")).to_contain_text("telah dihapus")
    shoot(page, "deleted")
    assert not Assessment.objects.filter(pk=assessment.pk).exists()
    response = page.goto(result_url)
    assert response.status == 404
    shoot(page, "link-gone")


def test_the_language_switcher_keeps_the_page(live_kesra, open_page, viewport_name, shoot):
    page = open_page(viewport_name)
    page.goto(live_kesra.get_absolute_url())
    expect(page.locator("html")).to_have_attribute("lang", "id")
    path = live_kesra.get_absolute_url()

    page.locator(".language-switcher").get_by_role("link", name="English").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.url.endswith(path)
    expect(page.get_by_role("heading", level=1)).to_have_text(live_kesra.title_en)
    shoot(page, "english")

    # The choice sticks on the next page, and switching back works the same way.
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.locator(".language-switcher").get_by_role("link", name="Bahasa Indonesia").click()
    expect(page.locator("html")).to_have_attribute("lang", "id")
    assert page.url.endswith("/")


def test_hr_renames_a_trait_and_the_preview_shows_it_once_published(
    live_kesra, hr_group, open_page, viewport_name, shoot
):
    password = "a-long-test-password-for-hr"
    user = get_user_model().objects.create_user("hr-browser", password=password, is_staff=True)
    user.groups.add(hr_group)
    trait = Trait.objects.get(role=live_kesra.bank, key="kepemimpinan")
    new_name = "Kepemimpinan tim yang melayani"

    page = open_page(viewport_name)
    page.goto(reverse("admin:index"))
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(password)
    page.locator("#login-form [type=submit]").click()
    expect(page.locator("#user-tools")).to_contain_text(user.username)
    shoot(page, "admin-index")

    page.goto(reverse("admin:assessments_trait_change", args=[trait.pk]))
    page.locator("#id_name").fill(new_name)
    shoot(page, "trait-edit")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_be_visible()
    assert not page.locator(".errornote").count(), page.locator(".errorlist").all_inner_texts()
    shoot(page, "saved")

    # Saved in the draft: visitors still see the live version.
    page.goto(live_kesra.get_absolute_url())
    page.locator("summary", has_text="Siapa yang cocok").click()
    expect(page.locator(".trait-list dt", has_text=trait.name)).to_be_visible()
    expect(page.locator(".trait-list dt", has_text=new_name)).to_have_count(0)

    page.goto(reverse("admin:assessments_role_publish", args=[live_kesra.pk]))
    page.locator("#publish-button").click()
    page.locator("#confirm-button").click()
    expect(page.locator(".messagelist")).to_contain_text("Versi 2 diterbitkan")

    page.goto(live_kesra.get_absolute_url())
    page.locator("summary", has_text="Siapa yang cocok").click()
    expect(page.locator(".trait-list dt", has_text=new_name)).to_be_visible()
    shoot(page, "preview")
    trait.refresh_from_db()
    assert trait.name == new_name
