"""Scoring of one questionnaire against one role profile.

Pure: plain frozen dataclasses in, plain frozen dataclasses out; no ORM, no request. The
same answers and the same profile always give the same result. The rules are those of
DESIGN.md section 5 (``RULES_CURRENT``):

- likert item score = (v - 1) / 4, with v replaced by 6 - v when reverse-keyed;
  scenario item score = option score / 4; knowledge item score = 1 if correct, else 0;
- two kinds of evidence per trait: self_score = 100 x mean of its likert items,
  behaviour_score = 100 x mean of its scenario and knowledge items;
  trait score = (1 - s) x self_score + s x behaviour_score, s the role's behaviour_share;
  a trait with one kind of item only uses that one;
- trait match = min(1, score / required_level), 1 where required_level is 0;
- overall fit = 100 x sum(weight x match) / sum(weight);
- verdict, in this order of precedence:
  a response-quality flag (``quality.assess``) -> "tidak dapat disimpulkan": the answers
  cannot be read as a description of the person, so a knockout read from them cannot be
  trusted either;
  a trait scoring below its ``knockout_below`` -> "tidak cocok";
  overall >= fit_threshold and every match >= min_match_fit -> "cocok";
  overall >= partial_threshold and every match >= min_match_partial -> "cukup cocok";
  otherwise "kurang cocok". No surplus on one trait hides a real gap on another.
- the similar role is suggested when direct-service choices / preference items reach the
  role's fraction, compared exactly (4 of 6 meets two thirds).

Every threshold is compared with the figure the result stores and shows (four decimals),
so a verdict can be checked by hand from the stored result.

The first scoring against a ``Profile`` instance builds its lookup tables and keeps them on
it (a fraction of a millisecond); build a profile once per profile version and reuse it.

``RULES_LEGACY`` is the algorithm results were scored with before behaviour evidence
existed, kept so that a stored result re-scores to itself: trait score = mean of all
likert and scenario items, verdict by the overall fit thresholds and knockouts only (the
knockout against the unrounded score), no response-quality check, the similar role
suggested at a rounded percentage (``direct_service_threshold``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from itertools import compress
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .quality import QualityKey

LIKERT = "likert"
SCENARIO = "scenario"
KNOWLEDGE = "knowledge"
CHECK = "check"
BELIEF = "belief"
PREFERENCE = "preference"
BACKGROUND = "background"
ITEM_KINDS = (LIKERT, SCENARIO, KNOWLEDGE, CHECK, BELIEF, PREFERENCE, BACKGROUND)
# The kinds that are evidence of what a person does or knows, not of how they see themselves.
BEHAVIOUR_KINDS = (SCENARIO, KNOWLEDGE)

AGREE = "agree"
DISAGREE = "disagree"
LIKERT_VALUES = ("1", "2", "3", "4", "5")

FIT = "cocok"
PARTIAL_FIT = "cukup_cocok"
WEAK_FIT = "kurang_cocok"
NOT_A_FIT = "tidak_cocok"
UNREADABLE = "tidak_dapat_disimpulkan"
VERDICTS = (FIT, PARTIAL_FIT, WEAK_FIT, NOT_A_FIT, UNREADABLE)

RULES_LEGACY = 1
RULES_CURRENT = 2
RULES = (RULES_LEGACY, RULES_CURRENT)

# Self-report and behaviour evidence this many points apart (0-100) or more are worth saying
# out loud. A quarter of the scale is more than one answer can move a trait with two or more
# behaviour items (one point of a 0-4 scenario option moves it by at most 12.5), so a gap
# that size is a pattern across answers, not one choice.
EVIDENCE_GAP = 25
SELF_HIGHER = "self_higher"
BEHAVIOUR_HIGHER = "behaviour_higher"

# Scores are kept to four decimals so that a stored result compares equal after a JSON
# round trip through any database.
PRECISION = 4


class ProfileError(ValueError):
    """The profile cannot be scored (e.g. a trait without items)."""


class InvalidAnswers(ValueError):
    """Answers are missing, foreign to the questionnaire, or not among the allowed values."""

    def __init__(self, problems: Mapping[str, str]):
        self.problems = dict(problems)
        listed = "; ".join(f"{code}: {reason}" for code, reason in sorted(self.problems.items()))
        super().__init__(f"invalid answers ({listed})")


@dataclass(frozen=True, kw_only=True)
class OptionSpec:
    code: str
    score: int | None = None
    direct_service: bool = False


@dataclass(frozen=True, kw_only=True)
class ItemSpec:
    code: str
    kind: str
    trait_key: str | None = None
    # likert: agreeing speaks against the trait. check: agreeing is the improbable answer
    # (False: disagreeing is).
    reverse_keyed: bool = False
    keyed_answer: str | None = None
    options: tuple[OptionSpec, ...] = ()


@dataclass(frozen=True, kw_only=True)
class TraitSpec:
    key: str
    weight: int
    required_level: int
    knockout_below: int | None = None


@dataclass(frozen=True, kw_only=True)
class EducationSpec:
    code: str
    preferred: bool


@dataclass(frozen=True, kw_only=True)
class Profile:
    slug: str
    version: int
    traits: tuple[TraitSpec, ...]
    items: tuple[ItemSpec, ...]
    rules: int = RULES_CURRENT
    fit_threshold: int = 80
    partial_threshold: int = 68
    behaviour_share: float = 0.5
    min_match_fit: float = 0.85
    min_match_partial: float = 0.6
    # (numerator, denominator): the similar role is suggested when direct-service choices
    # x denominator >= numerator x preference items.
    direct_service_share_needed: tuple[int, int] = (2, 3)
    # RULES_LEGACY only: the same as a percentage, compared with the rounded share.
    direct_service_threshold: int = 67
    similar_role_slug: str = ""
    education_fields: tuple[EducationSpec, ...] = ()
    # The item codes of each section, in order: section n (1-based) is sections[n - 1].
    sections: tuple[tuple[str, ...], ...] = ()

    def __getstate__(self) -> dict[str, Any]:
        # The lookup tables scoring keeps on the instance are rebuilt on first use; a
        # pickled or copied profile carries its data only.
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def evidence_gap(*, self_score: float | None, behaviour_score: float | None) -> str | None:
    """``SELF_HIGHER``, ``BEHAVIOUR_HIGHER`` or None: which evidence is ``EVIDENCE_GAP`` ahead."""
    if self_score is None or behaviour_score is None:
        return None
    if self_score - behaviour_score >= EVIDENCE_GAP:
        return SELF_HIGHER
    if behaviour_score - self_score >= EVIDENCE_GAP:
        return BEHAVIOUR_HIGHER
    return None


@dataclass(frozen=True, kw_only=True)
class TraitResult:
    key: str
    score: float
    required_level: int
    weight: int
    match: float
    gap: float
    knocked_out: bool
    # 0-100; None when the trait has no item of that kind (and in RULES_LEGACY results).
    self_score: float | None = None
    behaviour_score: float | None = None

    @property
    def evidence_gap(self) -> str | None:
        return evidence_gap(self_score=self.self_score, behaviour_score=self.behaviour_score)


@dataclass(frozen=True, kw_only=True)
class Result:
    verdict: str
    overall_fit: float
    traits: tuple[TraitResult, ...]
    knockouts: tuple[str, ...]
    mismatches: tuple[str, ...]
    strengths: tuple[str, ...]
    misconceptions: tuple[str, ...]
    direct_service_share: float | None
    suggested_role: str
    education_field: str | None
    education_match: bool | None
    rules: int
    scenario_choices: tuple[tuple[str, str], ...] = field(default=())
    knowledge_choices: tuple[tuple[str, str], ...] = field(default=())
    # Patterns that make the answers unreadable (quality.QUALITY_FLAGS); any -> UNREADABLE.
    quality_flags: tuple[str, ...] = ()
    # Patterns worth a word beside the verdict, which they do not change (quality.TOO_FAST).
    quality_warnings: tuple[str, ...] = ()

    @property
    def flagged(self) -> bool:
        return bool(self.quality_flags)

    def trait(self, key: str) -> TraitResult:
        return next(trait for trait in self.traits if trait.key == key)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; ``result_from_dict`` turns it back into a ``Result``."""
        data = asdict(self)
        for key in ("scenario_choices", "knowledge_choices"):
            data[key] = [list(pair) for pair in data[key]]
        for key in ("knockouts", "mismatches", "strengths", "misconceptions"):
            data[key] = list(data[key])
        for key in ("quality_flags", "quality_warnings"):
            data[key] = list(data[key])
        data["traits"] = [asdict(trait) for trait in self.traits]
        return data


