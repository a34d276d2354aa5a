"""The scoring engine: hand-computed cases and properties of the point rules.

Standard errors, decisions with a margin and the second stage are in
test_scoring_precision.py, response quality in test_quality.py. The tests here score with
``PRECISE`` figures (items with almost no error), so every band is a hair wide and the
verdict is the point rule's, unless a test is about the margin.
Results stored by the first edition are shown as stored (test_first_edition_results.py).
"""

import dataclasses
import json
import pickle
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments import scoring
from assessments.scoring import InvalidAnswers, ItemSpec, OptionSpec, TraitSpec

from .scoring_cases import (
    PRECISE,
    answers_for,
    check,
    kesra_profile,
    knowledge,
    preference,
    profiles_and_answers,
    questionnaires,
    random_answers,
    tiny_answers,
    tiny_profile,
)


def score(*, profile, answers, **kwargs):
    return scoring.score(profile=profile, answers=answers, figures=PRECISE, **kwargs)


# rencana: self 50 (L3 = 3), behaviour 100 (S1 = C): 75, no flattering gap.
BLENDED = {"L3": "3", "S1": "C"}


class TestBlend:
    def test_self_and_behaviour_evidence_blend_by_behaviour_share(self):
        result = score(profile=tiny_profile(), answers=tiny_answers(**BLENDED))

        empati, rencana = result.trait("empati"), result.trait("rencana")
        assert (empati.self_score, empati.behaviour_score) == (75.0, 100.0)  # L1, L2; K1
        assert empati.score == 87.5  # 0.5 x 75 + 0.5 x 100
        assert empati.match == 1.0  # min(1, 87.5/60)
        assert (rencana.self_score, rencana.behaviour_score) == (50.0, 100.0)  # L3; S1 = C
        assert rencana.score == 75.0
        assert rencana.basis == scoring.BLEND
        assert rencana.match == 0.9375  # 75/80
        assert rencana.gap == 5.0
        # 100 x (3 x 1 + 1 x 0.9375) / 4 = 98.4375
        assert result.overall_fit == 98.4375
        assert result.verdict == scoring.FIT
        assert result.rules == scoring.RULES_CURRENT
        assert result.mismatches == ("rencana",)
        assert result.strengths == ("empati",)

    @pytest.mark.parametrize(
        ("share", "empati", "rencana"),
        [(0.0, 75.0, 50.0), (0.25, 81.25, 62.5), (1.0, 100.0, 100.0)],
    )
    def test_behaviour_share_moves_the_blend(self, share, empati, rencana):
        profile = tiny_profile(behaviour_share=share)
        result = score(profile=profile, answers=tiny_answers(**BLENDED))
        assert result.trait("empati").score == empati
        assert result.trait("rencana").score == rencana

    def test_a_trait_with_one_kind_of_evidence_uses_that_one(self):
        profile = tiny_profile(
            items=tuple(item for item in tiny_profile().items if item.code not in ("L3", "K1"))
        )
        answers = {k: v for k, v in tiny_answers().items() if k not in ("L3", "K1")}
        result = score(profile=profile, answers=answers)

        assert result.trait("empati").behaviour_score is None
        assert result.trait("empati").score == 75.0
        assert result.trait("rencana").self_score is None
        assert result.trait("rencana").score == 50.0

    def test_knowledge_scores_one_or_zero_and_is_listed(self):
        wrong = score(profile=tiny_profile(), answers=tiny_answers(K1="A", **BLENDED))
        assert wrong.trait("empati").behaviour_score == 0.0
        assert wrong.knowledge_choices == (("K1", "A"),)
        assert wrong.scenario_choices == (("S1", "C"),)

    def test_check_items_score_no_trait(self):
        profile = tiny_profile(items=(*tiny_profile().items, check("C1"), check("C2")))
        plain = score(profile=tiny_profile(), answers=tiny_answers())
        for value in "15":
            result = score(profile=profile, answers=tiny_answers(C1=value, C2="1"))
            assert result.traits == plain.traits


