"""What publishing a draft would change: past answers re-scored against it.

Before HR publishes a changed threshold, weight or item, the stored answers of the role's
recent completed results are scored again against the draft's profile, and each verdict is
compared with the one the person was given. One pass over the rows (answers and verdict
only, read in chunks), the scoring engine for each: about a second for 10,000 results
(bench/impact.py). A result whose answers the draft cannot score (it asks a new question,
or dropped an option that was chosen) is counted apart, not guessed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
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


def rescore_verdicts(profile: scoring.Profile, rows) -> tuple[Counter[tuple[str, str]], int]:
    """(stored verdict, draft verdict) counts for ``rows`` of (answers, verdict), and how
    many could not be scored against ``profile``.

    Answers to items the draft no longer has are left out before scoring. A profile that
    cannot be scored at all raises ``scoring.ProfileError``.
    """
    codes = {item.code for item in profile.items}
    transitions: Counter[tuple[str, str]] = Counter()
    unscorable = 0
    for answers, verdict in rows:
        kept = {code: value for code, value in answers.items() if code in codes}
        try:
            result = scoring.score(profile=profile, answers=kept)
        except scoring.InvalidAnswers:
            unscorable += 1
            continue
        transitions[(verdict, result.verdict)] += 1
    return transitions, unscorable


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
    transitions, unscorable = rescore_verdicts(profile, rows)
    return Impact(
        days=days,
        compared=sum(transitions.values()),
        unscorable=unscorable,
        transitions=dict(transitions),
    )
