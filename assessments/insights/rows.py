"""The score rows a completed assessment leaves, written in the same transaction as its result.

``store_score_rows`` writes one row per trait, per scored item and per misconception held
(``TraitScore``, ``ItemScore``, ``HeldMisconception``), so that the dashboard and the item
statistics are database aggregates over small rows, however many results there are.
``item_rows`` and ``trait_rows`` are pure: the profile, answers and result in, plain rows out.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from .. import scoring
from ..models import Assessment, HeldMisconception, ItemScore, TraitScore
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
) -> tuple[list[TraitScore], list[ItemScore], list[HeldMisconception]]:
    """The unsaved score rows of a completed ``assessment`` (for ``bulk_create``)."""
    common = {
        "assessment": assessment,
        "role_id": assessment.role_id,
        "role_version": assessment.role_version,
    }
    profile = version_data(assessment.profile_version_id).profile
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
    items = [
        ItemScore(
            **common,
            item_code=row.item_code,
            trait_key=row.trait_key,
            score=row.score,
            trait_total=row.trait_total,
        )
        for row in item_rows(profile, assessment.answers)
    ]
    misconceptions = [
        HeldMisconception(**common, started_at=assessment.created_at, item_code=code)
        for code in result.misconceptions
    ]
    return traits, items, misconceptions


def store_score_rows(assessment: Assessment, result: scoring.Result) -> None:
    """Write the score rows of a just completed assessment (inside its transaction).

    None for an assessment HR staff took on a draft: it is no one's result.
    """
    if assessment.on_draft:
        return
    traits, items, misconceptions = score_rows_for(assessment, result)
    TraitScore.objects.bulk_create(traits)
    ItemScore.objects.bulk_create(items)
    HeldMisconception.objects.bulk_create(misconceptions)