class TestFlatteringSelfReport:
    """Self-report 25 points or more above the behaviour evidence: behaviour decides."""

    def test_the_trait_is_scored_on_behaviour_alone(self):
        # rencana: self 100 (L3 = 5), behaviour 50 (S1 = B): 50 points apart.
        result = score(profile=tiny_profile(), answers=tiny_answers())
        rencana = result.trait("rencana")
        assert (rencana.self_score, rencana.behaviour_score) == (100.0, 50.0)
        assert rencana.basis == scoring.BEHAVIOUR_ONLY
        assert rencana.score == 50.0  # not the blend's 75
        assert rencana.se == rencana.behaviour_se
        assert rencana.match == 0.625  # 50 / 80: below the fit line, above the partial
        assert result.verdict == scoring.PARTIAL_FIT  # the blend alone would give "cocok"

    @pytest.mark.parametrize(("l3", "basis"), [("4", scoring.BEHAVIOUR_ONLY), ("3", scoring.BLEND)])
    def test_from_exactly_25_points(self, l3, basis):
        # self 75 or 50 against behaviour 50.
        result = score(profile=tiny_profile(), answers=tiny_answers(L3=l3))
        assert result.trait("rencana").basis == basis

    def test_modest_self_report_keeps_the_blend(self):
        # empati: self 75, behaviour 100: the behaviour is the higher one.
        result = score(profile=tiny_profile(), answers=tiny_answers())
        assert result.trait("empati").basis == scoring.BLEND
        assert result.trait("empati").score == 87.5

    def test_a_low_behaviour_score_alone_never_knocks_out(self):
        # empati: self 100 (L1 = 5, L2 = 1), knowledge wrong: behaviour 0, blend 50. With
        # the prior's figures the behaviour band (0 +- 2 x 45.2) reaches above 40; even
        # where it does not, the blend (50) must fail the line too.
        result = scoring.score(profile=tiny_profile(), answers=tiny_answers(L1="5", L2="1", K1="A"))
        empati = result.trait("empati")
        assert empati.basis == scoring.BEHAVIOUR_ONLY
        assert empati.standing(scoring.KNOCKOUT_LINE) == scoring.UNCERTAIN
        assert result.knockouts == ()
        precise = score(profile=tiny_profile(), answers=tiny_answers(L1="5", L2="1", K1="A"))
        # Behaviour band 0 +- 0.2 is below 40, but the blend (50) is not: uncertain.
        assert precise.trait("empati").standing(scoring.KNOCKOUT_LINE) == scoring.UNCERTAIN
        assert precise.verdict != scoring.NOT_A_FIT


class TestEvidenceGap:
    @pytest.mark.parametrize(
        ("self_score", "behaviour_score", "expected"),
        [
            (100.0, 75.0, scoring.SELF_HIGHER),
            (100.0, 75.0001, None),
            (50.0, 75.0, scoring.BEHAVIOUR_HIGHER),
            (50.0001, 75.0, None),
            (None, 75.0, None),
            (80.0, None, None),
        ],
    )
    def test_evidence_gap_of_25_points_or_more(self, self_score, behaviour_score, expected):
        assert (
            scoring.evidence_gap(self_score=self_score, behaviour_score=behaviour_score) == expected
        )

    def test_trait_results_name_their_evidence_gap(self):
        result = score(profile=tiny_profile(), answers=tiny_answers())
        assert result.trait("empati").evidence_gap == scoring.BEHAVIOUR_HIGHER  # 75 vs 100
        assert result.trait("rencana").evidence_gap == scoring.SELF_HIGHER  # 100 vs 50


