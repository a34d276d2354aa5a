"""Playwright against the live server, in Debian's Chromium.

Playwright cannot download its own browser on these machines, so the tests launch
/usr/bin/chromium. Without it they are skipped, except in CI (the CI variable set), where
a missing browser is a failure: CI installs it.
"""

import os
import threading
import time
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command
from playwright.sync_api import Locator

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}


def pytest_configure(config):
    # pytest-playwright's own base_url fixture, not ours; fixed upstream in time.
    config.addinivalue_line(
        "filterwarnings", "ignore:Session-scoped fixtures defined as instance methods"
    )


@pytest.fixture(scope="session", autouse=True)
def chromium_installed():
    if not CHROMIUM.exists():
        reason = f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture
def live_kesra(live_server, transactional_db):
    """The Kabag Kesra role loaded into the live server's database; returns the role.

    The rate-limit counters live in the process-wide cache, which the live server shares
    with every test before this one: start from zero.
    """
    from assessments.models import Role

    cache.clear()
    call_command("loaddata", "kabag_kesra", verbosity=0)
    return Role.objects.get(slug="kabag-kesra")


@pytest.fixture(params=list(VIEWPORTS), ids=list(VIEWPORTS))
def viewport_name(request):
    return request.param


def wait_for_requests_in_flight(timeout: float = 5) -> None:
    """Waits until the live server has answered every request it took.

    A page sends what it has not saved yet as it goes (a closed tab, too): those requests
    must be over before the test database is emptied, or they meet an empty or locked one.
    """
    time.sleep(0.2)  # A request sent on closing may still be on its way.
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not any("process_request_thread" in thread.name for thread in threading.enumerate()):
            return
        time.sleep(0.05)


@pytest.fixture
def open_page(transactional_db, new_context, live_server):
    """Opens a new page (in a new context unless given one) on the live server.

    Needs the database first, so that it is torn down (its pages closed, their last requests
    answered) before the database is.
    """
    contexts = []

    def _open(viewport="desktop", *, context=None, **context_args):
        if context is None:
            context = new_context(
                viewport=VIEWPORTS[viewport], base_url=live_server.url, **context_args
            )
            contexts.append(context)
            close = context.close

            def close_once(*args, context=context, close=close, **kwargs):
                contexts.remove(context)
                close(*args, **kwargs)

            context.close = close_once
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield _open
    for context in list(contexts):
        context.close()
    wait_for_requests_in_flight()


@pytest.fixture
def shoot(request):
    """Saves a screenshot as screenshots/<test>-<viewport>-<name>.png.

    Of the whole page by default, of the screen with ``full_page=False``, or of one element
    when given a locator (e.g. to show the focus ring).
    """
    SCREENSHOTS.mkdir(exist_ok=True)
    test_name = request.node.name.removeprefix("test_").replace("-chromium", "")
    test_name = test_name.replace("[chromium]", "").replace("[", "-").replace("]", "")

    def _shoot(page_or_locator, name, *, full_page=True):
        path = SCREENSHOTS / f"{test_name}-{name}.png"
        if isinstance(page_or_locator, Locator):
            page_or_locator.screenshot(path=path)
        else:
            page_or_locator.screenshot(path=path, full_page=full_page)

    return _shoot
