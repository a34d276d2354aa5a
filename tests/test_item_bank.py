"""The item bank: one questionnaire, several roles.

The Kabag Kesra's traits, sections and items live in a bank; the role weighs the bank's
traits (``RoleTrait``). A second role of the same bank is scored from the same answers.
"""

import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from assessments import drafts, scoring, services, snapshots
from assessments.models import Assessment, Item, ProfileVersion, Role, RoleResult, RoleTrait
from assessments.publishing import publication_problems, publish
from tests.answers import honest_strong, with_direct_service


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


def test_the_kabag_kesra_weighs_the_banks_traits(kesra_role):
    bank = kesra_role.bank
    assert bank.is_bank and not kesra_role.is_bank
    assert list(Role.objects.published()) == [kesra_role]
    assert kesra_role.items.count() == 0
    assert bank.items.count() == 125
    weighed = list(kesra_role.role_traits.values_list("trait__key", flat=True))
    assert weighed == list(bank.traits.values_list("key", flat=True))
    assert len(weighed) == 9
    assert publication_problems(kesra_role) == []


def test_the_document_of_a_role_in_a_bank_is_its_live_version(kesra_role):
    snapshot = snapshots.build_snapshot(kesra_role)
    live = snapshots.version_data(kesra_role.live_version_id).snapshot
    assert snapshots.content_fingerprint(snapshot) == snapshots.content_fingerprint(live)
    assert snapshot["bank"]["slug"] == kesra_role.bank.slug
    assert [trait["weight"] for trait in snapshot["traits"]] == list(
        kesra_role.role_traits.values_list("weight", flat=True)
    )


def second_role(kesra_role, *, slug="pendamping", weights=None):
    """A direct-service role of the same bank: empathy, communication and motivation weigh
    most, planning and leadership least."""
    role = Role.objects.get(pk=kesra_role.pk)
    role.pk = None
    role.slug = slug
    role.title = "Pendamping sosial"
    role.title_en = "Social facilitator"
    role.status = Role.Status.DRAFT
    role.live_version = None
    role.version = 1
    role.similar_role_slug = kesra_role.slug
    role.similar_role_when = Role.SuggestWhen.LESS_DIRECT
    role.direct_service_share_numerator = 1
    role.direct_service_share_denominator = 3
    role.save()
    for part in ("duties", "education_fields", "comparison_points"):
        for row in getattr(kesra_role, part).all():
            row.pk = None
            row.role = role
            row.save()
    weights = weights or {}
    for role_trait in kesra_role.role_traits.select_related("trait"):
        role_trait.pk = None
        role_trait.role = role
        role_trait.weight = weights.get(role_trait.trait.key, role_trait.weight)
        role_trait.save()
    # Its own misconception, tested by a belief check of its own in the bank.
    [belief_item] = kesra_role.bank.items.filter(kind=Item.Kind.BELIEF).order_by("code")[:1]
    belief = belief_item.belief
    belief.pk = None
    belief.role = role
    belief.save()
    item = Item.objects.get(pk=belief_item.pk)
    item.pk = None
    item.code = "BX1"
    item.belief = belief
    item.save()
    for option in belief_item.options.all():
        option.pk = None
        option.item = item
        option.save()
    publish(role)
    role.refresh_from_db()
    return role


DIRECT_SERVICE = {"empati": 5, "komunikasi": 5, "motivasi": 5, "kepemimpinan": 1}


def test_a_role_of_the_bank_does_not_ask_another_roles_belief_checks(kesra_role):
    other = second_role(kesra_role, weights=DIRECT_SERVICE)
    mine = {item["code"] for item in snapshots.visitor_snapshot(kesra_role)["items"]}
    theirs = {item["code"] for item in snapshots.visitor_snapshot(other)["items"]}
    assert "BX1" in theirs and "BX1" not in mine
    assert len(mine) == 125 and len(theirs) == 125 - 5 + 1


def test_one_answer_set_gives_a_verdict_for_every_published_role_of_the_bank(kesra_role):
    other = second_role(kesra_role, weights=DIRECT_SERVICE)
    snapshot = snapshots.visitor_snapshot(kesra_role)
    answers = with_direct_service(snapshot, honest_strong(snapshot), 6)
    assessment = complete(kesra_role, answers)
    [stored] = RoleResult.objects.filter(assessment=assessment)
    assert stored.profile_version_id == other.live_version_id
    # Scored exactly as a visitor of that role with the same answers would be.
    profile = snapshots.version_data(other.live_version_id).profile
    asked = {item.code for item in profile.items}
    direct = scoring.score(
        profile=scoring.answered_part(profile, answers),
        answers={code: value for code, value in answers.items() if code in asked},
    )
    assert stored.result == direct.to_dict()
    assert stored.verdict == direct.verdict
    # Every preference for direct service: the direct-service role is suggested from the
    # Kabag Kesra's result, and the Kabag Kesra is not suggested from the other one.
    assert assessment.result["suggested_role"] == kesra_role.similar_role_slug
    assert stored.result["suggested_role"] == ""


def test_a_planning_preference_suggests_the_planning_role_from_the_direct_service_one(kesra_role):
    other = second_role(kesra_role, weights=DIRECT_SERVICE)
    snapshot = snapshots.visitor_snapshot(other)
    answers = with_direct_service(snapshot, honest_strong(snapshot), 0)
    assessment = complete(other, answers)
    assert assessment.result["suggested_role"] == kesra_role.slug
    [stored] = RoleResult.objects.filter(assessment=assessment)
    assert stored.profile_version_id == kesra_role.live_version_id


def test_the_weights_decide_which_role_fits_better(kesra_role):
    """A person strong in direct-service traits and weak in planning and leadership fits
    the direct-service role better than the Kabag Kesra, from one set of answers."""
    other = second_role(
        kesra_role,
        weights={"empati": 5, "komunikasi": 5, "motivasi": 5, "kepemimpinan": 1, "perencanaan": 1},
    )
    snapshot = snapshots.visitor_snapshot(kesra_role)
    answers = honest_strong(snapshot)
    weak = {"kepemimpinan", "perencanaan"}
    for item in snapshot["items"]:
        if item["trait"] in weak and item["kind"] == Item.Kind.LIKERT:
            answers[item["code"]] = "5" if item["reverse_keyed"] else "2"
        elif item["trait"] in weak and item["options"]:
            answers[item["code"]] = min(item["options"], key=lambda o: o["score"])["code"]
    assessment = complete(kesra_role, answers)
    [stored] = RoleResult.objects.filter(assessment=assessment)
    assert stored.overall_fit > assessment.overall_fit
    assert other.pk != kesra_role.pk


def test_a_role_weighing_a_trait_the_answers_do_not_measure_is_left_out(kesra_role):
    other = second_role(kesra_role)
    # The other role's live version asks an item the Kabag Kesra's version does not have.
    version = ProfileVersion.objects.get(pk=other.live_version_id)
    profile = snapshots.version_data(version.pk).profile
    answers = {"only": "1"}
    assert scoring.answered_part(profile, answers) is None


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


def test_discarding_the_draft_of_a_role_that_leaves_a_bank_trait_unweighed(kesra_role):
    """Its document asks the items of a bank trait it does not weigh (for the bank's other
    roles): writing it back keeps them with the bank's trait."""
    other = second_role(kesra_role, slug="tanpa-kepemimpinan")
    RoleTrait.objects.filter(role=other, trait__key="kepemimpinan").delete()
    publish(other)
    other.refresh_from_db()
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