def result_from_dict(data: Mapping[str, Any]) -> Result:
    """The ``Result`` of a stored ``to_dict``, including those stored before RULES_CURRENT.

    A stored result without a ``rules`` key was scored by RULES_LEGACY; keys it lacks take
    the values that rule set gives (no evidence split, no quality flags).
    """
    return Result(
        verdict=data["verdict"],
        overall_fit=data["overall_fit"],
        traits=tuple(TraitResult(**trait) for trait in data["traits"]),
        knockouts=tuple(data["knockouts"]),
        mismatches=tuple(data["mismatches"]),
        strengths=tuple(data["strengths"]),
        misconceptions=tuple(data["misconceptions"]),
        direct_service_share=data["direct_service_share"],
        suggested_role=data["suggested_role"],
        education_field=data["education_field"],
        education_match=data["education_match"],
        rules=data.get("rules", RULES_LEGACY),
        scenario_choices=tuple(tuple(pair) for pair in data.get("scenario_choices", ())),
        knowledge_choices=tuple(tuple(pair) for pair in data.get("knowledge_choices", ())),
        quality_flags=tuple(data.get("quality_flags", ())),
        quality_warnings=tuple(data.get("quality_warnings", ())),
    )


def check_answers(*, profile: Profile, answers: Mapping[str, Any]) -> dict[str, str]:
    """The answers as strings, or ``InvalidAnswers`` naming every problem."""
    problems: dict[str, str] = {}
    clean: dict[str, str] = {}
    education_codes = {field.code for field in profile.education_fields}
    known = set()
    for item in profile.items:
        known.add(item.code)
        if item.code not in answers or answers[item.code] in (None, ""):
            problems[item.code] = "missing"
            continue
        value = str(answers[item.code])
        if item.kind in (LIKERT, CHECK):
            allowed = LIKERT_VALUES
        elif item.kind in (SCENARIO, KNOWLEDGE, PREFERENCE):
            allowed = tuple(option.code for option in item.options)
        elif item.kind == BELIEF:
            allowed = (AGREE, DISAGREE)
        elif item.kind == BACKGROUND:
            allowed = tuple(education_codes)
        else:
            raise ProfileError(f"item {item.code} is of unknown kind {item.kind!r}")
        if value not in allowed:
            problems[item.code] = f"{value!r} is not one of {', '.join(allowed)}"
            continue
        clean[item.code] = value
    for code in answers:
        if code not in known:
            problems[str(code)] = "not an item of this questionnaire"
    if problems:
        raise InvalidAnswers(problems)
    return clean


