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

Every threshold below was set against a simulation of 100,000 honest respondents on the
Kabag Kesra questionnaire's shape (36 statements, 29 pairs): per trait a true level drawn
between 3 and 5 on the 1-5 scale, a personal tendency to agree drawn with a standard
deviation of half a point, and a deviation on every answer with a standard deviation of
one point (rounded, kept in 1-5). ``tests/test_quality.py`` re-runs a smaller version of it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import compress

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
# respondents never reached it (3 in 100,000 reached 80 %), and it still allows three or
# four different answers in 36.
STRAIGHT_LINING_SHARE = 0.9
# Below ten statements, 90 % means every one of them, and an honest person can give the same
# answer to a handful of statements; the flag needs more to stand on.
STRAIGHT_LINING_MIN_ITEMS = 10

# A check statement is a claim almost nobody can truthfully make ("I have never once put off
# a task"). One such answer can be an honest exception or a misreading; two of three or four
# rarely are.
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

    # The likert statements trait by trait (in the profile's trait order), each trait's
    # (+) statements before its (-) ones, in profile order within each.
    likert_codes: tuple[str, ...]
    # Per trait: where its (+) statements start, where its (-) ones start, where they end.
    likert_spans: tuple[tuple[int, int, int], ...]
    # The spans of the traits with statements of both keys, and per span {its answers'
    # sides: contradictory pairs}: a trait's few statements take few patterns.
    opposed_spans: tuple[tuple[int, int, int], ...]
    contradiction_memos: tuple[dict[bytes, int], ...] = field(compare=False, repr=False)
    pairs: int
    check_codes: tuple[str, ...]
    # Per check item: the answers (1-5) in its improbable direction.
    improbable: tuple[frozenset[int], ...]
    section_sizes: tuple[int, ...]
    section_numbers: frozenset[int]

    def read(
        self,
        *,
        likert: Sequence[int],
        checks: Sequence[int],
        section_seconds: Mapping[int, float] | None = None,
    ) -> Quality:
        """The quality of these answers: ``likert`` and ``checks`` (1-5) in this key's order."""
        figures = self._figures(likert, checks, section_seconds)
        return Quality(**dict(zip(_FIGURES, figures, strict=True)))

    def flags_and_warnings(
        self,
        *,
        likert: Sequence[int],
        checks: Sequence[int],
        section_seconds: Mapping[int, float] | None = None,
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """``read(...).flags, read(...).warnings``, without building the ``Quality``."""
        return self._figures(likert, checks, section_seconds)[:2]

    def _figures(self, likert, checks, section_seconds) -> tuple:
        """Quality's fields, in its order."""
        flags = []

        values = bytes(likert)
        # 1 agrees (4, 5), 0 disagrees (1, 2), 2 takes no side (3).
        sides = values.translate(_SIDES)
        contradictory = 0
        for (start, middle, end), memo in zip(
            self.opposed_spans, self.contradiction_memos, strict=True
        ):
            pattern = sides[start:end]
            found = memo.get(pattern)
            if found is None:
                if len(memo) >= _MEMO_MAX:
                    memo.clear()
                split = middle - start
                found = memo[pattern] = pattern.count(1, 0, split) * pattern.count(
                    1, split
                ) + pattern.count(0, 0, split) * pattern.count(0, split)
            contradictory += found
        contradictory_share = round(contradictory / self.pairs, 4) if self.pairs else None
        if self.pairs >= ACQUIESCENCE_MIN_PAIRS and contradictory_share >= ACQUIESCENCE_SHARE:
            flags.append(ACQUIESCENCE)

        modal_value = modal_share = None
        if likert:
            counts = list(map(values.count, b"\x01\x02\x03\x04\x05"))
            modal_count = max(counts)
            modal_value = counts.index(modal_count) + 1
            modal_share = round(modal_count / len(likert), 4)
            if len(likert) >= STRAIGHT_LINING_MIN_ITEMS and modal_share >= STRAIGHT_LINING_SHARE:
                flags.append(STRAIGHT_LINING)

        improbable_checks = (
            tuple(compress(self.check_codes, map(frozenset.__contains__, self.improbable, checks)))
            if checks
            else ()
        )
        if len(improbable_checks) >= INFREQUENCY_MIN_IMPROBABLE:
            flags.append(INFREQUENCY)

        fastest_section = fastest = None
        too_fast_sections = ()
        if section_seconds:
            fastest_section, fastest, too_fast_sections = self._speed(section_seconds)

        return (
            tuple(flags),
            (TOO_FAST,) if too_fast_sections else (),
            self.pairs,
            contradictory,
            contradictory_share,
            len(likert),
            modal_value,
            modal_share,
            len(self.check_codes),
            improbable_checks,
            fastest_section,
            fastest,
            too_fast_sections,
        )

    def _speed(
        self, section_seconds: Mapping[int, float]
    ) -> tuple[int | None, float | None, tuple[int, ...]]:
        if not self.section_numbers.issuperset(section_seconds):
            unknown = ", ".join(sorted(map(repr, set(section_seconds) - self.section_numbers)))
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


_FIGURES = tuple(Quality.__dataclass_fields__)
_MEMO_MAX = 1 << 12
_SIDES = bytes.maketrans(bytes(range(6)), bytes((2, 0, 0, 2, 1, 1)))


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
    by_trait: dict[str, tuple[list[str], list[str]]] = {
        trait.key: ([], []) for trait in profile.traits
    }
    for item in profile.items:
        if item.kind == LIKERT:
            if item.trait_key not in by_trait:
                raise ProfileError(f"item {item.code} measures unknown trait {item.trait_key!r}")
            by_trait[item.trait_key][item.reverse_keyed].append(item.code)
    likert_codes, spans = [], []
    for positive, negative in by_trait.values():
        start = len(likert_codes)
        likert_codes += positive + negative
        spans.append((start, start + len(positive), len(likert_codes)))
    opposed = tuple(span for span in spans if span[0] < span[1] < span[2])
    checks = [item for item in profile.items if item.kind == CHECK]
    return QualityKey(
        likert_codes=tuple(likert_codes),
        likert_spans=tuple(spans),
        opposed_spans=opposed,
        contradiction_memos=tuple({} for _ in opposed),
        pairs=sum((middle - start) * (end - middle) for start, middle, end in spans),
        check_codes=tuple(item.code for item in checks),
        # reverse_keyed: agreeing (4, 5) is improbable; otherwise disagreeing (1, 2) is.
        improbable=tuple(
            frozenset((4, 5)) if item.reverse_keyed else frozenset((1, 2)) for item in checks
        ),
        section_sizes=tuple(len(codes) for codes in profile.sections),
        section_numbers=frozenset(range(1, len(profile.sections) + 1)),
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
