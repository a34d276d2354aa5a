"""The HR dashboard: a handful of database aggregates over the score rows and the
assessments' own indexed columns."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Avg, Count, F, Max, Min, Q

from .. import quality, scoring, snapshots
from ..models import Assessment, HeldMisconception, Item, Role, TraitScore
from ..verdicts import QUALITY_TEXTS, VERDICT_TEXTS

# An assessment still in progress whose last answer is older than this counts as abandoned.
# (It is deleted later still, after settings.RETENTION_DAYS_ABANDONED.)
ABANDONED_AFTER = timedelta(days=1)
# Below this many completed results, shares and averages are shown with a caveat: one or
# two people more or less would move them by several points.
SMALL_SAMPLE = 30

VERDICT_LABELS = {verdict: text.label for verdict, text in VERDICT_TEXTS.items()}

# Direct-service orientation (0-100) in five bands; the last includes 100.
ORIENTATION_BAND_WIDTH = 20
ORIENTATION_BANDS = tuple(
    (low, low + ORIENTATION_BAND_WIDTH) for low in range(0, 100, ORIENTATION_BAND_WIDTH)
)


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
    """One trait at one required level: results scored against different levels (a level
    changed by a new version) are summarised apart, never blended into a level nobody set."""

    key: str
    name: str
    mean_score: float
    required_level: int
    completed: int
    below_required: int
    knocked_out: int
    first_version: int = 0
    last_version: int = 0
    # The trait has rows at more than one level in the period: the row says which versions.
    split: bool = False

    @property
    def versions(self) -> str:
        if self.first_version == self.last_version:
            return str(self.first_version)
        return f"{self.first_version}–{self.last_version}"

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
    direct_service_threshold: float
    # Completed results that could not be read, by response-quality pattern (one result
    # may show several); they count in the verdicts but not in the trait means.
    quality: list[Share]
    flagged: int

    @property
    def readable(self) -> int:
        """Completed results the trait figures are computed from (not the unreadable ones)."""
        return self.completed - self.flagged

    @property
    def small_sample(self) -> bool:
        """Too few completed results for their shares and averages to mean much."""
        return 0 < self.completed < SMALL_SAMPLE

    @property
    def mismatches(self) -> list[TraitSummary]:
        """Traits below their required level, the most frequent first."""
        below = [trait for trait in self.traits if trait.below_required]
        return sorted(below, key=lambda trait: -trait.below_required)


def dashboard(
    role: Role, *, start: datetime, end: datetime, now: datetime, source: str = ""
) -> Dashboard:
    """What became of the assessments of ``role`` started in [start, end).

    ``source`` "web" or "paper" keeps only those (``Assessment.Source``); by default both.
    Assessments HR staff took on a draft are left out (they leave no score rows either).
    Four queries, each an aggregate over an index, whatever the number of assessments.
    """
    rows = {"role": role, "started_at__gte": start, "started_at__lt": end}
    if source:
        rows["assessment__source"] = source
    counts = _counts(role, start=start, end=end, now=now, source=source)
    total = counts["completed"]
    return Dashboard(
        started=counts["started"],
        completed=total,
        in_progress=counts["in_progress"],
        abandoned=counts["abandoned"],
        verdicts=[
            Share(key=verdict, label=label, count=counts[f"verdict_{verdict}"], total=total)
            for verdict, label in VERDICT_LABELS.items()
        ],
        traits=_trait_summaries(role, rows),
        misconceptions=_misconceptions(role, rows, total),
        orientation=[
            Share(
                key=f"{low}-{high}",
                label=f"{low}–{high}",
                count=counts[f"band_{number}"],
                total=counts["with_orientation"],
            )
            for number, (low, high) in enumerate(ORIENTATION_BANDS)
        ],
        direct_service_threshold=round(_direct_service_threshold(role), 2),
        quality=[
            Share(
                key=flag,
                label=QUALITY_TEXTS[flag].label,
                count=counts[f"quality_{flag}"],
                total=total,
            )
            for flag in quality.QUALITY_FLAGS
        ],
        flagged=counts[f"verdict_{scoring.UNREADABLE}"],
    )


def _direct_service_threshold(role: Role) -> float:
    """Where visitors are shown the similar role: the live version's rule, not the draft's."""
    if role.live_version_id:
        return snapshots.direct_service_threshold_percent(
            snapshots.version_data(role.live_version_id).snapshot
        )
    return snapshots.direct_service_threshold_percent(snapshots.build_snapshot(role))


def _counts(role: Role, *, start, end, now, source) -> dict[str, int]:
    """The assessments by status, verdict, response-quality pattern and orientation band."""
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
    quality_counts = {
        f"quality_{flag}": Count("pk", filter=completed & Q(quality_flags__icontains=f'"{flag}"'))
        for flag in quality.QUALITY_FLAGS
    }
    return Assessment.objects.filter(
        Q(source=source) if source else Q(),
        role=role,
        created_at__gte=start,
        created_at__lt=end,
        on_draft=False,
    ).aggregate(
        started=Count("pk"),
        completed=Count("pk", filter=completed),
        in_progress=Count("pk", filter=in_progress),
        abandoned=Count("pk", filter=in_progress & Q(updated_at__lt=now - ABANDONED_AFTER)),
        with_orientation=Count("pk", filter=completed & Q(direct_service_share__isnull=False)),
        **verdict_counts,
        **quality_counts,
        **band,
    )


def _trait_summaries(role: Role, rows: dict) -> list[TraitSummary]:
    """Each trait's mean score and how many fell below its level or its knockout, in the
    role's order of traits (readable results only)."""
    names = {trait.key: trait.localized("name") for trait in role.weighed_traits()}
    order = list(names)
    trait_stats = (
        TraitScore.objects.filter(flagged=False, **rows)
        .values("trait_key", "required_level")
        .annotate(
            mean_score=Avg("score"),
            first_version=Min("role_version"),
            last_version=Max("role_version"),
            completed=Count("pk"),
            below_required=Count("pk", filter=Q(score__lt=F("required_level"))),
            knocked_out=Count("pk", filter=Q(knocked_out=True)),
        )
        .order_by()
    )
    trait_stats = list(trait_stats)
    # A trait scored against two levels (a new version) is summarised per level.
    levels_per_trait = Counter(row["trait_key"] for row in trait_stats)
    return sorted(
        (
            TraitSummary(
                key=row["trait_key"],
                name=names.get(row["trait_key"], row["trait_key"]),
                mean_score=row["mean_score"],
                required_level=row["required_level"],
                completed=row["completed"],
                below_required=row["below_required"],
                knocked_out=row["knocked_out"],
                first_version=row["first_version"],
                last_version=row["last_version"],
                split=levels_per_trait[row["trait_key"]] > 1,
            )
            for row in trait_stats
        ),
        key=lambda trait: (
            order.index(trait.key) if trait.key in order else len(order),
            trait.key,
            trait.first_version,
        ),
    )


def _misconceptions(role: Role, rows: dict, total: int) -> list[Share]:
    """How many held each misconception, the most frequent first."""
    belief_texts = {
        item.code: item.belief.localized("belief") if item.belief_id else item.localized("text")
        for item in role.questionnaire_owner.items.filter(kind=Item.Kind.BELIEF).select_related(
            "belief"
        )
    }
    held = HeldMisconception.objects.filter(**rows).values("item_code").annotate(count=Count("pk"))
    return sorted(
        (
            Share(
                key=row["item_code"],
                label=belief_texts.get(row["item_code"], row["item_code"]),
                count=row["count"],
                total=total,
            )
            for row in held.order_by()
        ),
        key=lambda share: (-share.count, share.key),
    )