class TestNonCompensatoryVerdict:
    def test_one_trait_below_min_match_fit_denies_fit_despite_the_overall(self):
        # rencana: L3 = 3 (50), S1 = B (50): 50, match 0.625; empati match 1.
        # 100 x (3 + 0.625) / 4 = 90.625 >= 80, but 0.625 < 0.85; >= 0.6 -> partial.
        result = score(profile=tiny_profile(), answers=tiny_answers(L3="3"))
        assert result.overall_fit == 90.625
        assert result.trait("rencana").match == 0.625
        assert result.verdict == scoring.PARTIAL_FIT

    def test_one_trait_below_min_match_partial_gives_weak_despite_the_overall(self):
        # rencana: L3 = 2 (25), S1 = B (50): 37.5, match 0.46875; overall 100 x 3.46875 / 4.
        result = score(profile=tiny_profile(), answers=tiny_answers(L3="2"))
        assert result.overall_fit == 86.7188  # 86.71875 to four decimals
        assert result.verdict == scoring.WEAK_FIT

    @pytest.mark.parametrize(
        ("min_match_fit", "verdict"), [(0.9375, scoring.FIT), (0.9376, scoring.PARTIAL_FIT)]
    )
    def test_min_match_fit_edge_is_inclusive(self, min_match_fit, verdict):
        profile = tiny_profile(min_match_fit=min_match_fit)  # rencana's match is 0.9375
        assert score(profile=profile, answers=tiny_answers(**BLENDED)).verdict == verdict

    @pytest.mark.parametrize(
        ("min_match_partial", "verdict"), [(0.625, scoring.PARTIAL_FIT), (0.6251, scoring.WEAK_FIT)]
    )
    def test_min_match_partial_edge_is_inclusive(self, min_match_partial, verdict):
        profile = tiny_profile(min_match_partial=min_match_partial)
        result = score(profile=profile, answers=tiny_answers(L3="3"))  # match 0.625
        assert result.verdict == verdict

    def test_a_match_of_exactly_085_from_the_blend_is_enough(self):
        # rencana: self 50, behaviour 100, share 0.36 -> 68.0; 68/80 = 0.85.
        profile = tiny_profile(behaviour_share=0.36)
        result = score(profile=profile, answers=tiny_answers(**BLENDED))
        assert result.trait("rencana").score == 68.0
        assert result.trait("rencana").match == 0.85
        assert result.verdict == scoring.FIT

    @pytest.mark.parametrize(
        ("fit", "partial", "verdict"),
        [(98, 90, scoring.FIT), (99, 98, scoring.PARTIAL_FIT), (99.5, 99, scoring.WEAK_FIT)],
    )
    def test_the_overall_thresholds_still_apply(self, fit, partial, verdict):
        profile = tiny_profile(fit_threshold=fit, partial_threshold=partial)  # overall 98.4375
        assert score(profile=profile, answers=tiny_answers(**BLENDED)).verdict == verdict

    def test_knockout_gives_not_a_fit(self):
        # empati: L1 = 1, L2 = 5 -> self 0; K1 = A -> 0: 0 < 40, the band a hair wide.
        result = score(profile=tiny_profile(), answers=tiny_answers(L1="1", L2="5", K1="A"))
        assert result.trait("empati").score == 0.0
        assert result.knockouts == ("empati",)
        assert result.verdict == scoring.NOT_A_FIT
        assert result.verdict_sure

    def test_knockout_compares_the_shown_score(self):
        # empati self 0, behaviour 100 at share 0.29: 0.29 x 100 = 28.999999999999996 in
        # floating point, shown as 29.0; knockout_below 29 is not hit, as the page would show.
        traits = (
            TraitSpec(key="empati", weight=3, required_level=60, knockout_below=29),
            tiny_profile().traits[1],
        )
        profile = tiny_profile(traits=traits, behaviour_share=0.29)
        result = score(profile=profile, answers=tiny_answers(L1="1", L2="5"))
        assert result.trait("empati").score == 29.0
        assert result.knockouts == ()


