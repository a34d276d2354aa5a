"""Every stored first-edition result is shown from what is stored (DESIGN.md 5,
"Reproducibility"): its page renders without scoring anything, and says the stored verdict,
figures, mismatches and misconceptions."""

import html
import re
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from assessments import scoring, snapshots
from assessments.models import Assessment
from assessments.templatetags.careerfit import score
from assessments.verdicts import VERDICT_TEXTS
from tests.test_migrations import DATA, migrated  # noqa: F401  (the fixture)


def text_of(response) -> str:
    """The page's text, tags removed and spaces collapsed."""
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(body))


@pytest.fixture
def no_scoring(monkeypatch):
    def refuse(**kwargs):
        raise AssertionError("a stored result was scored again")

    monkeypatch.setattr(scoring, "score", refuse)


def test_every_first_edition_result_renders_from_what_is_stored(migrated, no_scoring):  # noqa: F811
    client = Client(HTTP_ACCEPT_LANGUAGE="id")
    rows = [row for row in DATA["assessments"] if row["status"] == "completed"]
    completed = Assessment.objects.completed().order_by("pk")
    assert len(rows) == completed.count() == 23
    for assessment, row in zip(completed, rows, strict=True):
        snapshot = DATA["snapshots"][row["snapshot"]]
        stored = row["result"]

        response = client.get(reverse("assessments:result", kwargs={"token": assessment.token}))

        assert response.status_code == HTTPStatus.OK
        page = text_of(response)
        assert str(VERDICT_TEXTS[stored["verdict"]].label) in page
        assert score(stored["overall_fit"]) in page
        names = {trait["key"]: trait["name"] for trait in snapshot["traits"]}
        for trait in stored["traits"]:
            assert f"{names[trait['key']]}" in page
            assert score(trait["score"]) in page
        for key in stored["mismatches"]:
            assert names[key] in page
        beliefs = {item["code"]: item for item in snapshot["items"]}
        for code in stored["misconceptions"]:
            assert beliefs[code]["text"].split()[0] in page
        # The page is the stored result's: the context holds it as it was stored.
        assert response.context["result"] == scoring.result_from_dict(stored)
        assert assessment.profile_version.snapshot == snapshot
    snapshots.clear_cache()


def test_an_open_first_edition_assessment_completes_under_todays_rules(migrated):  # noqa: F811
    """Its version has no behaviour share or per-trait floors: the defaults stand in."""
    from assessments import services
    from tests.answers import answers_for

    open_one = Assessment.objects.filter(status=Assessment.Status.IN_PROGRESS).first()
    snapshot = open_one.profile_version.snapshot
    assert snapshot["schema"] == 1 and "behaviour_share" not in snapshot

    done = services.complete_assessment(open_one, answers_for(snapshot))

    assert done.is_completed and done.result["rules"] == scoring.RULES_CURRENT
    assert done.verdict in scoring.VERDICTS
    snapshots.clear_cache()


def test_a_first_edition_version_is_written_back_into_rows(migrated):  # noqa: F811
    """A draft put back as a first-edition version has it (what discarding does)."""
    from assessments import drafts
    from assessments.models import ProfileVersion, Role

    role = Role.objects.roles().get()
    version = ProfileVersion.objects.order_by("-number").first()
    assert version.snapshot.get("schema", 1) == 1

    drafts.write_rows(role, version.snapshot, stored=True)

    # The migrated role uses an item bank: its questionnaire is written into the bank, what
    # each trait means for it into its role traits.
    codes = [item["code"] for item in version.snapshot["items"]]
    assert sorted(role.bank.items.values_list("code", flat=True)) == sorted(codes)
    assert role.role_traits.count() == len(version.snapshot["traits"])
    snapshots.clear_cache()
