"""Storage and reproducibility of assessments, and the cost of pages as the item bank grows."""

import re
from http import HTTPStatus

import pytest
from django.urls import reverse

from assessments import resume_cookie, scoring, services, snapshots
from assessments.models import Assessment, Item, Option, Role
from assessments.snapshots import build_snapshot, profile_from_snapshot
from tests.answers import answers_for

pytestmark = pytest.mark.django_db


def completed(role, level="middle", **kwargs):
    assessment = services.start_assessment(role=role, language="id", consent_version="t")
    return services.complete_assessment(
        assessment, answers_for(assessment.snapshot, level=level, **kwargs)
    )


def test_token_is_long_random_and_unique(kesra_role):
    tokens = {
        services.start_assessment(role=kesra_role, language="id", consent_version="t").token
        for _ in range(5)
    }
    assert len(tokens) == 5
    assert all(len(token) >= 32 for token in tokens)  # >= 192 bits of entropy, url-safe


def test_completed_assessment_stores_answers_snapshot_version_and_result(kesra_role):
    assessment = completed(kesra_role)
    assessment.refresh_from_db()
    assert assessment.role_version == kesra_role.version == assessment.snapshot["version"]
    assert assessment.result["verdict"] == assessment.verdict
    assert assessment.overall_fit == assessment.result["overall_fit"]
    assert set(assessment.answers) == {item["code"] for item in assessment.snapshot["items"]}


@pytest.mark.parametrize("level", ["best", "middle", "worst"])
def test_rescoring_stored_answers_against_stored_snapshot_gives_stored_result(kesra_role, level):
    assessment = completed(kesra_role, level=level)
    assessment.refresh_from_db()  # through the database's JSON, not Python objects
    assert services.rescore(assessment).to_dict() == assessment.result


def without_csrf(html):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_editing_the_profile_changes_no_past_result(client, kesra_role):
    assessment = completed(kesra_role, level="middle")
    assessment.refresh_from_db()
    stored = assessment.result
    url = reverse("assessments:result", kwargs={"token": assessment.token})
    before = client.get(url).content.decode()
    role_trait = kesra_role.role_traits.order_by("order").first()
    trait = role_trait.trait
    old_name = trait.name

    # The level and knockout are the role's, the name and the items its bank's.
    role_trait.required_level = 5
    role_trait.knockout_below = None
    role_trait.save()
    trait.name = "Nama baru sama sekali"
    trait.save()
    bank = kesra_role.bank
    Option.objects.filter(item__role=bank, item__kind="scenario").update(score=0)
    Item.objects.filter(role=bank, kind="likert").update(reverse_keyed=True)
    kesra_role.version += 1
    kesra_role.status = Role.Status.DRAFT
    kesra_role.save()

    assessment.refresh_from_db()
    assert assessment.result == stored
    assert services.rescore(assessment).to_dict() == stored
    after = client.get(url).content.decode()
    assert without_csrf(after) == without_csrf(before)
    assert old_name in after and "Nama baru sama sekali" not in after


def test_deleting_the_role_keeps_the_result_readable(client, kesra_role):
    assessment = completed(kesra_role)
    bank = kesra_role.bank
    Item.objects.filter(role=bank).delete()
    # The whole bank goes: both of its roles, then the bank.
    for role in bank.roles.all():
        role.delete()
    bank.delete()
    response = client.get(reverse("assessments:result", kwargs={"token": assessment.token}))
    assert response.status_code == HTTPStatus.OK


def test_live_profile_and_snapshot_profile_are_the_same(kesra_role):
    snapshot = build_snapshot(kesra_role)
    profile = profile_from_snapshot(snapshot)
    # The bank's items, less the other role's belief checks.
    others = kesra_role.bank.roles.exclude(pk=kesra_role.pk)
    asked = Item.objects.filter(role=kesra_role.bank).exclude(belief__role__in=others)
    assert len(profile.items) == asked.count()
    assert {t.key for t in profile.traits} == set(
        kesra_role.role_traits.values_list("trait__key", flat=True)
    )
    knockout = {t.key for t in profile.traits if t.knockout_below is not None}
    assert knockout == {"empati", "komunikasi", "motivasi_membantu"}


def test_complete_with_a_gap_raises_and_stores_nothing(kesra_role):
    assessment = services.start_assessment(role=kesra_role, language="id", consent_version="t")
    answers = answers_for(assessment.snapshot)
    answers.pop(next(iter(answers)))
    with pytest.raises(scoring.InvalidAnswers):
        services.complete_assessment(assessment, answers)
    assessment.refresh_from_db()
    assert assessment.answers == {}
    assert not assessment.is_completed


def test_snapshot_takes_a_fixed_number_of_queries(kesra_role, django_assert_max_num_queries):
    # The role and its own parts (5), its role traits, then its bank and the bank's traits,
    # sections, items and options.
    with django_assert_max_num_queries(11):
        build_snapshot(kesra_role)


def double_item_bank(role):
    """Copy every item (and its options) of ``role``'s questionnaire into the same section
    with a new code."""
    for item in list(
        Item.objects.filter(role=role.questionnaire_owner).prefetch_related("options")
    ):
        options = list(item.options.all())
        item.pk = None
        item.code = f"{item.code}x"
        item.save()
        for option in options:
            option.pk = None
            option.item = item
            option.save()


def flow_query_counts(client, role):
    """Queries taken by each page and POST of one visitor's complete flow."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    # Each process parses a version once; measure as the first visitor after a restart.
    snapshots.live_version(role)
    snapshots.clear_cache()
    # A first visit: no "continue" cookie from an earlier flow (it costs the role page one
    # lookup of the assessment it names).
    client.cookies.pop(resume_cookie.cookie_name(), None)

    def measure(name, call):
        with CaptureQueriesContext(connection) as context:
            response = call()
        counts[name] = max(counts.get(name, 0), len(context))
        return response

    measure("role", lambda: client.get(role.get_absolute_url()))
    measure(
        "consent",
        lambda: client.post(
            reverse("assessments:consent", kwargs={"slug": role.slug}), {"agree": "on"}
        ),
    )
    assessment = Assessment.objects.latest("created_at")
    answers = answers_for(assessment.snapshot)
    for number, section in enumerate(assessment.snapshot["sections"], start=1):
        url = reverse("assessments:section", kwargs={"token": assessment.token, "number": number})
        measure("section_get", lambda url=url: client.get(url))
        data = {code: answers[code] for code in section["items"]}
        name = "last_post" if number == len(assessment.snapshot["sections"]) else "section_post"
        measure(name, lambda url=url, data=data: client.post(url, {**data, "action": "next"}))
    measure(
        "result",
        lambda: client.get(reverse("assessments:result", kwargs={"token": assessment.token})),
    )
    return counts


def test_query_counts_do_not_grow_with_the_item_bank(client, kesra_role):
    before = flow_query_counts(client, kesra_role)
    double_item_bank(kesra_role)
    # Published as the next version, which the next visitor takes.
    Role.objects.filter(pk=kesra_role.pk).update(version=kesra_role.version + 1, live_version=None)
    kesra_role.refresh_from_db()
    after = flow_query_counts(client, kesra_role)
    # A result's items go into the item sums in one statement however many there are.
    assert after == before
    assert max(before.values()) <= 20
