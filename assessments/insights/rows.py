"""The score rows a completed assessment leaves, written in the same transaction as its result.

``store_score_rows`` writes one row per trait and per misconception held (``TraitScore``,
``HeldMisconception``) and adds the scored items to the running item sums (``ItemSum``), so
that the dashboard and the item statistics are database aggregates over small rows,
however many results there are. ``delete_assessments`` takes deleted results back out of
the sums; ``rebuild_item_sums`` writes them anew from the stored answers. ``item_rows`` and
``trait_rows`` are pure: the profile, answers and result in, plain rows out.

An item's score is a function of the answer and the version's own snapshot (its options'
scores, its keying), both stored and never changed, so the rows taken back out on deletion
are the rows that went in.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet

from .. import scoring
from ..models import Assessment, HeldMisconception, ItemSum, TraitScore
from ..snapshots import version_data

# The items whose 0-1 scores the item statistics read: every kind that measures a trait.
SCORED_KINDS = (scoring.LIKERT, scoring.SCENARIO, scoring.KNOWLEDGE)


@dataclass(frozen=True, kw_only=True)
class ItemRow:
    item_code: str
    trait_key: str
    score: float
    trait_total: float


@dataclass(frozen=True, kw_only=True)
class TraitRow:
    trait_key: str
    score: float
    required_level: int
    knocked_out: bool
    flagged: bool = False


def item_rows(profile: scoring.Profile, answers: dict[str, Any]) -> list[ItemRow]:
    """The 0-1 score of every likert and scenario item, with its trait's item total.

    ``answers`` must be complete and valid (as scored): this reads, it does not check.
    """
    scores_by_trait: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for item in profile.items:
        # Reserve items the second stage did not ask have no answer and no row.
        if item.kind in SCORED_KINDS and item.code in answers:
            score = scoring.item_score(item, str(answers[item.code]))
            scores_by_trait[item.trait_key].append((item.code, score))
    rows = []
    for trait_key, scores in scores_by_trait.items():
        trait_total = sum(score for _code, score in scores)
        rows += [
            ItemRow(item_code=code, trait_key=trait_key, score=score, trait_total=trait_total)
            for code, score in scores
        ]
    return rows


def trait_rows(result: scoring.Result) -> list[TraitRow]:
    return [
        TraitRow(
            trait_key=trait.key,
            score=trait.score,
            required_level=trait.required_level,
            knocked_out=trait.knocked_out,
            flagged=bool(result.quality_flags),
        )
        for trait in result.traits
    ]


def score_rows_for(
    assessment: Assessment, result: scoring.Result
) -> tuple[list[TraitScore], list[HeldMisconception]]:
    """The unsaved trait and misconception rows of a completed ``assessment``."""
    common = {
        "assessment": assessment,
        "role_id": assessment.role_id,
        "role_version": assessment.role_version,
    }
    traits = [
        TraitScore(
            **common,
            started_at=assessment.created_at,
            trait_key=row.trait_key,
            score=row.score,
            required_level=row.required_level,
            knocked_out=row.knocked_out,
            flagged=row.flagged,
        )
        for row in trait_rows(result)
    ]
    misconceptions = [
        HeldMisconception(**common, started_at=assessment.created_at, item_code=code)
        for code in result.misconceptions
    ]
    return traits, misconceptions


def store_score_rows(assessment: Assessment, result: scoring.Result) -> None:
    """Write the score rows of a just completed assessment (inside its transaction).

    None for an assessment HR staff took on a draft: it is no one's result.
    """
    if assessment.on_draft:
        return
    traits, misconceptions = score_rows_for(assessment, result)
    TraitScore.objects.bulk_create(traits)
    HeldMisconception.objects.bulk_create(misconceptions)
    profile = version_data(assessment.profile_version_id).profile
    add_to_item_sums(
        item_sum_deltas(
            [(assessment.role_id, assessment.role_version, item_rows(profile, assessment.answers))]
        )
    )


# --- The running item sums ------------------------------------------------------------------
# (role id, version, item code, score) -> (results, sum of their trait totals)
ItemSumDeltas = dict[tuple[int, int, str, float], tuple[int, float]]


def item_sum_deltas(results: Iterable[tuple[int | None, int, list[ItemRow]]]) -> ItemSumDeltas:
    """What ``results`` (role id, version, item rows) add to the item sums."""
    counts: Counter = Counter()
    totals: Counter = Counter()
    for role_id, version, rows in results:
        if role_id is None:  # the role was deleted, and its sums with it
            continue
        for row in rows:
            key = (role_id, version, row.item_code, row.score)
            counts[key] += 1
            totals[key] += row.trait_total
    return {key: (counts[key], totals[key]) for key in counts}


def add_to_item_sums(deltas: ItemSumDeltas) -> None:
    """Add ``deltas`` to the item sums, one statement per row in key order, so that two
    transactions never wait on each other's rows in a circle."""
    # An upsert that adds: Django's bulk_create(update_conflicts=True) can only overwrite.
    # The same statement on SQLite (3.24 and later) and PostgreSQL.
    table = connection.ops.quote_name(ItemSum._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (role_id, role_version, item_code, score, n, trait_total) "
            "VALUES (%s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (role_id, role_version, item_code, score) DO UPDATE SET "
            f"n = {table}.n + excluded.n, trait_total = {table}.trait_total + excluded.trait_total",
            [(*key, n, total) for key, (n, total) in sorted(deltas.items())],
        )


