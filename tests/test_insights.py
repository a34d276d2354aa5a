"""What HR sees of the results: score rows, the dashboard and the item statistics."""

import math
import random
import re
from collections import Counter
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from assessments import scoring
from assessments.insights import dashboard as insights
from assessments.insights import rows, statistics
from assessments.insights.rows import delete_assessments, rebuild_item_sums
from assessments.models import Assessment, HeldMisconception, ItemSum, Role, TraitScore
from assessments.publishing import publish
from assessments.services import complete_assessment, start_assessment
from assessments.snapshots import build_snapshot, live_version, profile_from_snapshot
from tests.answers import answers_for
from tests.factories import (
    make_complete_role,
    make_hr_user,
    make_item,
    make_role,
    make_section,
    make_trait,
)

pytestmark = pytest.mark.django_db

MAX_QUERIES = 14


@pytest.fixture
def hr_client(client):
    client.force_login(make_hr_user())
    return client


def complete(role, answers, **changes) -> Assessment:
    """An assessment of ``role`` completed with ``answers`` through the real services."""
    assessment = start_assessment(role=role, language="id", consent_version="test")
    if changes:
        Assessment.objects.filter(pk=assessment.pk).update(**changes)
        assessment.refresh_from_db()
    return complete_assessment(assessment, answers)


def snapshot_of(role):
    return build_snapshot(role)


def dashboard_url(role):
    return reverse("admin:assessments_role_dashboard", args=[role.pk])


def statistics_url(role):
    return reverse("admin:assessments_role_statistics", args=[role.pk])


# --- Score rows ---------------------------------------------------------------------------


def test_completing_an_assessment_writes_its_score_rows():
    role = make_complete_role(traits=2, items_per_trait=3)
    snapshot = snapshot_of(role)
    answers = answers_for(snapshot, level="worst", direct_service=True)

    assessment = complete(role, answers)

    traits = TraitScore.objects.filter(assessment=assessment)
    assert {row.trait_key for row in traits} == {t["key"] for t in snapshot["traits"]}
    assert all(row.score == 0 and row.role_version == role.version for row in traits)
    # Six items, each scored 0 with a trait total of 0: one sum row per item.
    sums = ItemSum.objects.filter(role=role, role_version=role.version)
    assert sorted(sums.values_list("score", "n", "trait_total")) == [(0.0, 1, 0.0)] * 6
    belief_code = next(i["code"] for i in snapshot["items"] if i["kind"] == "belief")
    assert list(
        HeldMisconception.objects.filter(assessment=assessment).values_list("item_code", flat=True)
    ) == [belief_code]
    assert assessment.direct_service_share == 100


def test_item_rows_carry_the_trait_total_of_the_same_assessment():
    role = make_complete_role(traits=1, items_per_trait=3)
    snapshot = snapshot_of(role)
    answers = answers_for(snapshot, level="middle")
    scenario = next(i for i in snapshot["items"] if i["kind"] == "scenario")
    answers[scenario["code"]] = next(o["code"] for o in scenario["options"] if o["score"] == 4)

    item_rows = rows.item_rows(profile_from_snapshot(snapshot), answers)

    # Scenario at 4/4 = 1; two likert items answered 3 = 0.5 each, reversed or not.
    assert sorted(row.score for row in item_rows) == [0.5, 0.5, 1.0]
    assert {row.trait_total for row in item_rows} == {2.0}


def test_deleting_an_assessment_deletes_its_score_rows():
    role = make_complete_role()
    assessment = complete(role, answers_for(snapshot_of(role), level="worst"))
    assert ItemSum.objects.exists()

    delete_assessments(Assessment.objects.filter(pk=assessment.pk))

    for model in (TraitScore, ItemSum, HeldMisconception):
        assert not model.objects.exists(), model


def test_item_sums_add_up_each_result_and_take_deleted_ones_back_out():
    role = make_complete_role(traits=1, items_per_trait=3)
    snapshot = snapshot_of(role)
    results = [complete(role, answers_for(snapshot, level=level)) for level in ("worst", "best")]
    middle = complete(role, answers_for(snapshot, level="middle"))
    profile = profile_from_snapshot(snapshot)

    def sums():
        return sorted(
            ItemSum.objects.filter(role=role).values_list("item_code", "score", "n", "trait_total")
        )

    def expected(assessments):
        counts, totals = Counter(), Counter()
        for assessment in assessments:
            for row in rows.item_rows(profile, assessment.answers):
                counts[row.item_code, row.score] += 1
                totals[row.item_code, row.score] += row.trait_total
        return sorted((*key, counts[key], totals[key]) for key in counts)

    assert sums() == expected([*results, middle])
    delete_assessments(Assessment.objects.filter(pk=middle.pk))
    assert sums() == expected(results)
    # Rebuilt from the stored answers: the same sums.
    ItemSum.objects.update(n=7)
    rebuild_item_sums()
    assert sums() == expected(results)


