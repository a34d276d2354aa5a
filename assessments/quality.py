"""Response quality: can these answers be read as a description of the person?

A pure sibling of ``scoring``, with the same inputs. The patterns (DESIGN.md section 5):

- ``acquiescence``: agreeing, or disagreeing, with both a statement and its reverse-keyed
  opposite of the same trait, in a large share of all such (+, -) likert pairs;
- ``straight_lining``: the same likert value almost everywhere;
- ``infrequency``: two or more ``check`` statements answered in the improbable direction;
- ``too_fast`` (web only): a section answered faster than about 1.5 s a question.

The first three are flags: any of them makes the verdict "tidak dapat disimpulkan".
``too_fast`` is a warning shown beside the verdict: a quick reader who has seen the
questions before (a resumed or a second assessment) can still have answered honestly.

Every threshold below was set against a simulation of honest respondents on the Kabag Kesra
questionnaire (36 statements, 29 pairs): per trait a true level drawn between 3 and 5 on the
1-5 scale, a personal tendency to agree drawn with a standard deviation of half a point, and
a deviation on every answer with a standard deviation of one point (rounded, kept in 1-5).
``tests/test_quality.py`` re-runs a smaller version of it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .scoring import CHECK, LIKERT, Profile, ProfileError, check_answers

ACQUIESCENCE = "acquiescence"
STRAIGHT_LINING = "straight_lining"
INFREQUENCY = "infrequency"
TOO_FAST = "too_fast"
QUALITY_FLAGS = (ACQUIESCENCE, STRAIGHT_LINING, INFREQUENCY)
QUALITY_WARNINGS = (TOO_FAST,)

# A pair is contradictory when both answers agree (4 or 5) or both disagree (1 or 2); a 3
# takes no side. An honest person contradicts some pairs: a reverse-keyed statement is not
# the exact opposite of its partner ("I plan ahead" and "plans often change on me" can both
# be true), and one misread statement contradicts every partner it has in its trait (3 pairs
# in most traits). In the simulation, 0.25 % of honest respondents reached 60 % and 0.9 %
# reached half, while agreeing (or disagreeing) with everything gives 100 %: 60 % keeps the
# false alarms near one in four hundred.
ACQUIESCENCE_SHARE = 0.6
# With fewer pairs one misread statement is already a large share; below this the
# questionnaire cannot tell a response style from a slip, and the flag is not raised.
ACQUIESCENCE_MIN_PAIRS = 4

# The share of likert answers that are the most common value. With at least a third of the
# statements reverse-keyed (the content bar), a person who means their answers cannot give
# one value to 90 % of them without contradicting themselves; the simulation's honest
# respondents never reached it (the highest was under 80 %), and it still allows three or
# four different answers in 36.
STRAIGHT_LINING_SHARE = 0.9
# Below ten statements, 90 % means every one of them, and an honest person can give the same
# answer to a handful of statements; the flag needs more to stand on.
STRAIGHT_LINING_MIN_ITEMS = 10

# A check statement is a claim almost nobody can truthfully make ("I have never once put off
# a task"). One such answer can be an honest exception or a misreading; two of three or four
# rarely are. The usual rule for bogus and infrequency items (Meade and Craig, 2012).
INFREQUENCY_MIN_IMPROBABLE = 2

# Reading a short Indonesian statement and choosing an answer takes about two seconds; at
# 1.5 s a question the visitor cannot have read most of them. Lower than the 2 s often used
# for carelessness, because a radio button on a phone is quick and the warning should not
# fall on a fast, careful reader.
TOO_FAST_SECONDS_PER_QUESTION = 1.5

# A likert answer's side: 1 agrees (4, 5), -1 disagrees (1, 2), 0 neutral (3).
_SIDE = (0, -1, -1, 0, 1, 1)


@dataclass(frozen=True, kw_only=True)
class Quality:
    flags: tuple[str, ...]
    warnings: tuple[str, ...]
    # acquiescence: same-trait (+, -) likert pairs, how many are contradictory, their share
    # (None without pairs).
    pairs: int
    contradictory_pairs: int
    contradictory_share: float | None
    # straight_lining: likert answers, the most common value (the lowest on a tie), its
    # share (None without likert items).
    likert_answers: int
    modal_value: int | None
    modal_share: float | None
    # infrequency: check items, and those answered in the improbable direction.
    check_items: int
    improbable_checks: tuple[str, ...]
    # too_fast: the section (1-based) with the fewest seconds a question and that figure
    # (None without section times), and every section below TOO_FAST_SECONDS_PER_QUESTION.
    fastest_section: int | None
    fastest_seconds_per_question: float | None
    too_fast_sections: tuple[int, ...]

    @property
    def flagged(self) -> bool:
        return bool(self.flags)


@dataclass(frozen=True, kw_only=True)
class QualityKey:
    """What a profile's questionnaire offers the checks; built once per profile."""

    likert_codes: tuple[str, ...]
    # Per trait with both keys: indexes into likert_codes of its (+) and (-) statements.
    opposites: tuple[tuple[tuple[int, ...], tuple[int, ...]], ...]
    pairs: int
    check_codes: tuple[str, ...]
    # Per check item: the answers (1-5) in its improbable direction.
    improbable: tuple[frozenset[int], ...]
    section_sizes: tuple[int, ...]

    def read(
        self,
        *,
        likert: Sequence[int],
        checks: Sequence[int],
        section_seconds: Mapping[int, float] | None = None,
    ) -> Quality:
        """The quality of these answers: ``likert`` and ``checks`` (1-5) in this key's order."""
        flags = []

        contradictory = 0
        for positive, negative in self.opposites:
            sides = [_SIDE[likert[index]] for index in positive]
            opposite_sides = [_SIDE[likert[index]] for index in negative]
            contradictory += sides.count(1) * opposite_sides.count(1)
            contradictory += sides.count(-1) * opposite_sides.count(-1)
        contradictory_share = round(contradictory / self.pairs, 4) if self.pairs else None
        if self.pairs >= ACQUIESCENCE_MIN_PAIRS and contradictory_share >= ACQUIESCENCE_SHARE:
            flags.append(ACQUIESCENCE)

        modal_value = modal_share = None
        if likert:
            modal_count, modal_value = max((likert.count(v), -v) for v in range(1, 6))
            modal_value = -modal_value
            modal_share = round(modal_count / len(likert), 4)
            if len(likert) >= STRAIGHT_LINING_MIN_ITEMS and modal_share >= STRAIGHT_LINING_SHARE:
                flags.append(STRAIGHT_LINING)

        improbable_checks = tuple(
            code
            for code, value, improbable in zip(
                self.check_codes, checks, self.improbable, strict=True
            )
            if value in improbable
        )
        if len(improbable_checks) >= INFREQUENCY_MIN_IMPROBABLE:
            flags.append(INFREQUENCY)

        fastest_section = fastest = None
        too_fast_sections = ()
        if section_seconds:
            fastest_section, fastest, too_fast_sections = self._speed(section_seconds)

        return Quality(
            flags=tuple(flags),
            warnings=(TOO_FAST,) if too_fast_sections else (),
            pairs=self.pairs,
            contradictory_pairs=contradictory,
            contradictory_share=contradictory_share,
            likert_answers=len(likert),
            modal_value=modal_value,
            modal_share=modal_share,
            check_items=len(self.check_codes),
            improbable_checks=improbable_checks,
            fastest_section=fastest_section,
            fastest_seconds_per_question=fastest,
            too_fast_sections=too_fast_sections,
        )

    def _speed(
        self, section_seconds: Mapping[int, float]
    ) -> tuple[int | None, float | None, tuple[int, ...]]:
        fastest_section = fastest = None
        too_fast = []
        for number in sorted(section_seconds):
            if type(number) is not int or not 1 <= number <= len(self.section_sizes):
                raise ValueError(
                    f"section {number!r} is not one of the profile's "
                    f"{len(self.section_sizes)} sections"
                )
            seconds, size = section_seconds[number], self.section_sizes[number - 1]
            # A negative or missing time is a clock step, not a visitor: it says nothing.
            if not size or seconds is None or not math.isfinite(seconds) or seconds < 0:
                continue
            per_question = round(seconds / size, 4)
            if fastest is None or per_question < fastest:
                fastest_section, fastest = number, per_question
            if per_question < TOO_FAST_SECONDS_PER_QUESTION:
                too_fast.append(number)
        return fastest_section, fastest, tuple(too_fast)


