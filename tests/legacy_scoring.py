"""The scoring engine as it was before behaviour evidence (commit fe670f4), kept verbatim.

The oracle for ``scoring.RULES_LEGACY``: results stored by this code must re-score to
themselves. Do not change it; it is what those results were computed with.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

LIKERT = "likert"
SCENARIO = "scenario"
BELIEF = "belief"
PREFERENCE = "preference"
BACKGROUND = "background"
ITEM_KINDS = (LIKERT, SCENARIO, BELIEF, PREFERENCE, BACKGROUND)

AGREE = "agree"
DISAGREE = "disagree"
LIKERT_VALUES = ("1", "2", "3", "4", "5")

FIT = "cocok"
PARTIAL_FIT = "cukup_cocok"
WEAK_FIT = "kurang_cocok"
NOT_A_FIT = "tidak_cocok"
VERDICTS = (FIT, PARTIAL_FIT, WEAK_FIT, NOT_A_FIT)

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
    fit_threshold: int = 80
    partial_threshold: int = 68
    direct_service_threshold: int = 67
    similar_role_slug: str = ""
    education_fields: tuple[EducationSpec, ...] = ()


@dataclass(frozen=True, kw_only=True)
class TraitResult:
    key: str
    score: float
    required_level: int
    weight: int
    match: float
    gap: float
    knocked_out: bool


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
    scenario_choices: tuple[tuple[str, str], ...] = field(default=())

    def trait(self, key: str) -> TraitResult:
        return next(trait for trait in self.traits if trait.key == key)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; ``result_from_dict`` turns it back into a ``Result``."""
        data = asdict(self)
        data["scenario_choices"] = [list(pair) for pair in self.scenario_choices]
        for key in ("knockouts", "mismatches", "strengths", "misconceptions"):
            data[key] = list(data[key])
        data["traits"] = [asdict(trait) for trait in self.traits]
        return data


def result_from_dict(data: Mapping[str, Any]) -> Result:
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
        scenario_choices=tuple(tuple(pair) for pair in data["scenario_choices"]),
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
        if item.kind == LIKERT:
            allowed = LIKERT_VALUES
        elif item.kind in (SCENARIO, PREFERENCE):
            allowed = tuple(option.code for option in item.options)
        elif item.kind == BELIEF:
            allowed = (AGREE, DISAGREE)
        else:
            allowed = tuple(education_codes)
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
    """The 0-1 score of a likert or scenario answer."""
    if item.kind == LIKERT:
        v = int(value)
        if item.reverse_keyed:
            v = 6 - v
        return (v - 1) / 4
    option = next(option for option in item.options if option.code == value)
    if option.score is None:
        raise ProfileError(f"option {value} of scenario {item.code} has no score")
    return option.score / 4


def trait_match(*, score: float, required_level: int) -> float:
    if required_level == 0:
        return 1.0
    return min(1.0, score / required_level)


def verdict_for(*, overall_fit: float, knocked_out: bool, profile: Profile) -> str:
    if knocked_out:
        return NOT_A_FIT
    if overall_fit >= profile.fit_threshold:
        return FIT
    if overall_fit >= profile.partial_threshold:
        return PARTIAL_FIT
    return WEAK_FIT


def score(*, profile: Profile, answers: Mapping[str, Any]) -> Result:
    """Score a complete set of answers against a profile."""
    values = check_answers(profile=profile, answers=answers)

    item_scores: dict[str, list[float]] = {trait.key: [] for trait in profile.traits}
    misconceptions: list[str] = []
    scenario_choices: list[tuple[str, str]] = []
    preference_count = direct_service_count = 0
    education_field: str | None = None
    for item in profile.items:
        value = values[item.code]
        if item.kind in (LIKERT, SCENARIO):
            if item.trait_key not in item_scores:
                raise ProfileError(f"item {item.code} measures unknown trait {item.trait_key!r}")
            item_scores[item.trait_key].append(item_score(item, value))
            if item.kind == SCENARIO:
                scenario_choices.append((item.code, value))
        elif item.kind == BELIEF:
            if value != item.keyed_answer:
                misconceptions.append(item.code)
        elif item.kind == PREFERENCE:
            preference_count += 1
            option = next(option for option in item.options if option.code == value)
            direct_service_count += option.direct_service
        else:
            education_field = value

    trait_results = []
    weighted_match = 0.0
    for trait in profile.traits:
        scores = item_scores[trait.key]
        if not scores:
            raise ProfileError(f"trait {trait.key} has no items")
        trait_score = 100 * sum(scores) / len(scores)
        match = trait_match(score=trait_score, required_level=trait.required_level)
        weighted_match += trait.weight * match
        trait_results.append(
            TraitResult(
                key=trait.key,
                score=round(trait_score, PRECISION),
                required_level=trait.required_level,
                weight=trait.weight,
                match=round(match, PRECISION),
                gap=round(max(0.0, trait.required_level - trait_score), PRECISION),
                knocked_out=(
                    trait.knockout_below is not None and trait_score < trait.knockout_below
                ),
            )
        )
    if not trait_results:
        raise ProfileError("the profile has no traits")

    total_weight = sum(trait.weight for trait in trait_results)
    overall_fit = round(100 * weighted_match / total_weight, PRECISION)
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

    direct_service_share = (
        round(100 * direct_service_count / preference_count, PRECISION)
        if preference_count
        else None
    )
    suggested_role = (
        profile.similar_role_slug
        if direct_service_share is not None
        and profile.similar_role_slug
        and direct_service_share >= profile.direct_service_threshold
        else ""
    )
    education_match = None
    if education_field is not None:
        education_match = any(
            field.preferred for field in profile.education_fields if field.code == education_field
        )

    return Result(
        verdict=verdict_for(overall_fit=overall_fit, knocked_out=bool(knockouts), profile=profile),
        overall_fit=overall_fit,
        traits=tuple(trait_results),
        knockouts=knockouts,
        mismatches=mismatches,
        strengths=strengths,
        misconceptions=tuple(misconceptions),
        direct_service_share=direct_service_share,
        suggested_role=suggested_role,
        education_field=education_field,
        education_match=education_match,
        scenario_choices=tuple(scenario_choices),
    )