def test_a_result_taken_on_a_draft_adds_nothing_to_the_item_sums():
    role = make_complete_role()
    assessment = complete(role, answers_for(snapshot_of(role), level="worst"))
    Assessment.objects.filter(pk=assessment.pk).update(on_draft=True)
    ItemSum.objects.all().delete()

    rebuild_item_sums()
    delete_assessments(Assessment.objects.filter(pk=assessment.pk))

    assert not ItemSum.objects.exists()
    assert not Assessment.objects.exists()


# --- The dashboard ------------------------------------------------------------------------


@pytest.fixture
def results():
    """A role with three completed assessments, two unfinished and one from long ago."""
    role = make_complete_role(traits=2, items_per_trait=3)
    snapshot = snapshot_of(role)
    now = timezone.now()
    complete(role, answers_for(snapshot, level="best"))
    complete(role, answers_for(snapshot, level="worst", direct_service=True))
    complete(role, answers_for(snapshot, level="middle"))
    start_assessment(role=role, language="id", consent_version="test")
    stale = start_assessment(role=role, language="id", consent_version="test")
    Assessment.objects.filter(pk=stale.pk).update(updated_at=now - timedelta(days=2))
    complete(role, answers_for(snapshot, level="worst"), created_at=now - timedelta(days=400))
    return role


def test_dashboard_counts_what_became_of_the_assessments(results):
    now = timezone.now()
    dashboard = insights.dashboard(
        results, start=now - timedelta(days=30), end=now + timedelta(days=1), now=now
    )

    assert (dashboard.started, dashboard.completed) == (5, 3)
    assert (dashboard.in_progress, dashboard.abandoned) == (2, 1)
    verdicts = {share.key: share.count for share in dashboard.verdicts}
    # Best answers fit; worst ones miss every required level (60); likert 3 and the middle
    # scenario option (2 of 4) score 50 of the 60 required: 83 % overall, but every trait's
    # match is 0.83, under the 0.85 that "cocok" needs of each: a partial fit.
    assert verdicts == {
        scoring.FIT: 1,
        scoring.PARTIAL_FIT: 1,
        scoring.WEAK_FIT: 1,
        scoring.NOT_A_FIT: 0,
        scoring.UNREADABLE: 0,
    }
    assert [trait.mean_score for trait in dashboard.traits] == [50.0, 50.0]
    assert [trait.below_required for trait in dashboard.traits] == [2, 2]
    assert len(dashboard.mismatches) == 2
    assert [share.count for share in dashboard.misconceptions] == [2]
    orientation = {share.key: share.count for share in dashboard.orientation}
    assert orientation == {"0-20": 2, "20-40": 0, "40-60": 0, "60-80": 0, "80-100": 1}


def test_the_dashboard_draws_the_live_versions_orientation_threshold_not_the_drafts(results):
    """Visitors are shown the similar role by the live version's share: the chart agrees."""
    now = timezone.now()
    Role.objects.filter(pk=results.pk).update(
        direct_service_share_numerator=1, direct_service_share_denominator=2
    )
    results.refresh_from_db()
    live = results.live_version.snapshot["similar_role"]["direct_service_share_needed"]

    dashboard = insights.dashboard(results, start=now - timedelta(days=30), end=now, now=now)

    assert dashboard.direct_service_threshold == round(100 * live[0] / live[1], 2) != 50


def test_the_date_range_is_inclusive_of_both_days(results):
    now = timezone.now()
    today = timezone.localdate()
    old_day = today - timedelta(days=400)
    old = Assessment.objects.get(created_at__lt=now - timedelta(days=300))
    start, end = insights_period(old_day, old_day)

    dashboard = insights.dashboard(results, start=start, end=end, now=now)

    assert timezone.localdate(old.created_at) == old_day
    assert (dashboard.started, dashboard.completed) == (1, 1)


