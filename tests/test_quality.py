"""Response quality: each flag at its threshold's edge, the simulation behind the
thresholds, and properties."""

import dataclasses
import importlib.util
import math
import random
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments import quality, scoring
from assessments.quality import (
    ACQUIESCENCE,
    INCONSISTENCY,
    INFREQUENCY,
    STRAIGHT_LINING,
    TOO_FAST,
)
from assessments.scoring import InvalidAnswers, Profile, TraitSpec

from .scoring_cases import (
    PRECISE,
    answers_for,
    check,
    kesra_profile,
    likert,
    profiles_and_answers,
    questionnaires,
    random_answers,
    scenario,
)


def statements_profile(positive, reverse, checks=()):
    """One trait with ``positive`` and ``reverse`` statements (+1..., -1...), one scenario,
    and check items (True: agreeing is improbable)."""
    items = [likert(f"+{n}", "t") for n in range(positive)]
    items += [likert(f"-{n}", "t", reverse=True) for n in range(reverse)]
    items.append(scenario("S", "t"))
    items += [
        check(f"C{n}", agreeing_is_improbable=improbable) for n, improbable in enumerate(checks)
    ]
    return Profile(
        slug="q",
        version=1,
        traits=(TraitSpec(key="t", weight=1, required_level=50),),
        items=tuple(items),
    )


def statements(positive=(), reverse=(), checks=()):
    answers = {f"+{n}": value for n, value in enumerate(positive)}
    answers |= {f"-{n}": value for n, value in enumerate(reverse)}
    answers |= {f"C{n}": value for n, value in enumerate(checks)}
    return answers | {"S": "C"}


def assess(profile, answers, **kwargs):
    return quality.assess(profile=profile, answers=answers, **kwargs)


class TestAcquiescence:
    @pytest.mark.parametrize(
        ("positive", "contradictory", "flagged"),
        [("55533", 3, True), ("55333", 2, True), ("53333", 1, False), ("11133", 3, True)]
        + [("33333", 0, False)],
    )
    def test_share_of_contradictory_pairs_at_the_edge(self, positive, contradictory, flagged):
        # 5 (+) and 1 (-): 5 pairs. The (-) statement agreed (5) with two agreed (+)
        # statements: 2/5 = 0.4, the threshold; disagreeing with both counts alike.
        reverse = "1" if positive.startswith("1") else "5"
        result = assess(statements_profile(5, 1), statements(positive, reverse))
        assert (result.pairs, result.contradictory_pairs) == (5, contradictory)
        assert result.contradictory_share == contradictory / 5
        assert (ACQUIESCENCE in result.flags) == flagged

    def test_a_neutral_answer_takes_no_side(self):
        result = assess(statements_profile(5, 1), statements("55555", "3"))
        assert result.contradictory_pairs == 0

    def test_too_few_pairs_raise_no_flag(self):
        result = assess(statements_profile(3, 1), statements("555", "5"))
        assert result.contradictory_share == 1.0
        assert quality.ACQUIESCENCE_MIN_PAIRS == 4
        assert result.flags == ()

    def test_pairs_are_within_one_trait(self):
        profile = Profile(
            slug="q",
            version=1,
            traits=(TraitSpec(key="a", weight=1, required_level=0),)
            + (TraitSpec(key="b", weight=1, required_level=0),),
            items=tuple(likert(f"a{n}", "a") for n in range(4))
            + tuple(likert(f"b{n}", "b", reverse=True) for n in range(4)),
        )
        result = assess(profile, dict.fromkeys((item.code for item in profile.items), "5"))
        assert result.pairs == 0
        assert result.contradictory_share is None

    @pytest.mark.parametrize(("flipped", "flagged"), [(4, True), (3, False)])
    def test_the_kesra_questionnaire_flags_from_12_of_29_pairs(self, flipped, flagged):
        # Agreeing with the (-) statement of a 3+1 trait contradicts 3 pairs; with 3 traits
        # and one (-) statement of a 2+2 trait that is 9 + 2 = 11 (0.379), with 4: 12.
        profile = kesra_profile()
        answers = answers_for(profile)
        for trait in profile.traits[:flipped]:
            answers[f"{trait.key}-L3"] = "5"
        if not flagged:
            answers["pengambilan_keputusan-L2"] = "5"
        result = assess(profile, answers)
        assert result.pairs == 29
        assert result.contradictory_pairs == (12 if flagged else 11)
        assert (ACQUIESCENCE in result.flags) == flagged


