"""Scoring of one questionnaire against one role profile: scores with their errors,
decisions with a margin, and the choice of the adaptive second stage's items.

Pure: plain frozen dataclasses in, plain frozen dataclasses out; no ORM, no request. The
same answers, profile and item figures always give the same result. The rules are those of
DESIGN.md section 5 with its "Precision (third generation)" (``RULES_CURRENT``):

- likert item score = (v - 1) / 4, with v replaced by 6 - v when reverse-keyed;
  scenario item score = option score / 4; knowledge item score = 1 if correct, else 0;
- self_score = 100 x mean of the trait's answered likert items, behaviour_score = 100 x
  mean of its answered scenario and knowledge items; trait score = (1 - s) x self_score +
  s x behaviour_score, s the role's behaviour_share (one kind only: that one);
- **less room for flattering self-report**: where the self-report is ``EVIDENCE_GAP`` (25)
  points or more above the behaviour evidence, the trait's score is the behaviour score
  alone, with its own (larger) error (``basis`` = "behaviour"): the verdict then rests on
  what the person chose in the situations, not on how they describe themselves;
- **standard errors** (the model, in full in docs/scoring.md): an item of kind k has error
  variance sd_k^2 (1 - r_k) (``specs.KindFigures``: the version's figures, a documented
  prior until estimated from its own results), so the mean of n answered items has
  SE = sqrt(mean error variance / n), Spearman-Brown's reliability applied to the mean's
  variance. The mean error variance is that of the trait's behaviour items in the whole
  questionnaire (core and reserve), so that an answer more never widens a band. The two
  parts' errors are independent: SE(trait)^2 = (1 - s)^2 SE(self)^2 + s^2 SE(behaviour)^2.
  The overall fit's SE is the delta method on sum(weight x min(1, score / required)):
  a trait adds 100 x weight / (required x sum of weights) x P(true score < required) x
  SE(trait), P from a normal error; traits' errors independent;
- **decisions with a margin**: a trait is ``BELOW`` a line when score + z x SE is under it,
  ``CLEAR`` (at or above) when score - z x SE reaches it, ``UNCERTAIN`` otherwise (the band
  clipped to 0-100), for each line: ``knockout_below``, required x min_match_fit, required
  x min_match_partial; the overall fit likewise against fit_threshold and
  partial_threshold; z is ``Z_MARGIN``, and ``Z_KNOCKOUT`` (wider) for the knockout line;
  a trait scored on behaviour alone fails a line only where its blend fails it too;
- **the verdict** (precedence as before): a response-quality flag -> "tidak dapat
  disimpulkan"; a trait clearly below its knockout -> "tidak cocok" (an uncertain knockout
  never decides: the verdict is then the one the other rules give, and "tidak cocok" its
  alternative); overall >= fit_threshold and every trait at or above its fit line ->
  "cocok"; likewise the partial lines -> "cukup cocok"; otherwise "kurang cocok". These
  lines are read at the point score: the verdict the answers point to. The verdict is
  **sure** when the best verdict the bands allow (every uncertain line passed) equals the
  worst (every uncertain line failed); otherwise the result names the nearest other verdict
  the answers allow (the one the uncertain graded lines give when they fall short; else the
  worst; else the best) and the traits whose uncertainty alone can move the verdict
  (``deciding_traits``);
- the similar role is suggested when direct-service choices / preference items reach the
  role's fraction, compared exactly (4 of 6 meets two thirds).

Every threshold is compared with the figure the result stores and shows (four decimals),
so a verdict can be checked by hand from the stored result.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import MISSING, asdict, astuple, dataclass, field, fields, replace
from typing import Any

from . import quality
from .specs import (
    AGREE,
    BACKGROUND,
    BEHAVIOUR_KINDS,
    BELIEF,
    CHECK,
    DISAGREE,
    FIT,
    ITEM_KINDS,
    KNOWLEDGE,
    LIKERT,
    LIKERT_VALUES,
    NOT_A_FIT,
    PARTIAL_FIT,
    PREFERENCE,
    SCENARIO,
    UNREADABLE,
    VERDICTS,
    WEAK_FIT,
    EducationSpec,
    InvalidAnswers,
    ItemFigures,
    ItemSpec,
    OptionSpec,
    Profile,
    ProfileError,
    TraitSpec,
    check_answers,
)

# The names other modules read from here; they live in ``specs``.
__all__ = [
    "AGREE",
    "BACKGROUND",
    "BEHAVIOUR_KINDS",
    "BELIEF",
    "CHECK",
    "DISAGREE",
    "FIT",
    "ITEM_KINDS",
    "KNOWLEDGE",
    "LIKERT",
    "LIKERT_VALUES",
    "NOT_A_FIT",
    "PARTIAL_FIT",
    "PREFERENCE",
    "SCENARIO",
    "UNREADABLE",
    "VERDICTS",
    "WEAK_FIT",
    "EducationSpec",
    "InvalidAnswers",
    "ItemFigures",
    "ItemSpec",
    "OptionSpec",
    "Profile",
    "ProfileError",
    "TraitSpec",
    "check_answers",
]

# 2: behaviour evidence and response quality; 3: standard errors, decisions with a margin,
# the adaptive second stage. Stored with each result; older results are shown as stored.
RULES_CURRENT = 3

# How many standard errors a score must be from a line for the decision to be clear. Chosen
# with bench/measurement.py (its trade-off table of z against retest consistency, the
# share left uncertain and the items answered is in docs/scoring.md): see the comment there.
Z_MARGIN = 1.0
# A knockout tells a person the post does not suit them whatever else they bring: the
# costliest mistake the tool can make, and the one the second edition made most (about one
# in seven who truly clear every knockout). So a knockout needs the score to lie this many
# standard errors under its line (clearing it needs the usual Z_MARGIN above it); between,
# the knockout is uncertain, the second stage asks more, and it never decides while
# uncertain. Chosen with the benchmark (docs/scoring.md).
Z_KNOCKOUT = 2.0

# Self-report and behaviour evidence this many points apart (0-100) or more are worth saying
# out loud; where the self-report is the higher, the trait is scored on behaviour alone.
# A quarter of the scale is more than one answer can move a trait with two or more
# behaviour items (one point of a 0-4 scenario option moves it by at most 12.5), so a gap
# that size is a pattern across answers, not one choice.
EVIDENCE_GAP = 25
SELF_HIGHER = "self_higher"
BEHAVIOUR_HIGHER = "behaviour_higher"

# What a trait's score rests on.
BLEND = "blend"
BEHAVIOUR_ONLY = "behaviour"

# A score's standing against a line.
BELOW = "below"
UNCERTAIN = "uncertain"
CLEAR = "clear"
# The lines of a trait and of the overall fit.
KNOCKOUT_LINE = "knockout"
FIT_LINE = "fit"
PARTIAL_LINE = "partial"

# The adaptive second stage: at most this many pages of at most this many reserve items.
# Two pages of eight keep the longest visit within the 90th-percentile target (18 items
# more than the core), and one page is what most who see the stage at all get.
STAGE_TWO_PAGES = 2
STAGE_TWO_PAGE_ITEMS = 8

# Scores are kept to four decimals so that a stored result compares equal after a JSON
# round trip through any database.
PRECISION = 4


def evidence_gap(*, self_score: float | None, behaviour_score: float | None) -> str | None:
    """``SELF_HIGHER``, ``BEHAVIOUR_HIGHER`` or None: which evidence is ``EVIDENCE_GAP`` ahead."""
    if self_score is None or behaviour_score is None:
        return None
    if self_score - behaviour_score >= EVIDENCE_GAP:
        return SELF_HIGHER
    if behaviour_score - self_score >= EVIDENCE_GAP:
        return BEHAVIOUR_HIGHER
    return None


def standing(*, low: float, high: float, line: float) -> str:
    """``BELOW``, ``UNCERTAIN`` or ``CLEAR``: where the band low-high stands against a line."""
    if high < line:
        return BELOW
    if low >= line:
        return CLEAR
    return UNCERTAIN


@dataclass(frozen=True, kw_only=True)
class TraitResult:
    key: str
    score: float
    required_level: int
    weight: int
    match: float
    gap: float
    knocked_out: bool
    # 0-100; None when the trait has no (answered) item of that kind.
    self_score: float | None = None
    behaviour_score: float | None = None
    # The standard errors (None in results stored before RULES_CURRENT), the band
    # score +- z x se clipped to 0-100, and the answers each part rests on.
    se: float | None = None
    self_se: float | None = None
    behaviour_se: float | None = None
    low: float | None = None
    high: float | None = None
    self_items: int = 0
    behaviour_items: int = 0
    basis: str = BLEND
    # (line, its level, standing) for each line the trait has: knockout, fit, partial.
    lines: tuple[tuple[str, float, str], ...] = ()

    @property
    def evidence_gap(self) -> str | None:
        return evidence_gap(self_score=self.self_score, behaviour_score=self.behaviour_score)

    def standing(self, line: str) -> str | None:
        return next((state for name, _level, state in self.lines if name == line), None)

    def level(self, line: str) -> float | None:
        return next((level for name, level, _state in self.lines if name == line), None)

    @property
    def uncertain_lines(self) -> tuple[str, ...]:
        return tuple(name for name, _level, state in self.lines if state == UNCERTAIN)


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
    # The overall fit's standard error, band and standing on fit / partial thresholds.
    overall_se: float | None = None
    overall_low: float | None = None
    overall_high: float | None = None
    overall_lines: tuple[tuple[str, float, str], ...] = ()
    # Whether the bands allow one verdict only; if not, the other verdict they allow and
    # the traits whose uncertainty alone can move it (and whether the overall fit's can).
    verdict_sure: bool = True
    verdict_alternative: str | None = None
    deciding_traits: tuple[str, ...] = ()
    overall_deciding: bool = False
    # The figures the decisions used: z, the knockout's z, and the item figures
    # (specs.ItemFigures.to_dict).
    z: float | None = None
    knockout_z: float | None = None
    figures: dict[str, Any] | None = None
    # Reserve items answered in the second stage (web) or on paper.
    reserve_items: tuple[str, ...] = ()

    @property
    def flagged(self) -> bool:
        return bool(self.quality_flags)

    def trait(self, key: str) -> TraitResult:
        return next(trait for trait in self.traits if trait.key == key)

    @property
    def uncertain_traits(self) -> tuple[str, ...]:
        return tuple(trait.key for trait in self.traits if trait.uncertain_lines)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; ``result_from_dict`` turns it back into a ``Result``.

        Compact, since every completed assessment stores one: a field at its default is
        left out (``result_from_dict`` gives the default back), and the traits are a table,
        their field names once (``columns``) and a row of values per trait.
        """
        data = without_defaults(self)
        for key, value in data.items():
            if isinstance(value, tuple):
                data[key] = [list(entry) if isinstance(entry, tuple) else entry for entry in value]
        data["traits"] = {
            "columns": list(TRAIT_COLUMNS),
            "rows": [
                [
                    [list(line) for line in trait.lines] if name == "lines" else value
                    for name, value in zip(TRAIT_COLUMNS, astuple(trait), strict=True)
                ]
                for trait in self.traits
            ],
        }
        return data