def item_score(item: ItemSpec, value: str) -> float:
    """The 0-1 score of a likert, scenario or knowledge answer."""
    if item.kind == LIKERT:
        v = int(value)
        if item.reverse_keyed:
            v = 6 - v
        return (v - 1) / 4
    if item.kind not in BEHAVIOUR_KINDS:
        raise ProfileError(f"item {item.code} ({item.kind}) scores no trait")
    option = next(option for option in item.options if option.code == value)
    if option.score is None:
        raise ProfileError(f"option {value} of {item.kind} {item.code} has no score")
    return option.score / 4 if item.kind == SCENARIO else float(option.score)


def trait_match(*, score: float, required_level: int) -> float:
    if required_level == 0:
        return 1.0
    return min(1.0, score / required_level)


def verdict_for(
    *,
    overall_fit: float,
    knocked_out: bool,
    profile: Profile,
    lowest_match: float = 1.0,
    flagged: bool = False,
) -> str:
    """The verdict from the figures a result stores; see the module docstring."""
    if profile.rules == RULES_LEGACY:
        lowest_match, flagged = 1.0, False
    if flagged:
        return UNREADABLE
    if knocked_out:
        return NOT_A_FIT
    if overall_fit >= profile.fit_threshold and lowest_match >= profile.min_match_fit:
        return FIT
    if overall_fit >= profile.partial_threshold and lowest_match >= profile.min_match_partial:
        return PARTIAL_FIT
    return WEAK_FIT