def insights_period(first, last):
    from assessments.admin.insights import DateRangeForm

    form = DateRangeForm(
        {"start": first.isoformat(), "end": last.isoformat()}, today=timezone.localdate()
    )
    assert form.is_valid(), form.errors
    return form.period()


def test_hr_user_sees_the_dashboard(hr_client, results, django_assert_max_num_queries):
    with django_assert_max_num_queries(MAX_QUERIES):
        response = hr_client.get(dashboard_url(results))

    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert response.context["dashboard"].completed == 3
    assert "<svg" in content and "insight-histogram" in content
    assert reverse("admin:assessments_role_results", args=[results.pk, "csv"]) in content
    # Strict CSP: no inline style or script anywhere on the page.
    assert not re.search(r"\sstyle=", content)
    assert "<script>" not in content and "onclick=" not in content


def test_the_dashboard_shows_the_default_range_and_an_empty_one(hr_client):
    role = make_complete_role()
    response = hr_client.get(dashboard_url(role))
    form = response.context["form"]
    today = timezone.localdate()

    assert form.cleaned_data["end"] == today
    assert form.cleaned_data["start"] == today - timedelta(days=89)
    assert "Belum ada asesmen yang selesai" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"start": "2026-13-01"},
        {"start": "kemarin", "end": "2026-01-01"},
        {"start": "2026-03-01", "end": "2026-02-01"},
        {"start": "0001-01-01"},
        {"end": "9999-12-31"},
    ],
)
def test_bad_dates_are_a_form_error_not_a_server_error(
    hr_client, results, query, django_assert_max_num_queries
):
    with django_assert_max_num_queries(MAX_QUERIES):
        response = hr_client.get(dashboard_url(results), query)

    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors
    assert "dashboard" not in response.context
    assert "errornote" in response.content.decode()