TRAIT_COLUMNS = tuple(spec.name for spec in fields(TraitResult))


def without_defaults(instance) -> dict[str, Any]:
    """The dataclass ``instance``'s fields as ``asdict`` gives them, less those at their
    default value."""
    data = asdict(instance)
    for spec in fields(instance):
        if spec.default is not MISSING and data[spec.name] == spec.default:
            del data[spec.name]
        elif spec.default_factory is not MISSING and data[spec.name] == spec.default_factory():
            del data[spec.name]
    return data


def _lines(data) -> tuple[tuple[str, float, str], ...]:
    return tuple(tuple(line) for line in data or ())


def stored_traits(traits: Mapping[str, Any] | list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A stored result's traits, one dict each: from the table ``to_dict`` writes, or as
    results stored before it kept them (a dict per trait)."""
    if isinstance(traits, Mapping):
        return [dict(zip(traits["columns"], row, strict=True)) for row in traits["rows"]]
    return list(traits)


def result_from_dict(data: Mapping[str, Any]) -> Result:
    """The ``Result`` of a stored ``to_dict``, whichever rules it was scored by.

    Keys a result stored by earlier rules lacks take empty values (no errors, no bands, a
    sure verdict, rules 1 where no ``rules`` key was stored), so it is shown as it was.
    """
    return Result(
        verdict=data["verdict"],
        overall_fit=data["overall_fit"],
        traits=tuple(
            TraitResult(**{**trait, "lines": _lines(trait.get("lines"))})
            for trait in stored_traits(data["traits"])
        ),
        knockouts=tuple(data["knockouts"]),
        mismatches=tuple(data["mismatches"]),
        strengths=tuple(data["strengths"]),
        misconceptions=tuple(data["misconceptions"]),
        direct_service_share=data["direct_service_share"],
        suggested_role=data["suggested_role"],
        education_field=data["education_field"],
        education_match=data["education_match"],
        rules=data.get("rules", 1),
        scenario_choices=tuple(tuple(pair) for pair in data.get("scenario_choices", ())),
        knowledge_choices=tuple(tuple(pair) for pair in data.get("knowledge_choices", ())),
        quality_flags=tuple(data.get("quality_flags", ())),
        quality_warnings=tuple(data.get("quality_warnings", ())),
        overall_se=data.get("overall_se"),
        overall_low=data.get("overall_low"),
        overall_high=data.get("overall_high"),
        overall_lines=_lines(data.get("overall_lines")),
        verdict_sure=data.get("verdict_sure", True),
        verdict_alternative=data.get("verdict_alternative"),
        deciding_traits=tuple(data.get("deciding_traits", ())),
        overall_deciding=data.get("overall_deciding", False),
        z=data.get("z"),
        knockout_z=data.get("knockout_z"),
        figures=data.get("figures"),
        reserve_items=tuple(data.get("reserve_items", ())),
    )


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


def verdict_for(*, knocked_out: bool, fit: bool, partial: bool) -> str:
    """The verdict once each rule has been read as passed or failed."""
    if knocked_out:
        return NOT_A_FIT
    if fit:
        return FIT
    if partial:
        return PARTIAL_FIT
    return WEAK_FIT


# --- Lookup tables ------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class _TraitTable:
    spec: TraitSpec
    # Per item kind group: (code, item) in profile order.
    likert: tuple[ItemSpec, ...]
    behaviour: tuple[ItemSpec, ...]
    # The mean error variance of one likert / behaviour item of this trait (all of them).
    likert_error: float
    behaviour_error: float
    # The lines, rounded as stored: (name, level).
    lines: tuple[tuple[str, float], ...]


@dataclass(frozen=True, kw_only=True)
class _Tables:
    traits: tuple[_TraitTable, ...]
    figures: ItemFigures
    beliefs: tuple[ItemSpec, ...]
    preferences: tuple[ItemSpec, ...]
    backgrounds: tuple[ItemSpec, ...]
    education: dict[str, bool]
    total_weight: int
    reserve: frozenset[str]


def _check_profile(profile: Profile) -> None:
    if not profile.traits:
        raise ProfileError("the profile has no traits")
    if not 0 <= profile.behaviour_share <= 1:
        raise ProfileError("behaviour_share must be between 0 and 1")
    if not 0 <= profile.min_match_partial <= profile.min_match_fit <= 1:
        raise ProfileError("min_match_partial <= min_match_fit, both between 0 and 1")
    numerator, denominator = profile.direct_service_share_needed
    if not (denominator >= 1 and 0 <= numerator <= denominator):
        raise ProfileError("direct_service_share_needed must be a fraction from 0/n to n/n")
    keys = {trait.key for trait in profile.traits}
    for item in profile.items:
        if item.kind not in ITEM_KINDS:
            raise ProfileError(f"item {item.code} is of unknown kind {item.kind!r}")
        if item.kind in (LIKERT, SCENARIO, KNOWLEDGE) and (
            item.trait_key not in keys and item.trait_key not in profile.unweighed_traits
        ):
            raise ProfileError(f"item {item.code} measures unknown trait {item.trait_key!r}")
        if item.kind == CHECK and item.trait_key is not None:
            raise ProfileError(f"check item {item.code} measures no trait")
        if item.kind == KNOWLEDGE:
            scores = [option.score for option in item.options]
            if any(score not in (0, 1) for score in scores) or scores.count(1) != 1:
                raise ProfileError(
                    f"knowledge item {item.code} needs one option scoring 1, the others 0"
                )
        if item.reserve and item.kind not in (LIKERT, SCENARIO, KNOWLEDGE):
            raise ProfileError(f"reserve item {item.code} must measure a trait")


def _build_tables(profile: Profile, figures: ItemFigures) -> _Tables:
    _check_profile(profile)
    quality.key_for(profile)  # checks the sections
    traits = []
    for trait in profile.traits:
        mine = [item for item in profile.items if item.trait_key == trait.key]
        likert = tuple(item for item in mine if item.kind == LIKERT)
        behaviour = tuple(item for item in mine if item.kind in BEHAVIOUR_KINDS)
        if not likert and not behaviour:
            raise ProfileError(f"trait {trait.key} has no items")
        required = trait.required_level
        lines = []
        if trait.knockout_below is not None:
            lines.append((KNOCKOUT_LINE, float(trait.knockout_below)))
        lines.append((FIT_LINE, round(required * profile.min_match_fit, PRECISION)))
        lines.append((PARTIAL_LINE, round(required * profile.min_match_partial, PRECISION)))

        def mean_error(items):
            if not items:
                return 0.0
            return sum(figures.for_kind(item.kind).error_variance for item in items) / len(items)

        traits.append(
            _TraitTable(
                spec=trait,
                likert=likert,
                behaviour=behaviour,
                likert_error=mean_error(likert),
                behaviour_error=mean_error(behaviour),
                lines=tuple(lines),
            )
        )
    return _Tables(
        traits=tuple(traits),
        figures=figures,
        beliefs=tuple(item for item in profile.items if item.kind == BELIEF),
        preferences=tuple(item for item in profile.items if item.kind == PREFERENCE),
        backgrounds=tuple(item for item in profile.items if item.kind == BACKGROUND),
        education={
            code: any(f.preferred for f in profile.education_fields if f.code == code)
            for code in {field.code for field in profile.education_fields}
        },
        total_weight=sum(trait.weight for trait in profile.traits),
        reserve=frozenset(item.code for item in profile.items if item.reserve),
    )


def _tables_for(profile: Profile, figures: ItemFigures) -> _Tables:
    """The profile's tables for these figures, built once and kept on the profile."""
    kept = profile.__dict__.get("_tables")
    if kept is None or kept.figures != figures:
        kept = _build_tables(profile, figures)
        object.__setattr__(profile, "_tables", kept)
    return kept


# --- Scoring ------------------------------------------------------------------------------


def _phi(x: float) -> float:
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, PRECISION)