# --- Lookup tables ------------------------------------------------------------------------
# Built once per Profile (on its first scoring) and kept on the instance, outside the
# dataclass fields, so equality, hashing and repr are those of the plain data. Scoring is
# then a handful of dict lookups per item, done by map() rather than a Python loop.


@dataclass(frozen=True, kw_only=True)
class _Tables:
    # Likert statements in the quality key's order: trait by trait, (+) before (-).
    likert_codes: tuple[str, ...]
    # Per trait: start, end of its (+) / start of its (-), end of its (-) in likert_codes.
    likert_spans: tuple[tuple[int, int, int], ...]
    # Scenario and knowledge items, each in profile order: code, {option: 0-1 score},
    # trait index. An option without a score maps to None (an error if chosen).
    scenario_codes: tuple[str, ...]
    scenario_options: tuple[dict[str, float | None], ...]
    scenario_traits: tuple[int, ...]
    knowledge_codes: tuple[str, ...]
    knowledge_options: tuple[dict[str, float], ...]
    knowledge_traits: tuple[int, ...]
    # Per trait: key, weight, required level, knockout_below, its likert span (see
    # quality.QualityKey.likert_spans), its scenario and knowledge items.
    trait_rows: tuple[tuple[str, int, int, int | None, int, int, int, int], ...]
    # Per trait: {(likert balance, behaviour sum): (TraitResult, unrounded match)}.
    trait_memos: tuple[dict[tuple[int, float], tuple[TraitResult, float]], ...]
    check_codes: tuple[str, ...]
    # {answer: True when it holds the misconception}
    belief_codes: tuple[str, ...]
    belief_answers: tuple[dict[str, bool], ...]
    # {option: is direct service}
    preference_codes: tuple[str, ...]
    preference_options: tuple[dict[str, bool], ...]
    background_codes: tuple[str, ...]
    # {field code: preferred}
    education: dict[str, bool]
    item_count: int
    total_weight: int
    quality: QualityKey


_LIKERT_RAW = {value: int(value) for value in LIKERT_VALUES}