class TestStraightLining:
    @pytest.mark.parametrize(
        ("positive", "reverse", "share", "flagged"),
        [("4444444", "222", 0.7, True), ("4444443", "222", 0.6, False)],
    )
    def test_modal_share_at_the_edge(self, positive, reverse, share, flagged):
        result = assess(statements_profile(7, 3), statements(positive, reverse))
        assert (result.modal_value, result.modal_share) == (4, share)
        assert (STRAIGHT_LINING in result.flags) == flagged

    def test_nine_statements_are_too_few(self):
        result = assess(statements_profile(6, 3), statements("333333", "333"))
        assert result.modal_share == 1.0
        assert result.flags == ()

    def test_a_tie_names_the_lowest_value(self):
        result = assess(statements_profile(2, 2), statements("55", "11"))
        assert (result.modal_value, result.modal_share) == (1, 0.5)


class TestInfrequency:
    # C0 and C2: agreeing is improbable; C1: disagreeing is.
    @pytest.mark.parametrize(
        ("checks", "improbable"),
        [("411", ("C0", "C1")), ("455", ("C0", "C2")), ("451", ("C0",)), ("333", ())]
        + [("151", ()), ("525", ("C0", "C1", "C2"))],
    )
    def test_two_improbable_answers_flag(self, checks, improbable):
        profile = statements_profile(2, 2, checks=(True, False, True))
        result = assess(profile, statements("55", "11", checks))
        assert result.check_items == 3
        assert result.improbable_checks == improbable
        assert (INFREQUENCY in result.flags) == (len(improbable) >= 2)


class TestTooFast:
    profile = kesra_profile()  # sections of 13, 13, 13, 13 and 12 questions

    def read(self, seconds):
        return assess(self.profile, answers_for(self.profile), section_seconds=seconds)

    def test_one_and_a_half_seconds_a_question_is_not_too_fast(self):
        result = self.read({1: 19.5, 2: 60.0, 5: 18.0})
        assert result.warnings == ()
        assert (result.fastest_section, result.fastest_seconds_per_question) == (1, 1.5)

    def test_faster_is_a_warning_not_a_flag(self):
        result = self.read({1: 19.4, 2: 60.0, 5: 12.0})
        assert result.warnings == (TOO_FAST,)
        assert result.flags == ()
        assert result.too_fast_sections == (1, 5)
        assert (result.fastest_section, result.fastest_seconds_per_question) == (5, 1.0)

    @pytest.mark.parametrize("seconds", [None, {}, {1: -3.0}, {2: math.nan}, {3: math.inf}])
    def test_no_usable_time_no_warning(self, seconds):
        result = self.read(seconds)
        assert result.warnings == ()
        assert result.fastest_section is None

    @pytest.mark.parametrize("seconds", [{0: 10.0}, {6: 10.0}, {"1": 10.0}])
    def test_a_section_the_profile_lacks_is_an_error(self, seconds):
        with pytest.raises(ValueError, match="section"):
            self.read(seconds)


class TestInTheScore:
    profile = kesra_profile()

    def score(self, answers, **kwargs):
        return scoring.score(profile=self.profile, answers=answers, **kwargs)

    def test_agreeing_with_everything_raises_every_flag(self):
        result = self.score(answers_for(self.profile, statements="5", checks="5"))
        assert result.quality_flags == (
            INCONSISTENCY,
            ACQUIESCENCE,
            STRAIGHT_LINING,
            INFREQUENCY,
        )
        assert result.verdict == scoring.UNREADABLE

    def test_disagreeing_with_everything_is_flagged(self):
        result = self.score(answers_for(self.profile, statements="1", checks="1"))
        # Keyed, the answers swing between 1 and 5 within every trait: inconsistent too.
        assert result.quality_flags == (INCONSISTENCY, ACQUIESCENCE, STRAIGHT_LINING)
        assert result.verdict == scoring.UNREADABLE

    def test_a_flag_wins_over_a_knockout(self):
        answers = answers_for(self.profile, statements="1", behaviour="worst")
        result = self.score(answers, figures=PRECISE)
        assert result.knockouts  # empati: behaviour 0 (self 25), blend 12.5: both < 40
        assert result.verdict == scoring.UNREADABLE

    def test_an_honest_ideal_set_is_not_flagged(self):
        assert self.score(answers_for(self.profile)).quality_flags == ()

    def test_too_fast_warns_beside_the_verdict(self):
        answers = answers_for(self.profile)
        fast = self.score(answers, section_seconds={1: 10.0})
        assert fast.quality_warnings == (TOO_FAST,)
        assert fast.verdict == scoring.FIT
        assert dataclasses.replace(fast, quality_warnings=()) == self.score(answers)

    def test_assess_validates_the_answers_as_score_does(self):
        with pytest.raises(InvalidAnswers):
            assess(self.profile, {**answers_for(self.profile), "C1": "9"})