class TestOrientation:
    def six_preferences(self, **overrides):
        items = tuple(item for item in tiny_profile().items if item.kind != scoring.PREFERENCE)
        return tiny_profile(
            items=items + tuple(preference(f"P{n}", direct_letter="B") for n in range(6)),
            **overrides,
        )

    def answers(self, direct):
        answers = {k: v for k, v in tiny_answers().items() if not k.startswith("P")}
        return answers | {f"P{n}": "B" if n < direct else "A" for n in range(6)}

    def test_four_of_six_meets_two_thirds_exactly(self):
        four = score(profile=self.six_preferences(), answers=self.answers(4))
        three = score(profile=self.six_preferences(), answers=self.answers(3))
        assert four.direct_service_share == 66.6667
        assert four.suggested_role == "pekerja-sosial"
        assert three.suggested_role == ""

    @pytest.mark.parametrize(
        ("needed", "direct", "suggested"),
        [((1, 2), 3, True), ((1, 2), 2, False), ((0, 1), 0, True), ((1, 1), 5, False)],
    )
    def test_any_fraction_is_compared_exactly(self, needed, direct, suggested):
        profile = self.six_preferences(direct_service_share_needed=needed)
        result = score(profile=profile, answers=self.answers(direct))
        assert bool(result.suggested_role) == suggested

    def test_no_similar_role_no_suggestion(self):
        profile = self.six_preferences(similar_role_slug="")
        assert score(profile=profile, answers=self.answers(6)).suggested_role == ""

    def test_misconceptions_and_education(self):
        result = score(profile=tiny_profile(), answers=tiny_answers(B2="disagree"))
        assert result.misconceptions == ("B1", "B2")
        assert result.education_field == "sosial"
        assert result.education_match is True


class TestTheIssueTable:
    """Each pattern an assessor tried against the old rules, on the fixture's shape."""

    def verdict(self, answers, profile=None):
        return score(profile=profile or kesra_profile(), answers=answers)

    def test_an_honest_strong_candidate_is_a_fit_with_no_flag(self):
        result = self.verdict(answers_for(kesra_profile()))
        assert result.verdict == scoring.FIT
        assert result.overall_fit == 100.0
        assert result.quality_flags == ()

    def test_best_statements_with_the_worst_option_everywhere_is_not_a_fit(self):
        result = self.verdict(answers_for(kesra_profile(), behaviour="worst"))
        # Self 100, behaviour 0 everywhere: flattering self-report, behaviour decides (0).
        assert {trait.score for trait in result.traits} == {0.0}
        assert {trait.basis for trait in result.traits} == {scoring.BEHAVIOUR_ONLY}
        # The blend (50) clears the knockouts, so they stay uncertain and never decide: the
        # verdict is "kurang cocok", with "tidak cocok" the alternative the answers allow.
        assert result.knockouts == ()
        assert result.verdict == scoring.WEAK_FIT
        assert not result.verdict_sure
        assert result.verdict_alternative == scoring.NOT_A_FIT

    def test_five_to_every_statement_is_unreadable(self):
        result = self.verdict(answers_for(kesra_profile(), statements="5", checks="5"))
        assert result.verdict == scoring.UNREADABLE
        assert "acquiescence" in result.quality_flags
        assert "straight_lining" in result.quality_flags

    def test_best_statements_with_option_a_everywhere_is_not_a_fit(self):
        result = self.verdict(answers_for(kesra_profile(), behaviour="first"))
        assert result.verdict != scoring.FIT
        assert result.quality_flags == ()

    def test_everything_ideal_but_the_heaviest_trait_at_the_bottom_is_a_weak_fit(self):
        profile = kesra_profile()
        answers = answers_for(profile)
        for item in profile.items:
            if item.trait_key == "perencanaan":
                answers[item.code] = (
                    ("5" if item.reverse_keyed else "1")
                    if item.kind == scoring.LIKERT
                    else min(item.options, key=lambda option: option.score).code
                )
        result = self.verdict(answers, profile)
        assert result.trait("perencanaan").score == 0.0
        assert result.verdict == scoring.WEAK_FIT

    def test_random_answers_on_the_keyed_side_are_rarely_a_fit(self):
        profile = kesra_profile()
        rng = random.Random(10)
        fits = 0
        for _ in range(500):
            answers = answers_for(profile)
            for item in profile.items:
                if item.kind == scoring.LIKERT:
                    value = rng.choice((3, 4, 5))
                    answers[item.code] = str(6 - value if item.reverse_keyed else value)
                elif item.kind in scoring.BEHAVIOUR_KINDS:
                    answers[item.code] = rng.choice(item.options).code
            fits += self.verdict(answers, profile).verdict == scoring.FIT
        assert fits / 500 < 0.01  # 99.7 % under the old rules