def _build_tables(profile: Profile) -> _Tables:
    # quality reads this module's specs, so it is imported here, not at the top.
    from . import quality

    if profile.rules not in RULES:
        raise ProfileError(f"unknown scoring rules {profile.rules!r}")
    if not profile.traits:
        raise ProfileError("the profile has no traits")
    if not 0 <= profile.behaviour_share <= 1:
        raise ProfileError("behaviour_share must be between 0 and 1")
    if not 0 <= profile.min_match_partial <= profile.min_match_fit <= 1:
        raise ProfileError("min_match_partial <= min_match_fit, both between 0 and 1")
    numerator, denominator = profile.direct_service_share_needed
    if not (denominator >= 1 and 0 <= numerator <= denominator):
        raise ProfileError("direct_service_share_needed must be a fraction from 0/n to n/n")

    trait_index = {trait.key: index for index, trait in enumerate(profile.traits)}
    behaviour_counts = [0] * len(trait_index)
    scenarios, knowledge, beliefs, preferences = [], [], [], []
    for item in profile.items:
        kind = item.kind
        if kind in (LIKERT, SCENARIO, KNOWLEDGE):
            if item.trait_key not in trait_index:
                raise ProfileError(f"item {item.code} measures unknown trait {item.trait_key!r}")
            index = trait_index[item.trait_key]
        elif kind == CHECK and item.trait_key is not None:
            raise ProfileError(f"check item {item.code} measures no trait")
        elif kind not in ITEM_KINDS:
            raise ProfileError(f"item {item.code} is of unknown kind {kind!r}")
        if profile.rules == RULES_LEGACY and kind in (KNOWLEDGE, CHECK):
            raise ProfileError(f"the legacy rules score no {kind} items ({item.code})")
        if kind == SCENARIO:
            behaviour_counts[index] += 1
            options = {
                option.code: None if option.score is None else option.score / 4
                for option in item.options
            }
            scenarios.append((item.code, options, index))
        elif kind == KNOWLEDGE:
            behaviour_counts[index] += 1
            scores = [option.score for option in item.options]
            if any(score not in (0, 1) for score in scores) or scores.count(1) != 1:
                raise ProfileError(
                    f"knowledge item {item.code} needs one option scoring 1, the others 0"
                )
            options = {option.code: float(option.score) for option in item.options}
            knowledge.append((item.code, options, index))
        elif kind == BELIEF:
            held = {AGREE: item.keyed_answer != AGREE, DISAGREE: item.keyed_answer != DISAGREE}
            beliefs.append((item.code, held))
        elif kind == PREFERENCE:
            options = {option.code: option.direct_service for option in item.options}
            preferences.append((item.code, options))

    key = quality.key_for(profile)
    for trait, (start, _, end), behaviour_count in zip(
        profile.traits, key.likert_spans, behaviour_counts, strict=True
    ):
        if end == start and not behaviour_count:
            raise ProfileError(f"trait {trait.key} has no items")

    def column(rows, at):
        return tuple(row[at] for row in rows)

    return _Tables(
        likert_codes=key.likert_codes,
        likert_spans=key.likert_spans,
        scenario_codes=column(scenarios, 0),
        scenario_options=column(scenarios, 1),
        scenario_traits=column(scenarios, 2),
        knowledge_codes=column(knowledge, 0),
        knowledge_options=column(knowledge, 1),
        knowledge_traits=column(knowledge, 2),
        trait_rows=tuple(
            (trait.key, trait.weight, trait.required_level, trait.knockout_below, *span, count)
            for trait, span, count in zip(
                profile.traits, key.likert_spans, behaviour_counts, strict=True
            )
        ),
        trait_memos=tuple({} for _ in profile.traits),
        check_codes=key.check_codes,
        belief_codes=column(beliefs, 0),
        belief_answers=column(beliefs, 1),
        preference_codes=column(preferences, 0),
        preference_options=column(preferences, 1),
        background_codes=tuple(item.code for item in profile.items if item.kind == BACKGROUND),
        education={
            code: any(f.preferred for f in profile.education_fields if f.code == code)
            for code in {field.code for field in profile.education_fields}
        },
        item_count=len(profile.items),
        total_weight=sum(trait.weight for trait in profile.traits),
        quality=key,
    )


def _tables_for(profile: Profile) -> _Tables:
    tables = profile.__dict__.get("_tables")
    if tables is None:
        tables = _build_tables(profile)
        object.__setattr__(profile, "_tables", tables)
    return tables


# A trait's result takes few distinct values (a handful of answer sums), so each is
# computed once per profile and shared: results are immutable. Bounded, emptied when full.
_MEMO_MAX = 1 << 14


