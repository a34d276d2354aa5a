"""Standard errors, decisions with a margin, the verdict's qualifier, and the item figures:
hand-computed cases and properties."""

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments import figures, scoring
from assessments.scoring import CLEAR, FIT, PARTIAL_FIT, UNCERTAIN
from assessments.specs import PRIOR_FIGURES, ItemFigures, KindFigures, Profile, TraitSpec

from .scoring_cases import (
    answers_for,
    kesra_profile,
    likert,
    questionnaires,
    random_answers,
    scenario,
)

# Error variance of one item = sd^2 (1 - r): statements 20^2 x 0.64 = 256, situations
# 15^2 x 0.64 = 144. Four of each: SE(self) = sqrt(256 / 4) = 8, SE(behaviour) =
# sqrt(144 / 4) = 6; an even blend: sqrt((0.5 x 8)^2 + (0.5 x 6)^2) = 5.
HAND = ItemFigures(
    likert=KindFigures(sd=20.0, r=0.36),
    scenario=KindFigures(sd=15.0, r=0.36),
    knowledge=KindFigures(sd=40.0, r=0.36),
)


def one_trait(required=70, knockout=None, **overrides):
    items = [likert(f"L{n}", "t", reverse=n >= 2) for n in range(4)]
    items += [scenario(f"S{n}", "t") for n in range(4)]  # options A 0, B 2, C 4
    return Profile(
        slug="hand",
        version=1,
        traits=(TraitSpec(key="t", weight=1, required_level=required, knockout_below=knockout),),
        items=tuple(items),
        figures=HAND,
        **overrides,
    )


# Statements keyed 4 (0.75): self 75. Situations C, C, B, B (1, 1, 0.5, 0.5): behaviour 75.
SEVENTY_FIVE = {"L0": "4", "L1": "4", "L2": "2", "L3": "2", "S0": "C", "S1": "C"} | {
    "S2": "B",
    "S3": "B",
}


class TestStandardErrors:
    def test_a_trait_by_hand(self):
        result = scoring.score(profile=one_trait(), answers=SEVENTY_FIVE)
        trait = result.trait("t")
        assert (trait.self_score, trait.behaviour_score, trait.score) == (75.0, 75.0, 75.0)
        assert (trait.self_se, trait.behaviour_se, trait.se) == (8.0, 6.0, 5.0)
        assert (trait.low, trait.high) == (70.0, 80.0)  # 75 +- 1 x 5
        assert (trait.self_items, trait.behaviour_items) == (4, 4)
        assert result.z == scoring.Z_MARGIN == 1.0
        assert result.figures == HAND.to_dict()

    def test_the_overall_fit_by_hand(self):
        # d overall / d score = 100 x 1 / (70 x 1) while the true score is under 70:
        # P = Phi((70 - 75) / 5) = Phi(-1) = 0.158655; SE = 100 / 70 x 0.158655 x 5.
        result = scoring.score(profile=one_trait(), answers=SEVENTY_FIVE)
        expected = 100 / 70 * 0.5 * (1 + math.erf(-1 / math.sqrt(2))) * 5
        assert result.overall_se == round(expected, 4) == 1.1333
        assert result.overall_fit == 100.0

    def test_far_below_the_required_level_the_overall_error_is_the_traits(self):
        # Required 100: Phi((100 - 75) / 5) = Phi(5) ~ 1, so SE(overall) = 100/100 x 5.
        result = scoring.score(profile=one_trait(required=100), answers=SEVENTY_FIVE)
        assert result.overall_se == 5.0

    def test_one_answer_more_narrows_the_band(self):
        profile = one_trait()
        fewer = Profile(
            **{
                **{f: getattr(profile, f) for f in profile.__dataclass_fields__},
                "items": profile.items[:-1],
            }
        )
        answers = {k: v for k, v in SEVENTY_FIVE.items() if k != "S3"}
        # Three situations: SE(behaviour) = sqrt(144 / 3) = 6.9282.
        assert scoring.score(profile=fewer, answers=answers).trait("t").behaviour_se == 6.9282

    def test_the_prior_gives_the_second_editions_error_of_about_ten(self):
        # Four statements and two situations, an even blend:
        # sqrt(0.25 x 280 / 4 + 0.25 x 627.2 / 2) = sqrt(17.5 + 78.4) = 9.79.
        assert PRIOR_FIGURES.likert.error_variance == pytest.approx(280.0)
        assert PRIOR_FIGURES.scenario.error_variance == pytest.approx(627.2)
        items = [likert(f"L{n}", "t", reverse=n == 3) for n in range(4)]
        items += [scenario("S0", "t"), scenario("S1", "t")]
        profile = Profile(
            slug="p",
            version=1,
            traits=(TraitSpec(key="t", weight=1, required_level=60),),
            items=tuple(items),
        )
        answers = {"L0": "4", "L1": "4", "L2": "4", "L3": "2", "S0": "C", "S1": "B"}
        assert scoring.score(profile=profile, answers=answers).trait("t").se == 9.7929


