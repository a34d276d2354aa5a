"""The plain data the scoring and the response-quality check both read: item kinds, verdict
names, the item, trait and profile specs, the item figures a version holds, and the check
that a set of answers fits a profile.

The floor under the pure core: ``scoring`` and ``quality`` import this module, it imports
neither of them (DESIGN.md section 6, "The pure core has a floor under it").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

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
# The kinds whose 0-1 item score counts towards a trait.
TRAIT_KINDS = (LIKERT, SCENARIO, KNOWLEDGE)

AGREE = "agree"
DISAGREE = "disagree"
LIKERT_VALUES = ("1", "2", "3", "4", "5")

FIT = "cocok"
PARTIAL_FIT = "cukup_cocok"
WEAK_FIT = "kurang_cocok"
NOT_A_FIT = "tidak_cocok"
UNREADABLE = "tidak_dapat_disimpulkan"
VERDICTS = (FIT, PARTIAL_FIT, WEAK_FIT, NOT_A_FIT, UNREADABLE)


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
    # Asked only in the adaptive second stage on the web (every item on paper).
    reserve: bool = False


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
class KindFigures:
    """What one item of a kind tells about a trait, on the 0-100 scale.

    ``sd``: how much one item's score varies between people (standard deviation);
    ``r``: the mean correlation of two items of this kind measuring the same trait.
    Under the classical model of essentially tau-equivalent items an item's error variance
    is sd^2 x (1 - r), so the mean of n such items has the standard error
    sd x sqrt((1 - r) / n): Spearman-Brown's reliability n r / (1 + (n - 1) r) applied to
    the variance of that mean, sd^2 (1 + (n - 1) r) / n, leaves exactly that error.
    """

    sd: float
    r: float

    @property
    def error_variance(self) -> float:
        return self.sd**2 * (1 - self.r)


PRIOR = "prior"
ESTIMATE = "estimate"


@dataclass(frozen=True, kw_only=True)
class ItemFigures:
    """The figures of each item kind that measures a trait, held by a profile version: the
    documented prior below until the version has enough completed results of its own."""

    likert: KindFigures
    scenario: KindFigures
    knowledge: KindFigures
    source: str = PRIOR
    # How many completed results an estimate rests on (0 for the prior).
    results: int = 0

    def for_kind(self, kind: str) -> KindFigures:
        return getattr(self, kind)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"source": self.source, "results": self.results}
        for kind in TRAIT_KINDS:
            figures = self.for_kind(kind)
            data[kind] = {"sd": figures.sd, "r": figures.r}
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> ItemFigures:
        """The figures of a stored ``to_dict``; the prior for an empty or missing one."""
        if not data:
            return PRIOR_FIGURES
        return cls(
            **{kind: KindFigures(sd=data[kind]["sd"], r=data[kind]["r"]) for kind in TRAIT_KINDS},
            source=data.get("source", ESTIMATE),
            results=data.get("results", 0),
        )


# The prior (DESIGN.md 5, "Precision"). Statements: a 1-5 agreement answer varies by about
# 0.8 of a scale point between applicants (20 on the 0-100 scale, where a point is 25), and
# the second edition's four statements per trait reached Cronbach's alpha of 0.55-0.70,
# which Spearman-Brown turns back into r = alpha / (n - (n - 1) alpha) = 0.23-0.37: 0.30.
# Situations: the option score (0-4) varies by about 1.1 points (28), and two situations of
# a trait reached alpha 0.26-0.40, r = 0.15-0.25: 0.20, the usual figure for situational
# judgement items. Knowledge: right or wrong with about 60 % right, sd = sqrt(0.6 x 0.4) =
# 0.49 (49); right/wrong items correlate weakly (phi), 0.15. These give a core trait (four
# statements, two situations, an even blend) a standard error of about 10 points, the
# 10-14 the second edition showed.
PRIOR_FIGURES = ItemFigures(
    likert=KindFigures(sd=20.0, r=0.30),
    scenario=KindFigures(sd=28.0, r=0.20),
    knowledge=KindFigures(sd=49.0, r=0.15),
)


@dataclass(frozen=True, kw_only=True)
class Profile:
    slug: str
    version: int
    traits: tuple[TraitSpec, ...]
    items: tuple[ItemSpec, ...]
    fit_threshold: int = 80
    partial_threshold: int = 68
    behaviour_share: float = 0.5
    min_match_fit: float = 0.85
    min_match_partial: float = 0.6
    # (numerator, denominator): the similar role is suggested when direct-service choices
    # x denominator >= numerator x preference items.
    direct_service_share_needed: tuple[int, int] = (2, 3)
    # True: suggested when the share is at or below the fraction instead (a direct-service
    # role suggesting a planning one).
    suggest_when_less_direct: bool = False
    similar_role_slug: str = ""
    education_fields: tuple[EducationSpec, ...] = ()
    # The item codes of each section, in order: section n (1-based) is sections[n - 1].
    sections: tuple[tuple[str, ...], ...] = ()
    # Traits of the item bank that this role does not weigh: their items are asked (for the
    # bank's other roles) and checked, and score nothing here.
    unweighed_traits: frozenset[str] = frozenset()
    figures: ItemFigures = PRIOR_FIGURES

    def __getstate__(self) -> dict[str, Any]:
        # The lookup tables scoring keeps on the instance are rebuilt on first use; a
        # pickled or copied profile carries its data only.
        return {field.name: getattr(self, field.name) for field in fields(self)}


def allowed_values(profile: Profile, item: ItemSpec) -> tuple[str, ...]:
    if item.kind in (LIKERT, CHECK):
        return LIKERT_VALUES
    if item.kind in (SCENARIO, KNOWLEDGE, PREFERENCE):
        return tuple(option.code for option in item.options)
    if item.kind == BELIEF:
        return (AGREE, DISAGREE)
    if item.kind == BACKGROUND:
        return tuple(field.code for field in profile.education_fields)
    raise ProfileError(f"item {item.code} is of unknown kind {item.kind!r}")


def check_answers(*, profile: Profile, answers: Mapping[str, Any]) -> dict[str, str]:
    """The answers as strings, or ``InvalidAnswers`` naming every problem.

    Every core item needs an answer; a reserve item may have none (the adaptive stage asks
    only some), but an answer it has must be valid.
    """
    problems: dict[str, str] = {}
    clean: dict[str, str] = {}
    known = set()
    for item in profile.items:
        known.add(item.code)
        if item.code not in answers or answers[item.code] in (None, ""):
            if not item.reserve:
                problems[item.code] = "missing"
            continue
        value = str(answers[item.code])
        allowed = allowed_values(profile, item)
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