def _trait_result(
    profile: Profile, row: tuple, likert_balance: int, behaviour_sum: float
) -> tuple[TraitResult, float]:
    """A trait's result and its unrounded match, from sum(+ answers) - sum(- answers) and
    the sum of its behaviour item scores."""
    key, weight, required, knockout_below, start, middle, end, behaviour_count = row
    likert_count = end - start
    # A (+) statement scores (v - 1) / 4, a (-) one (5 - v) / 4; sums of quarters are exact.
    self_sum = (likert_balance - (middle - start) + 5 * (end - middle)) / 4
    legacy = profile.rules == RULES_LEGACY
    self_score = behaviour_score = None
    if legacy:
        trait_score = 100 * (self_sum + behaviour_sum) / (likert_count + behaviour_count)
    else:
        if likert_count:
            self_score = 100 * self_sum / likert_count
        if behaviour_count:
            behaviour_score = 100 * behaviour_sum / behaviour_count
        if self_score is None:
            trait_score = behaviour_score
        elif behaviour_score is None:
            trait_score = self_score
        else:
            share = profile.behaviour_share
            trait_score = (1 - share) * self_score + share * behaviour_score
    match = trait_match(score=trait_score, required_level=required)
    score = round(trait_score, PRECISION)
    # Legacy compared the unrounded score with knockout_below; the current rules the shown one.
    knocked_out = knockout_below is not None and (trait_score if legacy else score) < knockout_below
    result = TraitResult(
        key=key,
        score=score,
        required_level=required,
        weight=weight,
        match=round(match, PRECISION),
        gap=round(max(0.0, required - trait_score), PRECISION),
        knocked_out=knocked_out,
        self_score=None if self_score is None else round(self_score, PRECISION),
        behaviour_score=None if behaviour_score is None else round(behaviour_score, PRECISION),
    )
    return result, match


class _NotFound(Exception):
    """An answer is not in its item's table: invalid, or valid but not a plain string."""


def score(
    *,
    profile: Profile,
    answers: Mapping[str, Any],
    section_seconds: Mapping[int, float] | None = None,
) -> Result:
    """Score a complete set of answers against a profile.

    ``section_seconds``: section number (1-based) -> seconds the visitor spent on it, from
    the server's clock (web only; None on paper), for the ``too_fast`` warning.
    """
    tables = _tables_for(profile)
    try:
        return _score(profile, tables, answers, section_seconds)
    except (_NotFound, TypeError):
        pass
    # Slow path: name every problem, or read the answers as text (4 -> "4") and go again.
    clean = check_answers(profile=profile, answers=answers)
    try:
        return _score(profile, tables, clean, section_seconds)
    except _NotFound:
        for code, options in zip(tables.scenario_codes, tables.scenario_options, strict=True):
            if options[clean[code]] is None:
                raise ProfileError(
                    f"option {clean[code]} of scenario {code} has no score"
                ) from None
        raise


def _looked_up(tables: tuple[dict, ...], codes: tuple[str, ...], get) -> list:
    found = list(map(dict.get, tables, map(get, codes)))
    if None in found:
        raise _NotFound
    return found