class TestStorage:
    def test_result_survives_a_json_round_trip(self):
        profile = kesra_profile()
        seconds = dict.fromkeys(range(1, 6), 5.0)
        result = score(profile=profile, answers=answers_for(profile), section_seconds=seconds)
        assert result.quality_warnings == ("too_fast",)
        stored = json.loads(json.dumps(result.to_dict()))
        assert stored["rules"] == scoring.RULES_CURRENT
        columns = stored["traits"]["columns"]
        assert stored["traits"]["rows"][0][columns.index("self_score")] == 100.0
        assert "quality_flags" not in stored  # at its default: left out
        assert scoring.result_from_dict(stored) == result

    def test_a_pickled_profile_carries_its_data_not_its_tables(self):
        profile = kesra_profile()
        score(profile=profile, answers=answers_for(profile))
        copy = pickle.loads(pickle.dumps(profile))
        assert copy == profile
        assert "_tables" not in copy.__dict__
        assert len(pickle.dumps(profile)) == len(pickle.dumps(kesra_profile()))


class TestInvalid:
    def test_missing_answer_is_an_error_naming_the_item(self):
        answers = tiny_answers()
        del answers["K1"]
        with pytest.raises(InvalidAnswers) as error:
            score(profile=tiny_profile(), answers=answers)
        assert error.value.problems == {"K1": "missing"}

    @pytest.mark.parametrize(
        ("code", "value"),
        [("L1", "6"), ("L1", 0), ("L1", True), ("S1", "Z"), ("K1", "D"), ("K1", ""), ("B1", "x")]
        + [("P1", "C"), ("E1", "x"), ("L1", None)],
    )
    def test_value_outside_the_item_is_an_error(self, code, value):
        with pytest.raises(InvalidAnswers) as error:
            score(profile=tiny_profile(), answers=tiny_answers(**{code: value}))
        assert list(error.value.problems) == [code]

    def test_numbers_are_read_as_their_text(self):
        as_text = score(profile=tiny_profile(), answers=tiny_answers())
        assert score(profile=tiny_profile(), answers=tiny_answers(L1=4)) == as_text

    def test_foreign_item_is_an_error(self):
        with pytest.raises(InvalidAnswers) as error:
            score(profile=tiny_profile(), answers={**tiny_answers(), "X9": "3"})
        assert "X9" in error.value.problems

    @pytest.mark.parametrize(
        ("overrides", "message"),
        [
            ({"behaviour_share": 1.5}, "behaviour_share"),
            ({"min_match_partial": 0.9}, "min_match"),
            ({"direct_service_share_needed": (3, 2)}, "fraction"),
            ({"direct_service_share_needed": (0, 0)}, "fraction"),
            ({"traits": ()}, "no traits"),
            ({"sections": (("L1", "NOPE"),)}, "NOPE"),
        ],
    )
    def test_a_profile_that_cannot_be_scored_is_a_profile_error(self, overrides, message):
        with pytest.raises(scoring.ProfileError, match=message):
            score(profile=tiny_profile(**overrides), answers=tiny_answers())

    @pytest.mark.parametrize(
        "item",
        [
            knowledge("K2", "empati", correct="Z"),
            ItemSpec(
                code="K2",
                kind=scoring.KNOWLEDGE,
                trait_key="empati",
                options=(OptionSpec(code="A", score=1), OptionSpec(code="B", score=4)),
            ),
            ItemSpec(code="K2", kind=scoring.CHECK, trait_key="empati"),
            ItemSpec(code="K2", kind="essay"),
            ItemSpec(code="K2", kind=scoring.SCENARIO, trait_key="nobody"),
        ],
    )
    def test_a_malformed_item_is_a_profile_error(self, item):
        profile = tiny_profile(items=(*tiny_profile().items, item))
        with pytest.raises(scoring.ProfileError, match="K2"):
            score(profile=profile, answers=tiny_answers(K2="A"))

    def test_trait_without_items_is_a_profile_error(self):
        traits = (*tiny_profile().traits, TraitSpec(key="lonely", weight=1, required_level=50))
        with pytest.raises(scoring.ProfileError, match="lonely"):
            score(profile=tiny_profile(traits=traits), answers=tiny_answers())