class TestDecisionBands:
    @pytest.mark.parametrize(
        ("low", "high", "line", "expected"),
        [
            (70, 80, 65, CLEAR),
            (70, 80, 70, CLEAR),  # reaching the line is enough
            (70, 80, 70.0001, UNCERTAIN),
            (70, 80, 80, UNCERTAIN),
            (70, 80, 80.0001, scoring.BELOW),
        ],
    )
    def test_standing(self, low, high, line, expected):
        assert scoring.standing(low=low, high=high, line=line) == expected

    @pytest.mark.parametrize(
        ("knockout", "expected"),
        [(70, CLEAR), (71, UNCERTAIN), (85, UNCERTAIN), (86, scoring.BELOW)],
    )
    def test_the_knockout_needs_two_standard_errors(self, knockout, expected):
        # Clear from 75 - 1 x 5 = 70; below only under 75 + 2 x 5 = 85.
        result = scoring.score(profile=one_trait(knockout=knockout), answers=SEVENTY_FIVE)
        trait = result.trait("t")
        assert trait.standing(scoring.KNOCKOUT_LINE) == expected
        assert trait.knocked_out == (expected == scoring.BELOW)
        assert result.knockout_z == scoring.Z_KNOCKOUT == 2.0
        if expected == UNCERTAIN:
            # An uncertain knockout never decides; "tidak cocok" is the alternative.
            assert result.verdict != scoring.NOT_A_FIT
            assert result.verdict_alternative == scoring.NOT_A_FIT
            assert result.deciding_traits == ("t",)

    @pytest.mark.parametrize(
        ("required", "fit", "partial"),
        [
            (80, CLEAR, CLEAR),  # fit line 68, partial 48: 70-80 clears both
            (90, UNCERTAIN, CLEAR),  # fit line 76.5 within 70-80
            (100, scoring.BELOW, CLEAR),  # fit line 85 above 80
            (125, scoring.BELOW, UNCERTAIN),  # partial line 75
        ],
    )
    def test_each_line(self, required, fit, partial):
        trait = scoring.score(profile=one_trait(required=required), answers=SEVENTY_FIVE).trait("t")
        assert trait.standing(scoring.FIT_LINE) == fit
        assert trait.standing(scoring.PARTIAL_LINE) == partial

    def test_an_uncertain_line_is_a_qualified_verdict(self):
        # Required 90: the fit line 76.5 lies within 70-80; the point 75 is under it, so the
        # answers point to "cukup cocok", and "cocok" is what they also allow.
        result = scoring.score(profile=one_trait(required=90), answers=SEVENTY_FIVE)
        assert result.verdict == PARTIAL_FIT
        assert not result.verdict_sure
        assert result.verdict_alternative == FIT
        assert result.deciding_traits == ("t",)
        assert result.uncertain_traits == ("t",)

    def test_a_clear_result_is_sure(self):
        result = scoring.score(profile=one_trait(required=80), answers=SEVENTY_FIVE)
        assert (result.verdict, result.verdict_sure, result.verdict_alternative) == (
            FIT,
            True,
            None,
        )
        assert result.deciding_traits == ()

    def test_the_overall_fit_has_its_lines(self):
        # Required 90: overall 100 x 75/90 = 83.3333, SE 100/90 x Phi(3) x 5 = 5.5481.
        result = scoring.score(profile=one_trait(required=90), answers=SEVENTY_FIVE)
        assert result.overall_fit == 83.3333
        assert result.overall_se == 5.5481
        assert result.overall_lines == (
            (scoring.FIT_LINE, 80.0, UNCERTAIN),
            (scoring.PARTIAL_LINE, 68.0, CLEAR),
        )