def _band(score: float, se: float, z: float) -> tuple[float, float]:
    return max(0.0, round(score - z * se, PRECISION)), min(100.0, round(score + z * se, PRECISION))


def _trait_result(
    table: _TraitTable, values: Mapping[str, str], share: float, z: float, knockout_z: float
) -> tuple[TraitResult, float, float]:
    """The trait's result, its unrounded match, and its unrounded standard error."""
    likert = [item_score(item, values[item.code]) for item in table.likert if item.code in values]
    behaviour = [
        item_score(item, values[item.code]) for item in table.behaviour if item.code in values
    ]
    self_score = 100 * sum(likert) / len(likert) if likert else None
    behaviour_score = 100 * sum(behaviour) / len(behaviour) if behaviour else None
    self_se = math.sqrt(table.likert_error / len(likert)) if likert else None
    behaviour_se = math.sqrt(table.behaviour_error / len(behaviour)) if behaviour else None
    basis = BLEND
    if self_score is None:
        score, se = behaviour_score, behaviour_se
    elif behaviour_score is None:
        score, se = self_score, self_se
    else:
        score = (1 - share) * self_score + share * behaviour_score
        se = math.sqrt(((1 - share) * self_se) ** 2 + (share * behaviour_se) ** 2)
    if score is None or se is None:
        raise ProfileError(f"trait {table.spec.key} has no answered items")
    blend_high = _band(round(score, PRECISION), se, z)[1]
    if (
        basis == BLEND
        and self_score is not None
        and behaviour_score is not None
        and round(self_score, PRECISION) - round(behaviour_score, PRECISION) >= EVIDENCE_GAP
    ):
        # The self-report is far above the behaviour evidence: the behaviour speaks for the
        # trait. But a low behaviour score is also where its own error has pulled it down,
        # so a line counts as failed only if the blend fails it too.
        score, se, basis = behaviour_score, behaviour_se, BEHAVIOUR_ONLY
    spec = table.spec
    shown = round(score, PRECISION)
    low, high = _band(shown, se, z)
    wide_high = _band(shown, se, max(z, knockout_z))[1]
    lines = []
    for name, level in table.lines:
        if name == KNOCKOUT_LINE:
            # Clearly below needs the wide band; clearly at or above the usual one.
            state = standing(low=low, high=wide_high, line=level)
        else:
            state = standing(low=low, high=high, line=level)
        if basis == BEHAVIOUR_ONLY and state == BELOW and blend_high >= level:
            state = UNCERTAIN
        lines.append((name, level, state))
    lines = tuple(lines)
    match = trait_match(score=score, required_level=spec.required_level)
    result = TraitResult(
        key=spec.key,
        score=shown,
        required_level=spec.required_level,
        weight=spec.weight,
        match=round(match, PRECISION),
        gap=round(max(0.0, spec.required_level - score), PRECISION),
        # A knockout acts only on what is clear.
        knocked_out=any(name == KNOCKOUT_LINE and state == BELOW for name, _, state in lines),
        self_score=_r(self_score),
        behaviour_score=_r(behaviour_score),
        se=_r(se),
        self_se=_r(self_se),
        behaviour_se=_r(behaviour_se),
        low=low,
        high=high,
        self_items=len(likert),
        behaviour_items=len(behaviour),
        basis=basis,
        lines=lines,
    )
    return result, match, se


