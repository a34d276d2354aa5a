"""The HR admin in a real browser at 1280 x 800, as an HR user (not a superuser): the
publish page and the paper-upload page, checked with axe; the item page's kind-fitted
fields and option table."""

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from assessments import history, snapshots
from assessments.models import Item, RoleTrait
from assessments.services import complete_assessment, start_assessment
from tests.answers import answers_for
from tests.browser.test_accessibility import AXE_OPTIONS
from tests.factories import make_hr_user

pytestmark = pytest.mark.browser

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def axe_violations(page) -> list[str]:
    results = Axe().run(page, options=AXE_OPTIONS)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + "; ".join(" ".join(node["target"]) for node in violation["nodes"])
        for violation in results.response["violations"]
    ]


@pytest.fixture
def kesra(live_kesra):
    """The Kabag Kesra role as the site serves it: its live version and baselines stored."""
    snapshots.live_version(live_kesra)
    history.record_baseline(live_kesra)
    return live_kesra


@pytest.fixture
def hr_page(kesra, open_page, live_server):
    """A desktop page logged in as an HR user."""
    client = Client()
    client.force_login(make_hr_user())
    page = open_page("desktop")
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return page


def test_hr_publishes_a_staged_change_on_the_publish_page(hr_page, kesra, shoot):
    for level in ("best", "middle", "worst"):
        assessment = start_assessment(role=kesra, language="id", consent_version="test")
        complete_assessment(assessment, answers_for(assessment.snapshot, level=level))
    RoleTrait.objects.filter(role=kesra, trait__key="empati").update(required_level=90)

    hr_page.goto(f"/admin/assessments/role/{kesra.pk}/publish/")
    expect(hr_page.locator("#draft-changes")).to_contain_text("90")
    expect(hr_page.locator("#impact-summary")).to_contain_text("3")
    shoot(hr_page, "publish-page")
    assert axe_violations(hr_page) == []

    hr_page.locator("#publish-button").click()
    hr_page.locator("#confirm-button").click()
    expect(hr_page.locator(".messagelist")).to_contain_text("Versi 2 diterbitkan")
    expect(hr_page.locator("#draft-state")).to_contain_text("Draf sama dengan versi 2")
    shoot(hr_page, "role-after-publishing")


def test_hr_scores_a_paper_file_on_the_paper_page(hr_page, kesra, shoot, tmp_path):
    lines = (EXAMPLES / "paper_responses.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    bad = lines[1].split(",")
    bad[header.index("L02")] = "7"
    upload = tmp_path / "answers.csv"
    upload.write_text("\n".join([lines[0], ",".join(bad), *lines[2:]]) + "\n", encoding="utf-8")

    hr_page.goto(f"/admin/assessments/role/{kesra.pk}/paper/")
    assert axe_violations(hr_page) == []
    hr_page.locator("input[type=file]").set_input_files(str(upload))
    hr_page.locator("#paper-upload [type=submit]").click()

    expect(hr_page.locator("#paper-rejected")).to_contain_text(
        "L02: “7” bukan jawaban yang boleh (1, 2, 3, 4, 5)"
    )
    expect(hr_page.locator("#paper-results tbody tr")).to_have_count(len(lines) - 2)
    shoot(hr_page, "paper-results")
    assert axe_violations(hr_page) == []
    # The results table scrolls inside its box: the page itself fits 1280 px.
    assert hr_page.evaluate("document.documentElement.scrollWidth") <= 1280


def test_an_item_page_shows_only_its_kinds_fields_and_fits_1280(hr_page, kesra, shoot):
    scenario = kesra.bank.items.filter(kind=Item.Kind.SCENARIO).first()

    hr_page.goto(f"/admin/assessments/item/{scenario.pk}/change/")
    expect(hr_page.locator(".fieldBox.field-trait")).to_be_visible()
    expect(hr_page.locator(".fieldBox.field-reverse_keyed")).to_be_hidden()
    expect(hr_page.locator(".fieldBox.field-belief")).to_be_hidden()
    expect(hr_page.locator("#options-group th.column-direct_service")).to_be_hidden()
    shoot(hr_page, "scenario-item")
    assert hr_page.evaluate("document.documentElement.scrollWidth") <= 1280
    table = hr_page.locator("#options-group table")
    assert table.evaluate("t => t.getBoundingClientRect().right") <= 1280

    hr_page.locator("#id_kind").select_option("belief")
    expect(hr_page.locator(".fieldBox.field-belief")).to_be_visible()
    expect(hr_page.locator(".fieldBox.field-trait")).to_be_hidden()
    expect(hr_page.locator("#options-group")).to_be_hidden()


def test_hr_reads_an_assessment_and_previews_the_draft(hr_page, kesra, shoot):
    assessment = start_assessment(role=kesra, language="id", consent_version="test")
    assessment = complete_assessment(assessment, answers_for(assessment.snapshot, level="middle"))

    hr_page.goto(f"/admin/assessments/assessment/{assessment.pk}/change/")
    expect(hr_page.locator("#reading-traits")).to_be_visible()
    shoot(hr_page, "assessment")
    assert hr_page.evaluate("document.documentElement.scrollWidth") <= 1280

    hr_page.goto(f"/admin/assessments/role/preview/{kesra.slug}/?mode=draft")
    expect(hr_page.locator("main")).to_contain_text("Pratinjau draf")
    hr_page.get_by_role("link", name="Mulai kuesioner").first.click()
    expect(hr_page.locator("form.questionnaire")).to_be_visible()
    shoot(hr_page, "preview-section")
    assert axe_violations(hr_page) == []