def take_from_item_sums(deltas: ItemSumDeltas) -> None:
    """Take ``deltas`` away from the item sums (in key order, as they are added); rows
    left at no result are deleted. A sum never goes below none: deleting a result must
    not fail on sums that something else already changed (``rebuild_item_sums`` mends
    them)."""
    table = connection.ops.quote_name(ItemSum._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET n = CASE WHEN n > %s THEN n - %s ELSE 0 END, "
            "trait_total = trait_total - %s "
            "WHERE role_id = %s AND role_version = %s AND item_code = %s AND score = %s",
            [(n, n, total, *key) for key, (n, total) in sorted(deltas.items())],
        )
    ItemSum.objects.filter(n=0).delete()


def scored_results(
    assessments: QuerySet, *, lock: bool = False
) -> Iterable[tuple[int | None, int, list[ItemRow]]]:
    """(role id, version, item rows) of every completed result of ``assessments`` that the
    item sums hold (not those taken on a draft), read a batch at a time; with ``lock``,
    each row locked until the transaction ends."""
    kept = assessments.filter(status=Assessment.Status.COMPLETED, on_draft=False)
    if lock:
        kept = kept.select_for_update()
    fields = ("role_id", "role_version", "profile_version_id", "answers")
    for role_id, version, profile_version_id, answers in kept.values_list(*fields).iterator(
        chunk_size=2000
    ):
        profile = version_data(profile_version_id).profile
        yield role_id, version, item_rows(profile, answers)


def delete_assessments(assessments: QuerySet) -> int:
    """Delete ``assessments`` (and, by cascade, every row that refers to them), taking
    their results out of the item sums in the same transaction; the number deleted."""
    with transaction.atomic():
        # Locked: a second deletion of the same result (a form sent twice) waits, then
        # finds nothing left to take out.
        take_from_item_sums(item_sum_deltas(scored_results(assessments, lock=True)))
        # Only the keys are loaded: the snapshots and answers are not read to be deleted.
        _total, per_model = assessments.only("pk").delete()
    return per_model.get(Assessment._meta.label, 0)


def rebuild_item_sums() -> int:
    """Write every item sum anew from the stored answers; the number of sum rows."""
    with transaction.atomic():
        ItemSum.objects.all().delete()
        add_to_item_sums(item_sum_deltas(scored_results(Assessment.objects.all())))
        return ItemSum.objects.count()
