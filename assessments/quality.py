"""Response quality: can these answers be read as a description of the person?

A pure sibling of ``scoring`` with the same inputs; both stand on ``specs``. The patterns
(DESIGN.md section 5):

- ``inconsistency``: the statements of one trait answered as if they measured nothing in
  common (random answering): the pooled within-trait variance of the keyed answers;
- ``acquiescence``: agreeing, or disagreeing, with both a statement and its reverse-keyed
  opposite of the same trait, in a large share of all such (+, -) likert pairs;
- ``straight_lining``: the same likert value almost everywhere;
- ``infrequency``: two or more true infrequency (``check``) items answered in the
  improbable direction;
- ``too_fast`` (web only): a section answered faster than about 1.5 s a question.

The first four are flags: any of them makes the verdict "tidak dapat disimpulkan".
``too_fast`` is a warning shown beside the verdict: a quick reader who has seen the
questions before (a resumed or a second assessment) can still have answered honestly.

Every threshold was set with ``bench/measurement.py`` (its latent-trait model is stated at
the top of that file) so that all flags together raise a false alarm on at most 3 % of
honest respondents, on the current questionnaire and on a bank of the third edition's
shape; the figures it printed are in docs/scoring.md.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from .specs import CHECK, LIKERT, Profile, ProfileError, check_answers

INCONSISTENCY = "inconsistency"
ACQUIESCENCE = "acquiescence"
STRAIGHT_LINING = "straight_lining"
INFREQUENCY = "infrequency"
TOO_FAST = "too_fast"
QUALITY_FLAGS = (INCONSISTENCY, ACQUIESCENCE, STRAIGHT_LINING, INFREQUENCY)
QUALITY_WARNINGS = (TOO_FAST,)

# Inconsistency: the statements of one trait are answered on the keyed 1-5 scale (a
# reverse-keyed answer v read as 6 - v); around the person's own mean for that trait they
# spread with the items' error and their differing difficulty only, a variance of about 0.8
# (scale points squared) for the benchmark's honest respondents (median; 97th percentile
# about 1.5). Answers at random spread like a uniform 1-5 draw, variance 2. The statistic
# pools the traits: sum of squared deviations / sum of (n - 1). It flags alone from 1.8;
# from 1.5 it flags together with one improbable answer to a check item (two independent
# signs of answering at random). With the infrequency flag these keep the benchmark's honest
# false alarms at or under 3 % (all flags together) while catching about 94 % of fully random
# answer sets. Below 12 degrees of freedom the pooled variance is too unsteady to stand on.
INCONSISTENCY_VARIANCE = 1.8
INCONSISTENCY_WITH_A_CHECK = 1.5
INCONSISTENCY_MIN_DF = 12

# A pair is contradictory when both answers agree (4 or 5) or both disagree (1 or 2); a 3
# takes no side. An honest person contradicts some pairs: a reverse-keyed statement is not
# the exact opposite of its partner, and one misread statement contradicts every partner it
# has in its trait. Agreeing (or disagreeing) with everything gives 100 %; at 0.4 the
# benchmark's honest respondents almost never reach it (their 99th percentile is about 0.3).
ACQUIESCENCE_SHARE = 0.4
# With fewer pairs one misread statement is already a large share; below this the
# questionnaire cannot tell a response style from a slip, and the flag is not raised.
ACQUIESCENCE_MIN_PAIRS = 4

# The share of likert answers that are the most common value. With at least a third of the
# statements reverse-keyed (the content bar), a person who means their answers cannot give
# one value to most of them without contradicting themselves; 0.7 leaves an honest
# respondent room (the benchmark's 99th percentile is under 0.5) and catches
# straight-lining with a little noise (one answer in five moved by a point).
STRAIGHT_LINING_SHARE = 0.7
# Below ten statements, the share is too coarse; the flag needs more to stand on.
STRAIGHT_LINING_MIN_ITEMS = 10

# A check item is a claim nobody can truthfully make, or an instructed answer ("pilih
# 'Sangat tidak setuju' untuk pernyataan ini"). One such answer can be a slip; two of three
# or four rarely are.
INFREQUENCY_MIN_IMPROBABLE = 2

# A section is too fast when its seconds < this x its questions. Reading a short Indonesian
# statement and choosing an answer takes about two seconds; at 1.5 s a question the visitor
# cannot have read most of them. Lower than the 2 s an item survey research often uses to
# spot careless answering, because a radio button on a phone is quick and the warning
# should not fall on a fast, careful reader.
TOO_FAST_SECONDS_PER_QUESTION = 1.5


@dataclass(frozen=True, kw_only=True)
class Quality:
    flags: tuple[str, ...]
    warnings: tuple[str, ...]
    # inconsistency: pooled within-trait variance of the keyed statements (None below
    # INCONSISTENCY_MIN_DF) and its degrees of freedom.
    inconsistency: float | None = None
    inconsistency_df: int = 0
    # acquiescence: same-trait (+, -) likert pairs answered, how many are contradictory,
    # their share (None without pairs).
    pairs: int = 0
    contradictory_pairs: int = 0
    contradictory_share: float | None = None
    # straight_lining: likert answers, the most common value (the lowest on a tie), its
    # share (None without likert items).
    likert_answers: int = 0
    modal_value: int | None = None
    modal_share: float | None = None
    # infrequency: check items, and those answered in the improbable direction.
    check_items: int = 0
    improbable_checks: tuple[str, ...] = ()
    # too_fast: the section (1-based) with the fewest seconds a question and that figure
    # (None without section times), and every section below TOO_FAST_SECONDS_PER_QUESTION.
    fastest_section: int | None = None
    fastest_seconds_per_question: float | None = None
    too_fast_sections: tuple[int, ...] = ()

    @property
    def flagged(self) -> bool:
        return bool(self.flags)


@dataclass(frozen=True, kw_only=True)
class QualityKey:
    """What a profile's questionnaire offers the checks; built once per profile."""

    # Per trait: its likert statements as (code, reverse_keyed), in profile order.
    statements: tuple[tuple[tuple[str, bool], ...], ...]
    # Per check item: code, and the answers (1-5) in its improbable direction.
    checks: tuple[tuple[str, frozenset[int]], ...]
    section_sizes: tuple[int, ...]

    def read(
        self, *, values: Mapping[str, str], section_seconds: Mapping[int, float] | None = None
    ) -> Quality:
        """The quality of valid answers ``values`` (reserve items may be missing)."""
        flags = []
        squares = 0.0
        df = 0
        pairs = contradictory = 0
        likert_values: list[int] = []
        for statements in self.statements:
            keyed = []
            sides = {True: [0, 0], False: [0, 0]}  # reverse_keyed -> [agree, disagree]
            for code, reverse in statements:
                raw = values.get(code)
                if raw is None:
                    continue
                value = int(raw)
                likert_values.append(value)
                keyed.append(6 - value if reverse else value)
                if value >= 4:
                    sides[reverse][0] += 1
                elif value <= 2:
                    sides[reverse][1] += 1
            if len(keyed) >= 2:
                mean = sum(keyed) / len(keyed)
                squares += sum((value - mean) ** 2 for value in keyed)
                df += len(keyed) - 1
            positive = sum(not reverse and code in values for code, reverse in statements)
            negative = sum(reverse and code in values for code, reverse in statements)
            pairs += positive * negative
            contradictory += sides[False][0] * sides[True][0] + sides[False][1] * sides[True][1]

        improbable_checks = tuple(
            code
            for code, improbable in self.checks
            if code in values and int(values[code]) in improbable
        )
        inconsistency = None
        if df >= INCONSISTENCY_MIN_DF:
            inconsistency = round(squares / df, 4)
            if inconsistency >= INCONSISTENCY_VARIANCE or (
                inconsistency >= INCONSISTENCY_WITH_A_CHECK and improbable_checks
            ):
                flags.append(INCONSISTENCY)

        contradictory_share = round(contradictory / pairs, 4) if pairs else None
        if pairs >= ACQUIESCENCE_MIN_PAIRS and contradictory_share >= ACQUIESCENCE_SHARE:
            flags.append(ACQUIESCENCE)

        modal_value = modal_share = None
        if likert_values:
            counts = [likert_values.count(value) for value in range(1, 6)]
            modal_count = max(counts)
            modal_value = counts.index(modal_count) + 1
            modal_share = round(modal_count / len(likert_values), 4)
            if (
                len(likert_values) >= STRAIGHT_LINING_MIN_ITEMS
                and modal_share >= STRAIGHT_LINING_SHARE
            ):
                flags.append(STRAIGHT_LINING)

        if len(improbable_checks) >= INFREQUENCY_MIN_IMPROBABLE:
            flags.append(INFREQUENCY)

        fastest_section = fastest = None
        too_fast_sections: tuple[int, ...] = ()
        if section_seconds:
            fastest_section, fastest, too_fast_sections = self._speed(section_seconds)

        return Quality(
            flags=tuple(flags),
            warnings=(TOO_FAST,) if too_fast_sections else (),
            inconsistency=inconsistency,
            inconsistency_df=df,
            pairs=pairs,
            contradictory_pairs=contradictory,
            contradictory_share=contradictory_share,
            likert_answers=len(likert_values),
            modal_value=modal_value,
            modal_share=modal_share,
            check_items=len(self.checks),
            improbable_checks=improbable_checks,
            fastest_section=fastest_section,
            fastest_seconds_per_question=fastest,
            too_fast_sections=too_fast_sections,
        )

    def _speed(
        self, section_seconds: Mapping[int, float]
    ) -> tuple[int | None, float | None, tuple[int, ...]]:
        numbers = set(range(1, len(self.section_sizes) + 1))
        if not numbers.issuperset(section_seconds):
            unknown = ", ".join(sorted(map(repr, set(section_seconds) - numbers)))
            raise ValueError(
                f"sections {unknown} are not among the profile's {len(self.section_sizes)} sections"
            )
        fastest_section = fastest = None
        too_fast = []
        for number, size in enumerate(self.section_sizes, start=1):
            seconds = section_seconds.get(number)
            # A negative, NaN or endless time is a clock step, not the visitor's pace: it
            # says nothing (the chained comparison is False for NaN).
            if seconds is None or not size or not 0 <= seconds < math.inf:
                continue
            per_question = seconds / size
            if fastest is None or per_question < fastest:
                fastest_section, fastest = number, per_question
            if seconds < TOO_FAST_SECONDS_PER_QUESTION * size:
                too_fast.append(number)
        return fastest_section, None if fastest is None else round(fastest, 4), tuple(too_fast)