# --- Properties ---------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(profiles_and_answers())
def test_every_score_is_within_0_and_100(case):
    profile, answers = case
    result = scoring.score(profile=profile, answers=answers)
    assert 0 <= result.overall_fit <= 100
    for trait in result.traits:
        assert 0 <= trait.score <= 100
        assert 0 <= trait.match <= 1
        for part in (trait.self_score, trait.behaviour_score):
            assert part is None or 0 <= part <= 100
    assert result.verdict in scoring.VERDICTS
    assert {*result.mismatches, *result.strengths} == {trait.key for trait in profile.traits}


@settings(max_examples=300, deadline=None)
@given(profiles_and_answers(), st.data())
def test_raising_a_positively_keyed_answer_never_lowers_trait_or_fit(case, data):
    profile, answers = case
    positive = [
        item
        for item in profile.items
        if item.kind == scoring.LIKERT and not item.reverse_keyed and answers[item.code] != "5"
    ]
    if not positive:
        return
    item = data.draw(st.sampled_from(positive))
    raised = {**answers, item.code: str(int(answers[item.code]) + 1)}

    before = scoring.score(profile=profile, answers=answers).trait(item.trait_key)
    after_result = scoring.score(profile=profile, answers=raised)
    after = after_result.trait(item.trait_key)

    assert after.self_score > before.self_score
    if after.basis != before.basis:
        # The raise opened a flattering gap: the behaviour evidence decides from now on.
        assert after.basis == scoring.BEHAVIOUR_ONLY
        assert after.score == after.behaviour_score
        return
    assert after.score >= before.score
    # Strictly higher wherever the self-report's part is not lost to the four decimals.
    if after.basis == scoring.BLEND and (
        profile.behaviour_share <= 0.99 or after.behaviour_score is None
    ):
        assert after.score > before.score
    assert after_result.overall_fit >= scoring.score(profile=profile, answers=answers).overall_fit


@settings(max_examples=300, deadline=None)
@given(profiles_and_answers())
def test_the_verdict_follows_the_stored_figures(case):
    profile, answers = case
    result = scoring.score(profile=profile, answers=answers)
    stored = scoring.result_from_dict(json.loads(json.dumps(result.to_dict())))

    def verdict(uncertain):
        """The rules on the stored lines; ``uncertain``: None reads the point score (an
        uncertain knockout passing), True / False passes / fails every uncertain line."""

        def passes(name, level, state, score):
            if state != scoring.UNCERTAIN:
                return state == scoring.CLEAR
            if uncertain is None:
                return name == scoring.KNOCKOUT_LINE or score >= level
            if uncertain == "graded":
                return name == scoring.KNOCKOUT_LINE
            return uncertain

        knocked = fit = partial = False
        lines = [(line, stored.overall_fit) for line in stored.overall_lines]
        lines += [(line, trait.score) for trait in stored.traits for line in trait.lines]
        knocked = any(
            not passes(*line, score) for line, score in lines if line[0] == scoring.KNOCKOUT_LINE
        )
        fit = all(passes(*line, score) for line, score in lines if line[0] == scoring.FIT_LINE)
        partial = all(
            passes(*line, score) for line, score in lines if line[0] == scoring.PARTIAL_LINE
        )
        return scoring.verdict_for(knocked_out=knocked, fit=fit, partial=partial)

    assert stored.knockouts == tuple(
        trait.key for trait in stored.traits if trait.standing(scoring.KNOCKOUT_LINE) == "below"
    )
    for trait in stored.traits:
        for name, level, state in trait.lines:
            z = stored.knockout_z if name == scoring.KNOCKOUT_LINE else stored.z
            low = max(0.0, round(trait.score - stored.z * trait.se, 4))
            high = min(100.0, round(trait.score + z * trait.se, 4))
            if trait.basis == scoring.BLEND:
                assert state == scoring.standing(low=low, high=high, line=level)
    if stored.quality_flags:
        assert stored.verdict == scoring.UNREADABLE
        return
    assert stored.verdict == verdict(None)
    assert stored.verdict_sure == (verdict(True) == verdict(False))
    if not stored.verdict_sure:
        nearest = [
            v for v in (verdict("graded"), verdict(False), verdict(True)) if v != stored.verdict
        ]
        assert stored.verdict_alternative == nearest[0]
        assert stored.verdict_alternative != stored.verdict
        assert stored.deciding_traits or stored.overall_deciding


