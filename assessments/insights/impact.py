"""What publishing a draft would change: past answers re-scored against it.

Before HR publishes a changed threshold, weight or item, the stored answers of the role's
recent completed results are scored again against the draft's profile, and each verdict is
compared with the one the person was given. One pass over the rows (answers and verdict
only, read in chunks), the scoring engine for each: about a second for 10,000 results
(bench/impact.py).

A result that never answered an item the draft asks (a new statement, or a reserve item the
adaptive stage did not need) is re-scored on the items it did answer, the others left out
and named on the page: a level or threshold changed in the same draft still shows. Only a
result the draft cannot score at all is counted apart, not guessed: a trait of the draft
that none of its answers measure (a new trait), or a chosen option the draft dropped.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from .. import scoring
from ..models import Assessment, Role

DEFAULT_DAYS = 90
CHUNK = 2000


@dataclass(frozen=True, kw_only=True)
class Impact:
    """How the verdicts of past results would come out under the draft."""

    days: int
    compared: int
    unscorable: int
    transitions: dict[tuple[str, str], int] = field(default_factory=dict)
    # Of ``compared``: re-scored without the draft's items they never answered, which are
    # ``left_out`` (codes, in the draft's order).
    partial: int = 0
    left_out: tuple[str, ...] = ()

    @property
    def unchanged(self) -> int:
        return self.compared - self.changed

    @property
    def changed(self) -> int:
        return sum(count for (old, new), count in self.transitions.items() if old != new)

    @property
    def changes(self) -> list[tuple[str, str, int]]:
        """(from, to, count) for the verdicts that change, the most frequent first."""
        return sorted(
            ((old, new, count) for (old, new), count in self.transitions.items() if old != new),
            key=lambda change: (-change[2], change[0], change[1]),
        )

    @property
    def changed_percent(self) -> float:
        return 100 * self.changed / self.compared if self.compared else 0.0


@dataclass
class Rescored:
    """What ``rescore_verdicts`` counted."""

    transitions: Counter[tuple[str, str]] = field(default_factory=Counter)
    unscorable: int = 0
    partial: int = 0
    left_out: set[str] = field(default_factory=set)


def rescore_verdicts(profile: scoring.Profile, rows) -> Rescored:
    """(stored verdict, draft verdict) counts for ``rows`` of (answers, verdict), and how
    many could not be scored against ``profile``.

    Answers to items the draft no longer has are left out before scoring; the draft's items
    a result never answered are left out of the profile it is scored against (one reduced
    profile per set of unanswered items, built once). A profile that cannot be scored at
    all raises ``scoring.ProfileError``.
    """
    codes = {item.code for item in profile.items}
    reduced: dict[frozenset[str], scoring.Profile | None] = {frozenset(): profile}
    counted = Rescored()
    for answers, verdict in rows:
        kept = {code: value for code, value in answers.items() if code in codes}
        unanswered = frozenset(codes - kept.keys())
        if unanswered not in reduced:
            reduced[unanswered] = without_items(profile, unanswered)
        scored_against = reduced[unanswered]
        if scored_against is None:
            counted.unscorable += 1
            continue
        try:
            result = scoring.score(profile=scored_against, answers=kept)
        except (scoring.InvalidAnswers, scoring.ProfileError):
            counted.unscorable += 1
            continue
        counted.transitions[(verdict, result.verdict)] += 1
        if unanswered:
            counted.partial += 1
            counted.left_out |= unanswered
    return counted


def without_items(profile: scoring.Profile, codes: frozenset[str]) -> scoring.Profile | None:
    """``profile`` without the items ``codes``; None when a trait would have no item left."""
    items = tuple(item for item in profile.items if item.code not in codes)
    measured = {item.trait_key for item in items if item.trait_key}
    if any(trait.key not in measured for trait in profile.traits):
        return None
    sections = tuple(
        tuple(code for code in section if code not in codes) for section in profile.sections
    )
    return replace(profile, items=items, sections=sections)


def draft_impact(
    role: Role, profile: scoring.Profile, *, now: datetime, days: int = DEFAULT_DAYS
) -> Impact:
    """The verdicts of the role's results completed in the last ``days`` under ``profile``.

    Only real results count: not the ones HR staff took on a draft.
    """
    rows = (
        Assessment.objects.filter(
            role=role,
            on_draft=False,
            status=Assessment.Status.COMPLETED,
            completed_at__gte=now - timedelta(days=days),
        )
        .order_by()
        .values_list("answers", "verdict")
        .iterator(chunk_size=CHUNK)
    )
    counted = rescore_verdicts(profile, rows)
    order = [item.code for item in profile.items]
    return Impact(
        days=days,
        compared=sum(counted.transitions.values()),
        unscorable=counted.unscorable,
        transitions=dict(counted.transitions),
        partial=counted.partial,
        left_out=tuple(sorted(counted.left_out, key=order.index)),
    )