# ``_decide``: every uncertain line failed but the knockouts (which pass).
GRADED_FAIL = "graded_fail"


def _decide(
    traits: tuple[TraitResult, ...],
    overall: Mapping[str, str],
    overall_point: Mapping[str, bool],
    *,
    uncertain_passes: bool | str | None,
    only: str | None = None,
    only_passes: bool | None = None,
) -> str:
    """The verdict with each line read as passed or failed.

    ``uncertain_passes``: None reads the fit and partial lines at the point score (and an
    uncertain knockout as passed: it never decides); True / False reads every uncertain
    line as passed / failed. ``only`` (a trait key, or "overall") with ``only_passes``
    overrides that for its uncertain lines.
    """

    def passes(key: str, name: str, state: str, point_passes: bool) -> bool:
        if state != UNCERTAIN:
            return state == CLEAR
        if key == only:
            return only_passes
        if uncertain_passes is None:
            return True if name == KNOCKOUT_LINE else point_passes
        if uncertain_passes == GRADED_FAIL:
            return name == KNOCKOUT_LINE
        return uncertain_passes

    knocked_out = False
    fit = passes("overall", FIT_LINE, overall[FIT_LINE], overall_point[FIT_LINE])
    partial = passes("overall", PARTIAL_LINE, overall[PARTIAL_LINE], overall_point[PARTIAL_LINE])
    for trait in traits:
        for name, level, state in trait.lines:
            passed = passes(trait.key, name, state, trait.score >= level)
            if name == KNOCKOUT_LINE:
                knocked_out = knocked_out or not passed
            elif name == FIT_LINE:
                fit = fit and passed
            else:
                partial = partial and passed
    return verdict_for(knocked_out=knocked_out, fit=fit, partial=partial)