class TestItemFigures:
    def test_round_trip_and_the_prior_for_nothing(self):
        assert scoring.ItemFigures.from_dict(HAND.to_dict()) == ItemFigures(
            **{kind: HAND.for_kind(kind) for kind in ("likert", "scenario", "knowledge")},
            source="prior",
        )
        assert ItemFigures.from_dict({}) is PRIOR_FIGURES
        assert ItemFigures.from_dict(None) is PRIOR_FIGURES

    def test_too_few_results_keep_the_prior(self):
        assert figures.estimate([], {}, results=figures.MIN_RESULTS - 1) is None

    def test_the_estimate_recovers_known_figures(self):
        # Two statements of one trait sharing a true score: r = 0.5 by construction
        # (true variance = error variance), item sd = sqrt(2) x 0.1 on 0-1 = 14.1 on 0-100.
        rng = random.Random(5)
        rows = []
        for person in range(2000):
            true = rng.gauss(0.5, 0.1)
            rows.append((person, "a", true + rng.gauss(0, 0.1)))
            rows.append((person, "b", true + rng.gauss(0, 0.1)))
        estimate = figures.estimate(
            rows, {"a": ("likert", "t"), "b": ("likert", "t")}, results=2000
        )
        assert estimate.source == "estimate" and estimate.results == 2000
        assert estimate.likert.r == pytest.approx(0.5, abs=0.05)
        assert estimate.likert.sd == pytest.approx(14.14, abs=0.7)
        # No situations among the rows: their figures stay the prior's.
        assert estimate.scenario == PRIOR_FIGURES.scenario


# --- Properties ---------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(questionnaires(required=st.integers(0, 30), behaviour_per_trait=(0, 3)))
def test_a_score_far_above_every_line_is_never_uncertain(profile):
    # Ideal answers, every line at most 30: most traits stand far above all their lines.
    result = scoring.score(profile=profile, answers=answers_for(profile))
    far_traits = 0
    for trait in result.traits:
        far = trait.score - result.knockout_z * trait.se >= max(
            level for _name, level, _state in trait.lines
        )
        if far:
            far_traits += 1
            assert trait.uncertain_lines == ()
            assert trait.key not in result.deciding_traits
    overall_far = result.overall_fit - result.z * result.overall_se >= profile.fit_threshold
    if far_traits == len(result.traits) and overall_far and not result.quality_flags:
        assert result.verdict_sure


@st.composite
def with_reserve(draw):
    profile = draw(questionnaires(behaviour_per_trait=(1, 3)))
    reserve = []
    for trait in profile.traits:
        for n in range(draw(st.integers(0, 3))):
            reserve.append(likert(f"XL{trait.key}{n}", trait.key, reserve=True))
        for n in range(draw(st.integers(0, 3))):
            reserve.append(scenario(f"XS{trait.key}{n}", trait.key, reserve=True))
    profile = Profile(
        **{
            **{f: getattr(profile, f) for f in profile.__dataclass_fields__},
            "items": (*profile.items, *reserve),
        }
    )
    answers = draw(random_answers(profile))
    some = {item.code for item in profile.items if item.reserve and draw(st.booleans())}
    return profile, answers, some


@settings(max_examples=200, deadline=None)
@given(with_reserve())
def test_adding_answers_never_widens_a_band(case):
    profile, answers, left_out = case
    reserve = {item.code for item in profile.items if item.reserve}
    fewer = {code: value for code, value in answers.items() if code not in left_out}
    fewest = {code: value for code, value in answers.items() if code not in reserve}
    results = [scoring.score(profile=profile, answers=one) for one in (fewest, fewer, answers)]
    for before, after in zip(results, results[1:], strict=False):
        for was, now in zip(before.traits, after.traits, strict=True):
            for part in ("self_se", "behaviour_se"):
                if getattr(was, part) is not None:
                    assert getattr(now, part) <= getattr(was, part)
            if was.basis == now.basis:
                # The band is score +- z x se (clipped to 0-100 where it reaches an end).
                assert now.se <= was.se


def test_a_fully_random_set_almost_never_gets_cocok():
    profile = kesra_profile()
    rng = random.Random(17)
    fits = 0
    for _ in range(400):
        answers = {}
        for item in profile.items:
            if item.kind in (scoring.LIKERT, scoring.CHECK):
                answers[item.code] = rng.choice(scoring.LIKERT_VALUES)
            elif item.kind == scoring.BELIEF:
                answers[item.code] = rng.choice((scoring.AGREE, scoring.DISAGREE))
            elif item.kind == scoring.BACKGROUND:
                answers[item.code] = profile.education_fields[0].code
            else:
                answers[item.code] = rng.choice(item.options).code
        fits += scoring.score(profile=profile, answers=answers).verdict == FIT
    assert fits / 400 <= 0.005