def _score(
    profile: Profile,
    tables: _Tables,
    answers: Mapping[str, Any],
    section_seconds: Mapping[int, float] | None,
) -> Result:
    if len(answers) != tables.item_count:
        raise _NotFound
    legacy = profile.rules == RULES_LEGACY
    get = answers.get

    likert = list(map(_LIKERT_RAW.get, map(get, tables.likert_codes)))
    checks = list(map(_LIKERT_RAW.get, map(get, tables.check_codes)))
    if None in likert or None in checks:
        raise _NotFound
    scenario_values = list(map(get, tables.scenario_codes))
    scenario_scores = list(map(dict.get, tables.scenario_options, scenario_values))
    knowledge_values = list(map(get, tables.knowledge_codes))
    knowledge_scores = list(map(dict.get, tables.knowledge_options, knowledge_values))
    if None in scenario_scores or None in knowledge_scores:
        raise _NotFound
    held = _looked_up(tables.belief_answers, tables.belief_codes, get)
    direct = _looked_up(tables.preference_options, tables.preference_codes, get)
    education_field = education_match = None
    for code in tables.background_codes:
        education_field = get(code)
        if (education_match := tables.education.get(education_field)) is None:
            raise _NotFound

    behaviour_sums = [0.0] * len(tables.trait_rows)
    # Item scores are multiples of 1/4, so these sums are exact whatever the order.
    for index, value in zip(tables.scenario_traits, scenario_scores, strict=True):
        behaviour_sums[index] += value
    for index, value in zip(tables.knowledge_traits, knowledge_scores, strict=True):
        behaviour_sums[index] += value

    if legacy:
        flags = warnings = ()
    else:
        flags, warnings = tables.quality.flags_and_warnings(
            likert=likert, checks=checks, section_seconds=section_seconds
        )

    trait_results = []
    weighted_match = 0.0
    lowest_match = 1.0
    for row, memo, behaviour_sum in zip(
        tables.trait_rows, tables.trait_memos, behaviour_sums, strict=True
    ):
        start, middle, end = row[4:7]
        # What the trait's result depends on: sum(+ answers) - sum(- answers), behaviour.
        evidence = (sum(likert[start:middle]) - sum(likert[middle:end]), behaviour_sum)
        known = memo.get(evidence)
        if known is None:
            if len(memo) >= _MEMO_MAX:
                memo.clear()
            known = memo[evidence] = _trait_result(profile, row, *evidence)
        trait_result, match = known
        weighted_match += trait_result.weight * match
        if trait_result.match < lowest_match:
            lowest_match = trait_result.match
        trait_results.append(trait_result)

    overall_fit = round(100 * weighted_match / tables.total_weight, PRECISION)
    knockouts = tuple(trait.key for trait in trait_results if trait.knocked_out)
    # sorted() is stable, so ties keep the profile's order.
    mismatches = tuple(
        trait.key
        for trait in sorted(
            (trait for trait in trait_results if trait.score < trait.required_level),
            key=lambda trait: -trait.weight * trait.gap,
        )
    )
    strengths = tuple(
        trait.key
        for trait in sorted(
            (trait for trait in trait_results if trait.score >= trait.required_level),
            key=lambda trait: -trait.weight,
        )
    )

    preference_count = len(direct)
    direct_service_count = sum(direct)
    direct_service_share = (
        round(100 * direct_service_count / preference_count, PRECISION)
        if preference_count
        else None
    )
    if not (preference_count and profile.similar_role_slug):
        suggest = False
    elif legacy:
        suggest = direct_service_share >= profile.direct_service_threshold
    else:
        numerator, denominator = profile.direct_service_share_needed
        suggest = direct_service_count * denominator >= numerator * preference_count

    return Result(
        verdict=verdict_for(
            overall_fit=overall_fit,
            knocked_out=bool(knockouts),
            profile=profile,
            lowest_match=lowest_match,
            flagged=bool(flags),
        ),
        overall_fit=overall_fit,
        traits=tuple(trait_results),
        knockouts=knockouts,
        mismatches=mismatches,
        strengths=strengths,
        misconceptions=tuple(compress(tables.belief_codes, held)),
        direct_service_share=direct_service_share,
        suggested_role=profile.similar_role_slug if suggest else "",
        education_field=education_field,
        education_match=education_match,
        rules=profile.rules,
        scenario_choices=tuple(zip(tables.scenario_codes, scenario_values, strict=True)),
        knowledge_choices=tuple(zip(tables.knowledge_codes, knowledge_values, strict=True)),
        quality_flags=flags,
        quality_warnings=warnings,
    )