def score(
    *,
    profile: Profile,
    answers: Mapping[str, Any],
    section_seconds: Mapping[int, float] | None = None,
    figures: ItemFigures | None = None,
    z: float = Z_MARGIN,
    knockout_z: float = Z_KNOCKOUT,
) -> Result:
    """Score a set of answers (every core item; reserve items as answered).

    ``section_seconds``: section number (1-based) -> seconds the visitor spent on it, from
    the server's clock (web only; None on paper), for the ``too_fast`` warning.
    ``figures``: the version's item figures (the profile's own when None).
    """
    figures = figures or profile.figures
    tables = _tables_for(profile, figures)
    values = check_answers(profile=profile, answers=answers)
    for trait in tables.traits:
        for item in trait.behaviour:
            if item.code in values and item.kind == SCENARIO:
                option = next(option for option in item.options if option.code == values[item.code])
                if option.score is None:
                    raise ProfileError(f"option {option.code} of scenario {item.code} has no score")
    read = quality.read(profile, values, section_seconds)
    share = profile.behaviour_share

    trait_results = []
    weighted_match = 0.0
    overall_variance = 0.0
    for table in tables.traits:
        trait_result, match, se = _trait_result(table, values, share, z, knockout_z)
        trait_results.append(trait_result)
        weighted_match += trait_result.weight * match
        required = table.spec.required_level
        if required and se > 0:
            # d overall / d score = 100 w / (required W) while the true score is under the
            # required level (the match is capped at 1 above it): its probability.
            below = _phi((required - trait_result.score) / se)
            overall_variance += (100 * trait_result.weight / required * below * se) ** 2
    traits = tuple(trait_results)
    overall_fit = round(100 * weighted_match / tables.total_weight, PRECISION)
    overall_se = math.sqrt(overall_variance) / tables.total_weight
    overall_low, overall_high = _band(overall_fit, overall_se, z)
    overall_lines = (
        (FIT_LINE, float(profile.fit_threshold)),
        (PARTIAL_LINE, float(profile.partial_threshold)),
    )
    overall = {
        name: standing(low=overall_low, high=overall_high, line=level)
        for name, level in overall_lines
    }
    overall_point = {name: overall_fit >= level for name, level in overall_lines}

    flags = read.flags
    deciding: list[str] = []
    overall_deciding = False
    if flags:
        verdict, sure, alternative = UNREADABLE, True, None
    else:
        verdict = _decide(traits, overall, overall_point, uncertain_passes=None)
        best = _decide(traits, overall, overall_point, uncertain_passes=True)
        worst = _decide(traits, overall, overall_point, uncertain_passes=False)
        sure = best == worst
        alternative = None
        if not sure:
            # The nearest other verdict: the one below short of a knockout (what the graded
            # lines give when they fall short), else the worst, else the best.
            graded = _decide(traits, overall, overall_point, uncertain_passes=GRADED_FAIL)
            alternative = next(
                candidate for candidate in (graded, worst, best) if candidate != verdict
            )
            for key in (*(trait.key for trait in traits if trait.uncertain_lines), "overall"):
                if key == "overall" and UNCERTAIN not in overall.values():
                    continue
                moves = (
                    _decide(
                        traits,
                        overall,
                        overall_point,
                        uncertain_passes=False,
                        only=key,
                        only_passes=True,
                    )
                    != worst
                    or _decide(
                        traits,
                        overall,
                        overall_point,
                        uncertain_passes=True,
                        only=key,
                        only_passes=False,
                    )
                    != best
                )
                if moves and key == "overall":
                    overall_deciding = True
                elif moves:
                    deciding.append(key)

    knockouts = tuple(trait.key for trait in traits if trait.knocked_out)
    # sorted() is stable, so ties keep the profile's order.
    mismatches = tuple(
        trait.key
        for trait in sorted(
            (trait for trait in traits if trait.score < trait.required_level),
            key=lambda trait: -trait.weight * trait.gap,
        )
    )
    strengths = tuple(
        trait.key
        for trait in sorted(
            (trait for trait in traits if trait.score >= trait.required_level),
            key=lambda trait: -trait.weight,
        )
    )

    direct = [
        next(option.direct_service for option in item.options if option.code == values[item.code])
        for item in tables.preferences
    ]
    preference_count = len(direct)
    direct_service_count = sum(direct)
    direct_service_share = (
        round(100 * direct_service_count / preference_count, PRECISION)
        if preference_count
        else None
    )
    numerator, denominator = profile.direct_service_share_needed
    suggest = bool(preference_count and profile.similar_role_slug) and (
        direct_service_count * denominator <= numerator * preference_count
        if profile.suggest_when_less_direct
        else direct_service_count * denominator >= numerator * preference_count
    )
    education_field = education_match = None
    for item in tables.backgrounds:
        education_field = values[item.code]
        education_match = tables.education[education_field]

    def choices(kind):
        return tuple(
            (item.code, values[item.code])
            for item in profile.items
            if item.kind == kind and item.code in values
        )

    return Result(
        verdict=verdict,
        overall_fit=overall_fit,
        traits=traits,
        knockouts=knockouts,
        mismatches=mismatches,
        strengths=strengths,
        misconceptions=tuple(
            item.code for item in tables.beliefs if values[item.code] != item.keyed_answer
        ),
        direct_service_share=direct_service_share,
        suggested_role=profile.similar_role_slug if suggest else "",
        education_field=education_field,
        education_match=education_match,
        rules=RULES_CURRENT,
        scenario_choices=choices(SCENARIO),
        knowledge_choices=choices(KNOWLEDGE),
        quality_flags=flags,
        quality_warnings=read.warnings,
        overall_se=_r(overall_se),
        overall_low=overall_low,
        overall_high=overall_high,
        overall_lines=tuple((name, level, overall[name]) for name, level in overall_lines),
        verdict_sure=sure,
        verdict_alternative=alternative,
        deciding_traits=tuple(deciding),
        overall_deciding=overall_deciding,
        z=z,
        knockout_z=max(z, knockout_z),
        figures=figures.to_dict(),
        reserve_items=tuple(
            item.code for item in profile.items if item.reserve and item.code in values
        ),
    )


