"""What HR sees of the results: the score rows a completed assessment leaves, and the dashboard.

When an assessment completes, ``store_score_rows`` writes one row per trait, per scored item
and per misconception held (``TraitScore``, ``ItemScore``, ``HeldMisconception``), in the
same transaction as the result. The dashboard is then a handful of database aggregates over
those rows and over the assessments' own indexed columns, however many results there are.

``item_rows`` and ``trait_rows`` are pure: the stored snapshot, answers and result in, plain
rows out. The data migration that fills the rows for older results uses them too.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Avg, Count, F, Q
from django.utils.translation import gettext_lazy as _

from . import scoring
from .models import Assessment, HeldMisconception, Item, ItemScore, Role, TraitScore
from .profiles import profile_from_snapshot

# An assessment still in progress whose last answer is older than this counts as abandoned.
# (It is deleted later still, after settings.RETENTION_DAYS_ABANDONED.)
ABANDONED_AFTER = timedelta(days=1)

VERDICT_LABELS = {
    scoring.FIT: _("Cocok"),
    scoring.PARTIAL_FIT: _("Cukup cocok, perlu pengembangan"),
    scoring.WEAK_FIT: _("Kurang cocok"),
    scoring.NOT_A_FIT: _("Tidak cocok"),
}

# Direct-service orientation (0-100) in five bands; the last includes 100.
ORIENTATION_BAND_WIDTH = 20
ORIENTATION_BANDS = tuple(
    (low, low + ORIENTATION_BAND_WIDTH) for low in range(0, 100, ORIENTATION_BAND_WIDTH)
)


# --- The rows a completed assessment leaves -----------------------------------------------


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


def item_rows(profile: scoring.Profile, answers: dict[str, Any]) -> list[ItemRow]:
    """The 0-1 score of every likert and scenario item, with its trait's item total.

    ``answers`` must be complete and valid (as scored): this reads, it does not check.
    """
    scores_by_trait: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for item in profile.items:
        if item.kind in (scoring.LIKERT, scoring.SCENARIO):
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
    traits = [
        TraitScore(
            **common,
            started_at=assessment.created_at,
            trait_key=row.trait_key,
            score=row.score,
            required_level=row.required_level,
            knocked_out=row.knocked_out,
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
        for row in item_rows(profile_from_snapshot(assessment.snapshot), assessment.answers)
    ]
    misconceptions = [
        HeldMisconception(**common, started_at=assessment.created_at, item_code=code)
        for code in result.misconceptions
    ]
    return traits, items, misconceptions


def store_score_rows(assessment: Assessment, result: scoring.Result) -> None:
    """Write the score rows of a just completed assessment (inside its transaction)."""
    traits, items, misconceptions = score_rows_for(assessment, result)
    TraitScore.objects.bulk_create(traits)
    ItemScore.objects.bulk_create(items)
    HeldMisconception.objects.bulk_create(misconceptions)


# --- The dashboard ------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Share:
    """A count out of a total, e.g. the completed assessments with one verdict."""

    key: str
    label: str
    count: int
    total: int

    @property
    def percent(self) -> float:
        return 100 * self.count / self.total if self.total else 0.0


@dataclass(frozen=True, kw_only=True)
class TraitSummary:
    key: str
    name: str
    mean_score: float
    required_level: float
    completed: int
    below_required: int
    knocked_out: int

    @property
    def below_required_percent(self) -> float:
        return 100 * self.below_required / self.completed if self.completed else 0.0

    @property
    def knocked_out_percent(self) -> float:
        return 100 * self.knocked_out / self.completed if self.completed else 0.0


@dataclass(frozen=True, kw_only=True)
class Dashboard:
    started: int
    completed: int
    in_progress: int
    abandoned: int
    verdicts: list[Share]
    traits: list[TraitSummary]
    misconceptions: list[Share]
    orientation: list[Share]
    direct_service_threshold: int

    @property
    def mismatches(self) -> list[TraitSummary]:
        """Traits below their required level, the most frequent first."""
        below = [trait for trait in self.traits if trait.below_required]
        return sorted(below, key=lambda trait: -trait.below_required)


def dashboard(role: Role, *, start: datetime, end: datetime, now: datetime) -> Dashboard:
    """What became of the assessments of ``role`` started in [start, end).

    Four queries, each an aggregate over an index, whatever the number of assessments.
    """
    completed = Q(status=Assessment.Status.COMPLETED)
    in_progress = Q(status=Assessment.Status.IN_PROGRESS)
    band = {
        f"band_{number}": Count(
            "pk",
            filter=completed
            & Q(direct_service_share__gte=low)
            & (Q(direct_service_share__lt=high) if high < 100 else Q()),
        )
        for number, (low, high) in enumerate(ORIENTATION_BANDS)
    }
    verdict_counts = {
        f"verdict_{verdict}": Count("pk", filter=completed & Q(verdict=verdict))
        for verdict in VERDICT_LABELS
    }
    counts = Assessment.objects.filter(
        role=role, created_at__gte=start, created_at__lt=end
    ).aggregate(
        started=Count("pk"),
        completed=Count("pk", filter=completed),
        in_progress=Count("pk", filter=in_progress),
        abandoned=Count("pk", filter=in_progress & Q(updated_at__lt=now - ABANDONED_AFTER)),
        with_orientation=Count("pk", filter=completed & Q(direct_service_share__isnull=False)),
        **verdict_counts,
        **band,
    )
    total = counts["completed"]

    names = {trait.key: trait.localized("name") for trait in role.traits.all()}
    order = list(names)
    trait_stats = (
        TraitScore.objects.filter(role=role, started_at__gte=start, started_at__lt=end)
        .values("trait_key")
        .annotate(
            mean_score=Avg("score"),
            mean_required_level=Avg("required_level"),
            completed=Count("pk"),
            below_required=Count("pk", filter=Q(score__lt=F("required_level"))),
            knocked_out=Count("pk", filter=Q(knocked_out=True)),
        )
        .order_by()
    )
    traits = sorted(
        (
            TraitSummary(
                key=row["trait_key"],
                name=names.get(row["trait_key"], row["trait_key"]),
                mean_score=row["mean_score"],
                required_level=row["mean_required_level"],
                completed=row["completed"],
                below_required=row["below_required"],
                knocked_out=row["knocked_out"],
            )
            for row in trait_stats
        ),
        key=lambda trait: (
            order.index(trait.key) if trait.key in order else len(order),
            trait.key,
        ),
    )

    belief_texts = {
        item.code: item.belief.localized("belief") if item.belief_id else item.localized("text")
        for item in role.items.filter(kind=Item.Kind.BELIEF).select_related("belief")
    }
    held = (
        HeldMisconception.objects.filter(role=role, started_at__gte=start, started_at__lt=end)
        .values("item_code")
        .annotate(count=Count("pk"))
        .order_by()
    )
    misconceptions = sorted(
        (
            Share(
                key=row["item_code"],
                label=belief_texts.get(row["item_code"], row["item_code"]),
                count=row["count"],
                total=total,
            )
            for row in held
        ),
        key=lambda share: (-share.count, share.key),
    )

    return Dashboard(
        started=counts["started"],
        completed=total,
        in_progress=counts["in_progress"],
        abandoned=counts["abandoned"],
        verdicts=[
            Share(key=verdict, label=label, count=counts[f"verdict_{verdict}"], total=total)
            for verdict, label in VERDICT_LABELS.items()
        ],
        traits=traits,
        misconceptions=misconceptions,
        orientation=[
            Share(
                key=f"{low}-{high}",
                label=f"{low}–{high}",
                count=counts[f"band_{number}"],
                total=counts["with_orientation"],
            )
            for number, (low, high) in enumerate(ORIENTATION_BANDS)
        ],
        direct_service_threshold=role.direct_service_threshold,
    )
