"""The item bank: one questionnaire, several roles.

The Kabag Kesra's traits, sections and items live in a bank; the role weighs the bank's
traits (``RoleTrait``). A second role of the same bank is scored from the same answers.
"""

import csv
import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from assessments import drafts, scoring, services, snapshots
from assessments.models import Assessment, ProfileVersion, Role, RoleResult, RoleTrait
from assessments.publishing import publication_problems
from tests.answers import PEOPLE, PLANNING, honest_strong, leaning, with_direct_service
from tests.test_commands import EXAMPLES, run


def result_page_text(assessment):
    """The result page as a visitor sees it, less what changes on every request."""
    response = Client().get(reverse("assessments:result", kwargs={"token": assessment.token}))
    assert response.status_code == 200
    text = response.content.decode()
    return re.sub(r'(nonce|value)="[^"]*"', "", text)


BEFORE_BANK = [("assessments", "0016_verdict_item_figures")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes("assessments")


def complete(role, answers, **kwargs):
    assessment = services.start_assessment(role=role, language="id", consent_version="test")
    return services.complete_assessment(
        assessment, {**answers, **kwargs.pop("extra", {})}, section=None
    )


PEKERJA_SOSIAL = "pekerja-sosial"


@pytest.fixture
def pekerja_sosial(kesra_role):
    return Role.objects.get(slug=PEKERJA_SOSIAL)


def test_two_roles_weigh_the_traits_of_one_bank(kesra_role, pekerja_sosial):
    bank = kesra_role.bank
    assert bank.is_bank and pekerja_sosial.bank == bank
    assert set(Role.objects.published()) == {kesra_role, pekerja_sosial}
    assert kesra_role.items.count() == pekerja_sosial.items.count() == 0
    kesra = dict(kesra_role.role_traits.values_list("trait__key", "weight"))
    social = dict(pekerja_sosial.role_traits.values_list("trait__key", "weight"))
    # Case work only for the social worker, leadership only for the Kabag Kesra.
    assert "pendampingan_kasus" in social and "pendampingan_kasus" not in kesra
    assert "kepemimpinan" in kesra and "kepemimpinan" not in social
    assert social["empati"] >= kesra["empati"] and social["perencanaan"] < kesra["perencanaan"]
    assert publication_problems(kesra_role) == publication_problems(pekerja_sosial) == []


def test_the_document_of_a_role_in_a_bank_is_its_live_version(kesra_role):
    snapshot = snapshots.build_snapshot(kesra_role)
    live = snapshots.version_data(kesra_role.live_version_id).snapshot
    assert snapshots.content_fingerprint(snapshot) == snapshots.content_fingerprint(live)
    assert snapshot["bank"]["slug"] == kesra_role.bank.slug
    assert [trait["weight"] for trait in snapshot["traits"]] == list(
        kesra_role.role_traits.values_list("weight", flat=True)
    )


def test_one_questionnaire_asks_every_trait_of_the_bank_and_only_its_own_beliefs(
    kesra_role, pekerja_sosial
):
    kesra = snapshots.visitor_snapshot(kesra_role)
    social = snapshots.visitor_snapshot(pekerja_sosial)
    beliefs = lambda snapshot: {i["code"] for i in snapshot["items"] if i["kind"] == "belief"}  # noqa: E731
    others = lambda snapshot: {i["code"] for i in snapshot["items"] if i["kind"] != "belief"}  # noqa: E731
    assert others(kesra) == others(social)
    assert beliefs(kesra).isdisjoint(beliefs(social))
    # The Kabag Kesra's visitors answer the case-work items, scored for the social worker.
    asked = {i["trait"] for i in kesra["items"] if not i.get("reserve")}
    assert "pendampingan_kasus" in asked
    assert "pendampingan_kasus" in snapshots.profile_from_snapshot(kesra).unweighed_traits


def test_a_direct_service_leaning_person_fits_the_social_worker_better(kesra_role, pekerja_sosial):
    snapshot = snapshots.visitor_snapshot(kesra_role)
    assessment = complete(kesra_role, leaning(snapshot, PLANNING, 6))
    [social] = RoleResult.objects.filter(assessment=assessment)
    assert social.profile_version_id == pekerja_sosial.live_version_id
    assert social.overall_fit > assessment.overall_fit
    # The Kabag Kesra's result suggests the social worker, and links to that result.
    assert assessment.result["suggested_role"] == PEKERJA_SOSIAL
    page = Client().get(reverse("assessments:result", kwargs={"token": assessment.token}))
    role_url = reverse(
        "assessments:role_result", kwargs={"token": assessment.token, "slug": PEKERJA_SOSIAL}
    )
    assert role_url in page.content.decode()
    assert "Pekerja Sosial" in page.content.decode()
    shown = Client().get(role_url)
    assert shown.status_code == 200
    assert "Kembali ke hasil Anda" in shown.content.decode()


def test_a_planning_leaning_person_fits_the_kabag_kesra_better(kesra_role, pekerja_sosial):
    snapshot = snapshots.visitor_snapshot(pekerja_sosial)
    assessment = complete(pekerja_sosial, leaning(snapshot, PEOPLE[3:], 0))
    [kesra] = RoleResult.objects.filter(assessment=assessment)
    assert kesra.profile_version_id == kesra_role.live_version_id
    assert kesra.overall_fit > assessment.overall_fit
    assert assessment.result["suggested_role"] == kesra_role.slug


def test_another_roles_result_is_scored_as_its_own_visitor_would_be(kesra_role, pekerja_sosial):
    snapshot = snapshots.visitor_snapshot(kesra_role)
    answers = honest_strong(snapshot)
    assessment = complete(kesra_role, answers)
    [stored] = RoleResult.objects.filter(assessment=assessment)
    profile = snapshots.version_data(pekerja_sosial.live_version_id).profile
    asked = {item.code for item in profile.items}
    direct = scoring.score(
        profile=scoring.answered_part(profile, answers),
        answers={code: value for code, value in answers.items() if code in asked},
        section_seconds=services.section_seconds(assessment),
    )
    assert stored.result == direct.to_dict()


def test_a_role_weighing_a_trait_the_answers_do_not_measure_is_left_out(pekerja_sosial):
    profile = snapshots.version_data(pekerja_sosial.live_version_id).profile
    assert scoring.answered_part(profile, {"L01": "3"}) is None


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_second_edition_content_into_a_bank_and_changes_no_result():
    """A database holding second-edition results, as it stood before the bank."""
    call_command("loaddata", "editions/kabag_kesra_2", verbosity=0)
    role = Role.objects.get(slug="kabag-kesra")
    assert role.bank_id is None
    snapshots.live_version(role)
    snapshot = snapshots.visitor_snapshot(role)
    complete(role, honest_strong(snapshot))
    complete(role, with_direct_service(snapshot, honest_strong(snapshot), 6))
    before = list(Assessment.objects.order_by("pk").values())
    versions = list(ProfileVersion.objects.order_by("pk").values())
    pages = [result_page_text(assessment) for assessment in Assessment.objects.order_by("pk")]
    fingerprint = snapshots.role_fingerprint(role)

    migrate(BEFORE_BANK)
    migrate(latest())
    snapshots.clear_cache()

    role = Role.objects.get(slug="kabag-kesra")
    assert role.bank is not None and role.bank.items.count() == len(snapshot["items"])
    assert RoleTrait.objects.filter(role=role).count() == len(snapshot["traits"])
    assert snapshots.role_fingerprint(role) == fingerprint
    assert list(Assessment.objects.order_by("pk").values()) == before
    assert list(ProfileVersion.objects.order_by("pk").values()) == versions
    assert [
        result_page_text(assessment) for assessment in Assessment.objects.order_by("pk")
    ] == pages


@pytest.mark.parametrize("roles", [("bank-kesejahteraan",), ("kabag-kesra", PEKERJA_SOSIAL)])
def test_score_responses_scores_one_paper_file_for_both_roles(kesra_role, roles):
    """The paper example, filled in on the Kabag Kesra's form, scored for both roles of
    its bank: a column group per role, every respondent scored for each."""
    code, out, err = run("score_responses", *roles, str(EXAMPLES / "paper_responses.csv"))
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0, err
    assert len(rows) == 6
    for slug in ("kabag-kesra", PEKERJA_SOSIAL):
        assert all(row[f"{slug}:verdict"] and row[f"{slug}:overall_fit"] for row in rows)
    assert "kabag-kesra:trait_kepemimpinan" in rows[0]
    assert f"{PEKERJA_SOSIAL}:trait_pendampingan_kasus" in rows[0]
    assert f"{PEKERJA_SOSIAL}:trait_kepemimpinan" not in rows[0]


def test_roles_of_different_banks_are_not_scored_together(kesra_role):
    from tests.factories import make_complete_role

    other = make_complete_role()
    with pytest.raises(CommandError, match="share one item bank"):
        run("score_responses", "kabag-kesra", other.slug, str(EXAMPLES / "paper_responses.csv"))


def test_the_export_has_a_column_group_for_the_other_role(kesra_role, pekerja_sosial):
    from datetime import timedelta

    from django.utils import timezone

    from assessments.files import exports

    snapshot = snapshots.visitor_snapshot(kesra_role)
    assessment = complete(kesra_role, leaning(snapshot, PLANNING, 6))
    [social] = RoleResult.objects.filter(assessment=assessment)
    now = timezone.now()
    header, row = list(
        exports.result_rows(kesra_role, start=now - timedelta(days=1), end=now + timedelta(days=1))
    )
    values = dict(zip(header, row, strict=True))
    assert values["Pekerja Sosial: putusan (kode)"] == social.verdict
    assert values["Pekerja Sosial: kecocokan keseluruhan (0-100)"] == round(social.overall_fit, 2)
    assert values["Kecocokan keseluruhan (0-100)"] == round(assessment.overall_fit, 2)
    legend = [
        line[0]
        for line in exports.legend_rows(
            kesra_role, start=now - timedelta(days=1), end=now, field_of_study=False
        )
        if line
    ]
    assert "Pekerja Sosial: putusan" in legend


def test_the_banks_publish_page_shows_what_its_changes_do_to_each_role(
    kesra_role, pekerja_sosial, hr_client
):
    """A bank edit reaches every role's draft, re-publishes nothing, and the bank's page
    says so per role, with the impact on past verdicts and the way to each publish page."""
    bank = kesra_role.bank
    snapshot = snapshots.visitor_snapshot(kesra_role)
    complete(kesra_role, honest_strong(snapshot))
    item = bank.items.get(code="L01")
    item.text = "Saya cepat memahami perasaan warga yang saya temui."
    item.save()

    page = hr_client.get(reverse("admin:assessments_role_publish", args=[bank.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    for role in (kesra_role, pekerja_sosial):
        assert reverse("admin:assessments_role_publish", args=[role.pk]) in text
        assert f'id="impact-summary-{role.pk}"' in text
    assert text.count("L01") >= 2
    # Nothing was published: visitors still see the live versions.
    for role in (kesra_role, pekerja_sosial):
        role.refresh_from_db()
        assert "Saya cepat memahami" not in str(snapshots.visitor_snapshot(role)["items"])
    assert (
        hr_client.post(
            reverse("admin:assessments_role_publish", args=[bank.pk]), {"action": "publish"}
        ).status_code
        == 405
    )


def test_discarding_the_draft_of_a_role_that_leaves_a_bank_trait_unweighed(kesra_role):
    """Its document asks the items of a bank trait it does not weigh (for the bank's other
    roles): writing it back keeps them with the bank's trait."""
    other = Role.objects.get(slug=PEKERJA_SOSIAL)
    live = snapshots.version_data(other.live_version_id).snapshot
    assert "kepemimpinan" not in {trait["key"] for trait in live["traits"]}
    assert "kepemimpinan" in {item["trait"] for item in live["items"]}
    weight = other.role_traits.get(trait__key="empati").weight
    RoleTrait.objects.filter(role=other, trait__key="empati").update(weight=weight % 5 + 1)
    Role.objects.filter(pk=other.pk).update(summary="Ringkasan draf.")
    bank_before = snapshots.role_fingerprint(kesra_role.bank)

    drafts.discard_draft(Role.objects.get(pk=other.pk))
    other.refresh_from_db()

    assert snapshots.role_fingerprint(other) == other.live_version.fingerprint
    assert not other.traits.exists() and not other.items.exists()
    assert other.role_traits.get(trait__key="empati").weight == weight
    # The bank's items keep their order: the other roles' items sit where they were.
    assert snapshots.role_fingerprint(kesra_role.bank) == bank_before
    # The Kabag Kesra, which weighs every trait, is as it was.
    assert not drafts.draft_state(kesra_role).changed


def test_the_banks_item_statistics_gather_every_role_that_scores_each_item(
    kesra_role, pekerja_sosial, hr_client, settings
):
    """Every item counts the results of both roles: one questionnaire asks each of them,
    case work included, whichever role the visitor chose."""
    from assessments.insights import statistics

    settings.STATS_MIN_COMPLETED = 2
    for role, count in ((kesra_role, 2), (pekerja_sosial, 3)):
        snapshot = snapshots.visitor_snapshot(role)
        for n in range(count):
            complete(role, leaning(snapshot, PLANNING if n % 2 else PEOPLE[3:], n))
    analysis = statistics.bank_item_analysis(kesra_role.bank)
    assert analysis.completed == 5
    items = {item.code: item for scale in analysis.scales for item in scale.items}
    assert items["L01"].n == 5
    assert items["L73"].n == 5
    page = hr_client.get(reverse("admin:assessments_role_statistics", args=[kesra_role.bank.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "L73" in text and "Pendampingan kasus" in text and "5 asesmen selesai" in text