@settings(max_examples=300, deadline=None)
@given(profiles_and_answers())
def test_no_trait_below_min_match_fit_is_ever_a_fit(case):
    """Below its fit line, level x min_match_fit as the result states it (to PRECISION
    decimals: a min_match_fit of 1e-54 draws the line at 0, which a score of 0 reaches)."""
    profile, answers = case
    result = scoring.score(profile=profile, answers=answers)
    lines = [
        round(t.required_level * profile.min_match_fit, scoring.PRECISION) for t in result.traits
    ]
    if any(trait.score < line for trait, line in zip(result.traits, lines, strict=True)):
        assert result.verdict != scoring.FIT


@settings(max_examples=300, deadline=None)
@given(
    questionnaires(required=st.integers(60, 100), behaviour_per_trait=(1, 2)),
    st.floats(0.5, 1),
    st.floats(0.85, 1),
)
def test_self_report_alone_never_reaches_fit(profile, share, min_match_fit):
    # Best statements, worst behaviour: every trait scores at most 50 at a share >= 0.5,
    # and 50 / 60 < 0.85.
    profile = dataclasses.replace(
        profile,
        behaviour_share=share,
        min_match_fit=min_match_fit,
        min_match_partial=min(profile.min_match_partial, min_match_fit),
    )
    result = scoring.score(profile=profile, answers=answers_for(profile, behaviour="worst"))
    assert result.verdict != scoring.FIT


@settings(max_examples=200, deadline=None)
@given(profiles_and_answers(), st.dictionaries(st.integers(1, 1), st.floats(0, 100)))
def test_the_same_input_gives_the_same_output(case, seconds):
    profile, answers = case
    profile = dataclasses.replace(profile, sections=(tuple(answers),))
    first = scoring.score(profile=profile, answers=answers, section_seconds=seconds)
    shuffled = dict(reversed(list(answers.items())))
    assert scoring.score(profile=profile, answers=shuffled, section_seconds=seconds) == first
    again = dataclasses.replace(profile)  # a fresh profile, its tables built anew
    assert json.dumps(first.to_dict()) == json.dumps(
        scoring.score(profile=again, answers=answers, section_seconds=seconds).to_dict()
    )
    assert scoring.result_from_dict(json.loads(json.dumps(first.to_dict()))) == first


@settings(max_examples=200, deadline=None)
@given(questionnaires().flatmap(lambda p: st.tuples(st.just(p), random_answers(p))), st.data())
def test_missing_or_foreign_answers_raise(case, data):
    profile, answers = case
    dropped = data.draw(st.sampled_from(sorted(answers)))
    missing = {code: value for code, value in answers.items() if code != dropped}
    with pytest.raises(InvalidAnswers) as error:
        scoring.score(profile=profile, answers=missing)
    assert dropped in error.value.problems

    with pytest.raises(InvalidAnswers):
        scoring.score(profile=profile, answers={**answers, "ZZ": "1"})