def test_without_the_insights_permission_the_pages_are_refused(client, results):
    user = get_user_model().objects.create_user("viewer", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_role"))
    client.force_login(user)

    for url in (
        dashboard_url(results),
        statistics_url(results),
        reverse("admin:assessments_role_results", args=[results.pk, "csv"]),
    ):
        assert client.get(url).status_code == HTTPStatus.FORBIDDEN, url
    changelist = client.get(reverse("admin:assessments_role_changelist")).content.decode()
    assert dashboard_url(results) not in changelist


def test_role_list_and_page_link_to_the_dashboard_for_hr(hr_client, results):
    changelist = hr_client.get(reverse("admin:assessments_role_changelist")).content.decode()
    page = hr_client.get(
        reverse("admin:assessments_role_change", args=[results.pk])
    ).content.decode()

    assert dashboard_url(results) in changelist and statistics_url(results) in changelist
    assert dashboard_url(results) in page and statistics_url(results) in page


# --- Item statistics ----------------------------------------------------------------------

# Five respondents answer the three likert items (1-5, none reversed) of one trait:
#
#   respondent   x1  x2  x3 | total T
#   R1            5   4   2 |  11
#   R2            4   5   4 |  13
#   R3            3   3   3 |   9
#   R4            2   2   4 |   8
#   R5            1   1   2 |   4
#
# By hand, on the 1-5 scale (alpha and correlations do not change under the item score's
# linear rescaling (v - 1) / 4; means and SDs do, as noted):
#   means: x1 = x2 = x3 = 3, T = 9.
#   deviations: x1 (2, 1, 0, -1, -2), x2 (1, 2, 0, -1, -2), x3 (-1, 1, 0, 1, -1),
#               T (2, 4, 0, -1, -5).
#   sums of squares: x1 10, x2 10, x3 4, T 4 + 16 + 0 + 1 + 25 = 46.
#   Cronbach's alpha = k/(k-1) (1 - Σ var(xi) / var(T)) = 3/2 (1 - (10 + 10 + 4) / 46)
#                    = 1.5 x 22/46 = 0.7174 (not flagged: at least 0.70).
#   item-rest, x1 with R1 = x2 + x3 = (6, 9, 6, 6, 3), mean 6, deviations (0, 3, 0, 0, -3),
#     SS 18; cross products with x1: 0 + 3 + 0 + 0 + 6 = 9; r = 9 / √(10 x 18) = 0.6708.
#   item-rest, x2 with R2 = x1 + x3 = (7, 8, 6, 6, 3), deviations (1, 2, 0, 0, -3), SS 14;
#     cross products: 1 + 4 + 0 + 0 + 6 = 11; r = 11 / √(10 x 14) = 0.9297.
#   item-rest, x3 with R3 = x1 + x2 = (9, 9, 6, 4, 2), deviations (3, 3, 0, -2, -4), SS 38;
#     cross products: -3 + 3 + 0 - 2 + 4 = 2; r = 2 / √(4 x 38) = 0.1622: below 0.20,
#     so x3 is flagged.
#   item means on the 0-1 scale: (3 - 1) / 4 = 0.5 each.
#   sample SDs: x1, x2 √(10/4) = 1.5811 -> / 4 = 0.3953; x3 √(4/4) = 1 -> / 4 = 0.25.
HAND_ANSWERS = [(5, 4, 2), (4, 5, 4), (3, 3, 3), (2, 2, 4), (1, 1, 2)]
HAND_ALPHA = 1.5 * 22 / 46
HAND_ITEM_REST = (9 / math.sqrt(180), 11 / math.sqrt(140), 2 / math.sqrt(152))
HAND_SD = (math.sqrt(10 / 4) / 4, math.sqrt(10 / 4) / 4, 0.25)


@pytest.fixture
def hand_example():
    """A published role with one trait of three likert items, answered as in the table
    above. (Assessments of a draft role are HR trying it out, and leave no score rows.)"""
    role = make_role(status=Role.Status.PUBLISHED)
    section = make_section(role)
    trait = make_trait(role, name="Perencanaan")
    items = [make_item(role, section, trait=trait, code=f"x{n}") for n in (1, 2, 3)]
    live_version(role)
    for values in HAND_ANSWERS:
        complete(role, {item.code: str(v) for item, v in zip(items, values, strict=True)})
    return role


def test_item_statistics_match_the_hand_computation(hand_example):
    analysis = statistics.item_analysis(hand_example, minimum=5)

    assert analysis.enough and analysis.completed == 5
    (scale,) = analysis.scales
    assert scale.alpha == pytest.approx(HAND_ALPHA)
    assert scale.flags == ()
    assert [item.code for item in scale.items] == ["x1", "x2", "x3"]
    assert [item.mean for item in scale.items] == pytest.approx([0.5, 0.5, 0.5])
    assert [item.sd for item in scale.items] == pytest.approx(HAND_SD)
    assert [item.item_rest for item in scale.items] == pytest.approx(HAND_ITEM_REST)
    assert [bool(item.flags) for item in scale.items] == [False, False, True]
    assert "0,16" in scale.items[2].flags[0]


def two_pass_statistics(rows):
    """Alpha and item-rest correlations the textbook way, straight from the answers."""

    def variance(values):
        mean = sum(values) / len(values)
        return sum((v - mean) ** 2 for v in values) / len(values)

    def correlation(a, b):
        mean_a, mean_b = sum(a) / len(a), sum(b) / len(b)
        cov = sum((x - mean_a) * (y - mean_b) for x, y in zip(a, b, strict=True)) / len(a)
        return cov / math.sqrt(variance(a) * variance(b))

    columns = list(zip(*rows, strict=True))
    totals = [sum(row) for row in rows]
    k = len(columns)
    alpha = k / (k - 1) * (1 - sum(variance(c) for c in columns) / variance(totals))
    rests = [
        correlation(column, [t - x for t, x in zip(totals, column, strict=True)])
        for column in columns
    ]
    return alpha, rests


def test_sums_from_the_database_agree_with_the_textbook_formulas():
    rng = random.Random(7)
    role = make_role(status=Role.Status.PUBLISHED)
    section = make_section(role)
    trait = make_trait(role)
    items = [
        make_item(role, section, trait=trait, code=f"r{n}", reverse_keyed=n == 2) for n in range(4)
    ]
    live_version(role)
    scores = []
    for _ in range(40):
        level = rng.randint(1, 5)
        values = [max(1, min(5, level + rng.randint(-1, 1))) for _item in items]
        complete(role, {item.code: str(v) for item, v in zip(items, values, strict=True)})
        # A reversed item's score is ((6 - v) - 1) / 4 = (5 - v) / 4.
        scores.append(
            [
                (5 - v if item.reverse_keyed else v - 1) / 4
                for item, v in zip(items, values, strict=True)
            ]
        )

    alpha, rests = two_pass_statistics(scores)
    (scale,) = statistics.item_analysis(role, minimum=30).scales

    assert scale.alpha == pytest.approx(alpha)
    assert [item.item_rest for item in scale.items] == pytest.approx(rests)


def test_a_low_alpha_and_a_constant_item_are_explained():
    # a scores (1, 1, 0, 0), b 0.5 for everyone, so T = a + b = (1.5, 1.5, 0.5, 0.5):
    # Σa = 2, Σa² = 2, Σa·T = 3; Σb = 2, Σb² = 1, Σb·T = 2.
    rows = [
        statistics.ItemSums(item_code="a", n=4, sum_x=2, sum_xx=2, sum_xt=3),
        statistics.ItemSums(item_code="b", n=4, sum_x=2, sum_xx=1, sum_xt=2),
    ]
    (scale,) = statistics.scale_statistics(rows, item_traits={"a": "t", "b": "t"})

    # var(a) = 0.25, var(b) = 0, var(T) = 5/4 - 1 = 0.25: alpha = 2 (1 - 0.25 / 0.25) = 0.
    assert scale.alpha == pytest.approx(0.0)
    assert "di bawah 0,70" in scale.flags[0]
    assert "skor yang sama" in scale.items[1].flags[0]
    assert scale.items[1].item_rest is None


def test_statistics_wait_for_enough_completed_assessments(hr_client, hand_example):
    response = hr_client.get(statistics_url(hand_example))

    assert response.status_code == HTTPStatus.OK
    assert not response.context["analysis"].enough
    assert "minimal 30 asesmen selesai" in response.content.decode()


def test_hr_user_sees_the_flagged_item_on_the_statistics_page(
    hr_client, hand_example, settings, django_assert_max_num_queries
):
    settings.STATS_MIN_COMPLETED = 5
    with django_assert_max_num_queries(MAX_QUERIES):
        response = hr_client.get(statistics_url(hand_example), {"version": 1})

    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "0,72" in content  # alpha
    assert "kurang sejalan dengan butir lain" in content
    assert content.count('class="insights-flagged-row"') == 1
    assert not re.search(r"\sstyle=", content)


def test_an_unknown_version_is_a_form_error(hr_client, hand_example, settings):
    settings.STATS_MIN_COMPLETED = 5
    response = hr_client.get(statistics_url(hand_example), {"version": "99"})

    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors
    # The page falls back to the newest version with results.
    assert response.context["analysis"].version == 1


# --- Figures that agree with themselves -----------------------------------------------------


def test_a_level_changed_by_a_new_version_is_shown_per_level_never_blended(hr_client, results):
    trait = results.traits.first()
    trait.required_level = 90
    trait.save()
    publish(results)
    results.refresh_from_db()
    complete(results, answers_for(snapshot_of(results), level="best"))
    now = timezone.now()

    dashboard = insights.dashboard(
        results, start=now - timedelta(days=30), end=now + timedelta(days=1), now=now
    )

    rows = [t for t in dashboard.traits if t.key == trait.key]
    assert [(t.required_level, t.completed, t.versions) for t in rows] == [
        (60, 3, "1"),
        (90, 1, "2"),
    ]
    assert all(t.split for t in rows)
    content = hr_client.get(dashboard_url(results)).content.decode()
    assert "(versi 1)" in content and "(versi 2)" in content
    assert 'id="traits-denominator"' in content


def test_alpha_is_rounded_the_same_in_the_header_and_the_warning(hr_client, settings):
    settings.STATS_MIN_COMPLETED = 5
    role = make_role(status=Role.Status.PUBLISHED)
    section = make_section(role)
    trait = make_trait(role)
    items = [make_item(role, section, trait=trait, code=f"y{n}") for n in (1, 2, 3)]
    live_version(role)
    for values in [(5, 4, 1), (4, 5, 2), (3, 3, 3), (2, 2, 4), (1, 1, 2), (5, 3, 3)]:
        complete(role, {item.code: str(v) for item, v in zip(items, values, strict=True)})

    response = hr_client.get(statistics_url(role), {"version": 1})

    [scale] = response.context["analysis"].scales
    shown = f"{round(scale.alpha, 2):.2f}".replace(".", ",")
    assert scale.alpha is not None and scale.flags
    assert shown in scale.flags[0]


def test_a_flagged_item_links_to_its_edit_page(hr_client, hand_example, settings):
    settings.STATS_MIN_COMPLETED = 5

    content = hr_client.get(statistics_url(hand_example), {"version": 1}).content.decode()

    flagged = hand_example.items.get(code="x3")
    assert reverse("admin:assessments_item_change", args=[flagged.pk]) in content
    assert "Ubah butir ini" in content
