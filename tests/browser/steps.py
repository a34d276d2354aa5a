"""What a visitor does in the browser, one step at a time, for the end-to-end tests."""

import re
import time

from playwright.sync_api import Page, expect

# Plain groups only: Playwright's expect() runs these as JavaScript regular expressions.
SECTION_PATH = re.compile(r"/a/([^/]+)/bagian/(\d+)/$")
RESULT_PATH = re.compile(r"/a/[^/]+/hasil/$")


def next_button(page: Page):
    """The questionnaire's own "save and continue" button (not the header's hidden twin)."""
    return page.locator("form.questionnaire button[name=action][value=next]")


def back_button(page: Page):
    return page.locator("form.questionnaire button[name=action][value=back]")


def expect_section(page: Page, number: int) -> None:
    """Waits until the page is section ``number`` of the questionnaire."""
    expect(page).to_have_url(re.compile(rf"/a/[^/]+/bagian/{number}/$"))


def token_of(page: Page) -> str:
    match = SECTION_PATH.search(page.url)
    assert match, f"not a section page: {page.url}"
    return match[1]


def item_codes(page: Page) -> list[str]:
    """The item codes asked on this section page, in order (one radio group each)."""
    names = page.locator("form.questionnaire input[type=radio]").evaluate_all(
        "inputs => inputs.map(input => input.name)"
    )
    return list(dict.fromkeys(names))


def consent_and_start(page: Page, role) -> None:
    """From the role preview: start, agree, and arrive at section 1."""
    page.goto(role.get_absolute_url())
    page.get_by_role("link", name="Mulai kuesioner").first.click()
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Setuju dan mulai").click()
    expect_section(page, 1)


def answer(page: Page, answers: dict[str, str], *, skip=()) -> list[str]:
    """Choose ``answers`` for every question on the page except ``skip``; returns the codes."""
    codes = item_codes(page)
    for code in codes:
        if code not in skip:
            page.locator(f"input[name='{code}'][value='{answers[code]}']").check()
    return codes


def checked_answers(page: Page) -> dict[str, str]:
    """Item code -> the value checked on the page now."""
    pairs = page.locator("form.questionnaire input[type=radio]:checked").evaluate_all(
        "inputs => inputs.map(input => [input.name, input.value])"
    )
    return dict(pairs)


def wait_until_saved(token: str, codes, *, timeout: float = 10) -> None:
    """Waits until the server has stored an answer to each of ``codes`` (saved as ticked)."""
    from assessments.models import Assessment

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if set(codes) <= set(Assessment.objects.get(token=token).answers):
            return
        time.sleep(0.1)
    raise AssertionError(f"answers to {sorted(codes)} were not saved within {timeout} s")