def key_for(profile: Profile) -> QualityKey:
    """The profile's ``QualityKey``, built on first use and kept on the profile."""
    key = profile.__dict__.get("_quality_key")
    if key is None:
        key = _build_key(profile)
        object.__setattr__(profile, "_quality_key", key)
    return key


def _build_key(profile: Profile) -> QualityKey:
    item_codes = {item.code for item in profile.items}
    for number, codes in enumerate(profile.sections, start=1):
        if unknown := [code for code in codes if code not in item_codes]:
            raise ProfileError(f"section {number} lists unknown items {', '.join(unknown)}")
    likert = [item for item in profile.items if item.kind == LIKERT]
    by_trait: dict[str | None, tuple[list[int], list[int]]] = {}
    for index, item in enumerate(likert):
        by_trait.setdefault(item.trait_key, ([], []))[item.reverse_keyed].append(index)
    opposites = tuple(
        (tuple(positive), tuple(negative))
        for positive, negative in by_trait.values()
        if positive and negative
    )
    checks = [item for item in profile.items if item.kind == CHECK]
    return QualityKey(
        likert_codes=tuple(item.code for item in likert),
        opposites=opposites,
        pairs=sum(len(positive) * len(negative) for positive, negative in opposites),
        check_codes=tuple(item.code for item in checks),
        # reverse_keyed: agreeing (4, 5) is improbable; otherwise disagreeing (1, 2) is.
        improbable=tuple(
            frozenset((4, 5)) if item.reverse_keyed else frozenset((1, 2)) for item in checks
        ),
        section_sizes=tuple(len(codes) for codes in profile.sections),
    )


def assess(
    *,
    profile: Profile,
    answers: Mapping[str, object],
    section_seconds: Mapping[int, float] | None = None,
) -> Quality:
    """The response quality of a complete set of answers (``InvalidAnswers`` otherwise)."""
    values = check_answers(profile=profile, answers=answers)
    key = key_for(profile)
    return key.read(
        likert=[int(values[code]) for code in key.likert_codes],
        checks=[int(values[code]) for code in key.check_codes],
        section_seconds=section_seconds,
    )
