"""The HR dashboard: a handful of database aggregates over the score rows and the
assessments' own indexed columns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Avg, Count, F, Q
from django.utils.translation import gettext_lazy as _

from .. import scoring
from ..models import Assessment, HeldMisconception, Item, Role, TraitScore

# An assessment still in progress whose last answer is older than this counts as abandoned.
# (It is deleted later still, after settings.RETENTION_DAYS_ABANDONED.)
ABANDONED_AFTER = timedelta(days=1)
# Below this many completed results, shares and averages are shown with a caveat: one or
# two people more or less would move them by several points.
SMALL_SAMPLE = 30

VERDICT_LABELS = {
    scoring.FIT: _("Cocok"),
    scoring.PARTIAL_FIT: _("Cukup cocok, perlu pengembangan"),
    scoring.WEAK_FIT: _("Kurang cocok"),
    scoring.NOT_A_FIT: _("Tidak cocok"),
}
if hasattr(scoring, "UNREADABLE"):
    VERDICT_LABELS[scoring.UNREADABLE] = _("Tidak dapat disimpulkan")

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
    direct_service_threshold: float

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
    from_source = Q(assessment__source=source) if source else Q()
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
        **band,
    )
    total = counts["completed"]

    names = {trait.key: trait.localized("name") for trait in role.traits.all()}
    order = list(names)
    trait_stats = (
        TraitScore.objects.filter(from_source, role=role, started_at__gte=start, started_at__lt=end)
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
        HeldMisconception.objects.filter(
            from_source, role=role, started_at__gte=start, started_at__lt=end
        )
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
        direct_service_threshold=round(
            100 * role.direct_service_share_numerator / role.direct_service_share_denominator, 2
        ),
    )
