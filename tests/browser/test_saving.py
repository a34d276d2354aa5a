"""Nothing lost when a visitor leaves: answers saved as ticked, the private link, the prompt."""

import re

import pytest
from playwright.sync_api import expect

from assessments.models import Assessment
from tests.answers import answers_for
from tests.browser.steps import (
    answer,
    checked_answers,
    consent_and_start,
    item_codes,
    token_of,
    wait_until_saved,
)
from tests.browser.test_accessibility import axe_violations

pytestmark = pytest.mark.browser


def test_a_closed_tab_keeps_every_ticked_answer(live_kesra, open_page, viewport_name, shoot):
    page = open_page(viewport_name)
    consent_and_start(page, live_kesra)
    token = token_of(page)
    answers = answers_for(Assessment.objects.get(token=token).snapshot, level="middle")
    # All but the last (so that the private link comes back to this page), none sent.
    last = item_codes(page)[-1]
    codes = [code for code in answer(page, answers, skip=[last]) if code != last]
    expect(page.locator(".autosave-status")).to_contain_text("Setiap jawaban tersimpan")
    wait_until_saved(token, codes)
    link = page.locator(".private-link input").input_value()
    page.context.close()

    page = open_page(viewport_name)
    page.goto(link)
    assert checked_answers(page) == {code: answers[code] for code in codes}
    shoot(page, "resumed", full_page=False)


def test_an_answer_ticked_just_before_leaving_is_sent_on_the_way_out(live_kesra, open_page):
    page = open_page("phone")
    consent_and_start(page, live_kesra)
    token = token_of(page)
    snapshot = Assessment.objects.get(token=token).snapshot
    code = snapshot["sections"][0]["items"][0]
    # Ticked, then at once away (before the short wait that gathers taps is over).
    page.locator(f"input[name='{code}'][value='4']").check()
    page.goto("/")
    wait_until_saved(token, [code])
    assert Assessment.objects.get(token=token).answers == {code: "4"}


def test_the_continue_prompt_appears_and_goes_away_after_delete(
    live_kesra, open_page, viewport_name, shoot
):
    page = open_page(viewport_name)
    page.goto("/")
    expect(page.locator(".continue-prompt")).to_have_count(0)
    consent_and_start(page, live_kesra)
    token = token_of(page)

    for url in ("/", live_kesra.get_absolute_url()):
        page.goto(url)
        prompt = page.locator(".continue-prompt")
        expect(prompt).to_be_visible()
        assert axe_violations(page) == []
    shoot(page, "prompt", full_page=False)
    page.locator(".continue-prompt").get_by_role("link").click()
    expect(page).to_have_url(re.compile(rf"/a/{token}/bagian/1/$"))

    page.goto(f"/a/{token}/hapus/")
    page.get_by_role("button", name="Ya, hapus permanen").click()
    expect(page.get_by_role("status")).to_contain_text("telah dihapus")
    expect(page.locator(".continue-prompt")).to_have_count(0)
    page.goto(live_kesra.get_absolute_url())
    expect(page.locator(".continue-prompt")).to_have_count(0)
    cookies = {cookie["name"] for cookie in page.context.cookies()}
    assert "careerfit_resume" not in cookies


def test_the_private_link_is_at_the_top_of_section_one_with_copy(
    live_kesra, open_page, viewport_name, shoot
):
    page = open_page(viewport_name, permissions=["clipboard-read", "clipboard-write"])
    consent_and_start(page, live_kesra)
    box = page.locator("section.private-link")
    assert box.bounding_box()["y"] < page.locator("form.questionnaire").bounding_box()["y"]
    assert box.bounding_box()["y"] + box.bounding_box()["height"] < page.viewport_size["height"]
    link = box.locator("input").input_value()
    assert link.endswith(f"/a/{token_of(page)}/")

    box.get_by_role("button", name="Salin tautan").click()
    expect(box.get_by_role("button", name="Tersalin")).to_be_visible()
    # The site's pages may not read the clipboard (Permissions-Policy): paste it, as the
    # visitor would, into a box added to the page for the test.
    page.evaluate(
        "document.body.append(Object.assign(document.createElement('textarea'), {id: 'pasted'}))"
    )
    page.locator("#pasted").focus()
    page.keyboard.press("ControlOrMeta+V")
    expect(page.locator("#pasted")).to_have_value(link)
    # No Web Share API in this browser: the WhatsApp link is the way to share.
    expect(box.get_by_role("button", name="Bagikan")).to_be_hidden()
    whatsapp = box.get_by_role("link", name="Kirim lewat WhatsApp")
    expect(whatsapp).to_have_attribute("href", re.compile(r"^https://wa\.me/\?text=.+"))
    shoot(box, "private-link")


def test_where_the_browser_can_share_the_share_button_replaces_the_whatsapp_link(
    live_kesra, new_context, live_server
):
    context = new_context(viewport={"width": 360, "height": 740}, base_url=live_server.url)
    context.add_init_script(
        "navigator.share = data => { window.shared = data; return Promise.resolve(); };"
    )
    page = context.new_page()
    consent_and_start(page, live_kesra)
    box = page.locator("section.private-link")
    expect(box.get_by_role("link", name="Kirim lewat WhatsApp")).to_be_hidden()
    box.get_by_role("button", name="Bagikan").click()
    shared = page.evaluate("window.shared")
    assert shared["text"].endswith(box.locator("input").input_value())