# --- The adaptive second stage ------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class StageTwo:
    """Where a web assessment's second stage stands, from its answers alone.

    ``pages``: the reserve items of each second-stage page determined so far (a page is
    determined by the answers before it); ``complete``: no page is left to ask;
    ``answers``: the answers that count (the core, and those of the pages), which is what
    the result is scored from: a reserve answer given to a page that a changed core answer
    has since replaced does not count.
    """

    pages: tuple[tuple[str, ...], ...]
    complete: bool
    answers: dict[str, str]
    result: Result | None = None

    @property
    def open_page(self) -> int | None:
        """The number (1-based) of the page to answer now, None when complete."""
        return None if self.complete else len(self.pages)


def reserve_choice(
    profile: Profile,
    answers: Mapping[str, Any],
    *,
    figures: ItemFigures | None = None,
    z: float = Z_MARGIN,
    limit: int = STAGE_TWO_PAGE_ITEMS,
) -> tuple[str, ...]:
    """The reserve items to ask next, or () when the verdict is sure (or unreadable)."""
    result = score(profile=profile, answers=answers, figures=figures, z=z)
    return _reserve_for(profile, result, answers, limit)


def _reserve_for(
    profile: Profile, result: Result, answers: Mapping[str, Any], limit: int
) -> tuple[str, ...]:
    """The traits whose uncertainty alone can move the verdict (``deciding_traits``), or,
    where only the overall fit is uncertain, the three traits adding most to its error;
    from each, in turn, its unanswered reserve items, behaviour items first (they are the
    evidence a flattering self-description cannot move), until ``limit``."""
    if result.verdict_sure or result.flagged:
        return ()
    targets = list(result.deciding_traits)
    if not targets and result.overall_deciding:
        by_error = sorted(
            (trait for trait in result.traits if trait.score < trait.required_level + trait.se),
            key=lambda trait: -trait.weight * trait.se / max(trait.required_level, 1),
        )
        targets = [trait.key for trait in by_error[:3]]
    queues = []
    for key in targets:
        reserve = [
            item
            for item in profile.items
            if item.reserve and item.trait_key == key and item.code not in answers
        ]
        ordered = [item.code for item in reserve if item.kind in BEHAVIOUR_KINDS]
        ordered += [item.code for item in reserve if item.kind == LIKERT]
        if ordered:
            queues.append(ordered)
    chosen: list[str] = []
    while queues and len(chosen) < limit:
        for queue in list(queues):
            if len(chosen) == limit:
                break
            chosen.append(queue.pop(0))
            if not queue:
                queues.remove(queue)
    # In questionnaire order, so a page reads like the sections before it.
    order = {item.code: number for number, item in enumerate(profile.items)}
    return tuple(sorted(chosen, key=order.__getitem__))