def key_for(profile: Profile) -> QualityKey:
    """The profile's ``QualityKey``, built on first use and kept on the profile."""
    key = profile.__dict__.get("_quality_key")
    if key is None:
        key = _build_key(profile)
        object.__setattr__(profile, "_quality_key", key)
    return key


def _build_key(profile: Profile) -> QualityKey:
    items = {item.code: item for item in profile.items}
    for number, codes in enumerate(profile.sections, start=1):
        if unknown := [code for code in codes if code not in items]:
            raise ProfileError(f"section {number} lists unknown items {', '.join(unknown)}")
    # Statements of a bank trait the role does not weigh still show how consistently the
    # visitor answers.
    by_trait: dict[str, list[tuple[str, bool]]] = {
        key: []
        for key in (*(trait.key for trait in profile.traits), *sorted(profile.unweighed_traits))
    }
    for item in profile.items:
        if item.kind == LIKERT:
            if item.trait_key not in by_trait:
                raise ProfileError(f"item {item.code} measures unknown trait {item.trait_key!r}")
            by_trait[item.trait_key].append((item.code, item.reverse_keyed))
    return QualityKey(
        statements=tuple(tuple(statements) for statements in by_trait.values()),
        # reverse_keyed: agreeing (4, 5) is improbable; otherwise disagreeing (1, 2) is.
        checks=tuple(
            (item.code, frozenset((4, 5)) if item.reverse_keyed else frozenset((1, 2)))
            for item in profile.items
            if item.kind == CHECK
        ),
        # The questions a visitor sees in a section: its core items (reserve items are
        # asked on pages of their own).
        section_sizes=tuple(
            sum(not items[code].reserve for code in codes) for codes in profile.sections
        ),
    )


def assess(
    *,
    profile: Profile,
    answers: Mapping[str, object],
    section_seconds: Mapping[int, float] | None = None,
) -> Quality:
    """The response quality of a set of answers (``InvalidAnswers`` when one is missing or
    invalid)."""
    values = check_answers(profile=profile, answers=answers)
    return key_for(profile).read(values=values, section_seconds=section_seconds)


def read(
    profile: Profile, values: Mapping[str, str], section_seconds: Mapping[int, float] | None
) -> Quality:
    """``assess`` for answers already checked (what ``scoring`` calls)."""
    return key_for(profile).read(values=values, section_seconds=section_seconds)