def bench_model():
    """bench/measurement.py, whose latent-trait model set the thresholds."""
    path = Path(__file__).resolve().parent.parent / "bench" / "measurement.py"
    spec = importlib.util.spec_from_file_location("measurement_model", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("kind", "lowest", "highest"),
    [("honest", 0.0, 0.03), ("random", 0.85, 1.0), ("straight-lining", 0.9, 1.0)],
)
def test_the_benchmark_model_behind_the_thresholds(kind, lowest, highest):
    """A smaller run of the benchmark's simulation: honest answers are rarely flagged,
    careless ones mostly are."""
    model = bench_model()
    profile = kesra_profile()
    rng = random.Random(2026)
    params = model.item_parameters(profile, seed=7, a=model.ASSUMPTIONS)
    crowd = model.people(rng, profile, 600, model.ASSUMPTIONS, kind)
    flagged = sum(
        bool(
            assess(
                profile,
                {
                    item.code: model.answer(rng, profile, params, person, item, model.ASSUMPTIONS)
                    for item in profile.items
                },
            ).flags
        )
        for person in crowd
    )
    assert lowest <= flagged / 600 <= highest


# --- Properties ---------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(questionnaires(), st.sampled_from("15"), st.data())
def test_agreeing_or_disagreeing_with_everything_is_always_flagged(profile, value, data):
    answers = data.draw(random_answers(profile)) | {
        item.code: value for item in profile.items if item.kind in (scoring.LIKERT, scoring.CHECK)
    }
    result = scoring.score(profile=profile, answers=answers)
    assert ACQUIESCENCE in result.quality_flags
    assert result.verdict == scoring.UNREADABLE


@st.composite
def honest_answers(draw, profile):
    """Consistent answers: agreeing (4-5) with each (+) statement and disagreeing (1-2)
    with each (-) one, or the reverse for a weak trait; check items answered on the
    probable side or neutral."""
    strong = {trait.key: draw(st.booleans()) for trait in profile.traits}
    answers = draw(random_answers(profile))
    for item in profile.items:
        if item.kind == scoring.LIKERT:
            agrees = strong[item.trait_key] != item.reverse_keyed
            answers[item.code] = draw(st.sampled_from("45" if agrees else "12"))
        elif item.kind == scoring.CHECK:
            answers[item.code] = draw(st.sampled_from("123" if item.reverse_keyed else "345"))
    return answers


@settings(max_examples=300, deadline=None)
@given(questionnaires().flatmap(lambda p: st.tuples(st.just(p), honest_answers(p))))
def test_an_honest_set_is_never_flagged(case):
    profile, answers = case
    assert scoring.score(profile=profile, answers=answers).quality_flags == ()


@settings(max_examples=300, deadline=None)
@given(profiles_and_answers())
def test_a_flagged_set_is_unreadable_and_never_a_fit(case):
    profile, answers = case
    result = scoring.score(profile=profile, answers=answers)
    assert result.quality_flags == quality.assess(profile=profile, answers=answers).flags
    assert (result.verdict == scoring.UNREADABLE) == bool(result.quality_flags)
    if result.quality_flags:
        assert result.verdict != scoring.FIT


@settings(max_examples=200, deadline=None)
@given(profiles_and_answers(), st.floats(0, 200))
def test_too_fast_never_changes_the_verdict(case, seconds):
    profile, answers = case
    profile = dataclasses.replace(profile, sections=(tuple(answers),))
    timed = scoring.score(profile=profile, answers=answers, section_seconds={1: seconds})
    too_fast = seconds < quality.TOO_FAST_SECONDS_PER_QUESTION * len(answers)
    assert timed.quality_warnings == ((TOO_FAST,) if too_fast else ())
    untimed = scoring.score(profile=profile, answers=answers)
    assert dataclasses.replace(timed, quality_warnings=()) == untimed


def test_every_verdict_pattern_and_evidence_gap_has_its_words():
    from assessments import verdicts

    assert set(verdicts.VERDICT_TEXTS) == set(scoring.VERDICTS)
    assert set(verdicts.QUALITY_TEXTS) == {*quality.QUALITY_FLAGS, *quality.QUALITY_WARNINGS}
    assert set(verdicts.EVIDENCE_GAP_TEXTS) == {scoring.SELF_HIGHER, scoring.BEHAVIOUR_HIGHER}
    for text in verdicts.VERDICT_TEXTS.values():
        assert str(text.label) and str(text.explanation).endswith(".") and text.next_steps