def without_items(profile: Profile, codes: frozenset[str] | set[str]) -> Profile:
    """``profile`` without the items ``codes`` (in its items and its sections)."""
    return replace(
        profile,
        items=tuple(item for item in profile.items if item.code not in codes),
        sections=tuple(
            tuple(code for code in section if code not in codes) for section in profile.sections
        ),
    )


def answered_part(profile: Profile, answers: Mapping[str, Any]) -> Profile | None:
    """``profile`` cut down to the items ``answers`` holds, for scoring another role of the
    bank from the answers given to one role's questionnaire.

    None when a weighed trait keeps no item: that role cannot be scored from these answers.
    """
    measured = {item.trait_key for item in profile.items if item.code in answers}
    if any(trait.key not in measured for trait in profile.traits):
        return None
    return without_items(profile, {item.code for item in profile.items} - answers.keys())


def stage_two(
    profile: Profile,
    answers: Mapping[str, Any],
    *,
    figures: ItemFigures | None = None,
    z: float = Z_MARGIN,
    section_seconds: Mapping[int, float] | None = None,
) -> StageTwo:
    """The second stage of a web assessment whose core items are all answered; once
    complete, with the result of the answers that count."""
    reserve = {item.code for item in profile.items if item.reserve}
    counted = {code: value for code, value in answers.items() if code not in reserve}
    pages: list[tuple[str, ...]] = []
    while True:
        result = score(
            profile=profile,
            answers=counted,
            figures=figures,
            z=z,
            section_seconds=section_seconds,
        )
        if len(pages) == STAGE_TWO_PAGES:
            break
        page = _reserve_for(profile, result, counted, STAGE_TWO_PAGE_ITEMS)
        if not page:
            break
        pages.append(page)
        if any(answers.get(code) in (None, "") for code in page):
            return StageTwo(pages=tuple(pages), complete=False, answers=counted)
        counted.update({code: answers[code] for code in page})
    return StageTwo(pages=tuple(pages), complete=True, answers=counted, result=result)
