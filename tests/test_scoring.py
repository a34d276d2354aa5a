"""The scoring engine: hand-computed cases and properties."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments import scoring
from assessments.scoring import (
    EducationSpec,
    InvalidAnswers,
    ItemSpec,
    OptionSpec,
    Profile,
    TraitSpec,
)


def scenario(code, trait_key, scores=(0, 2, 4)):
    return ItemSpec(
        code=code,
        kind=scoring.SCENARIO,
        trait_key=trait_key,
        options=tuple(
            OptionSpec(code=letter, score=value)
            for letter, value in zip("ABCDE", scores, strict=False)
        ),
    )


def preference(code, direct_letter="B"):
    return ItemSpec(
        code=code,
        kind=scoring.PREFERENCE,
        options=(
            OptionSpec(code="A", direct_service=direct_letter == "A"),
            OptionSpec(code="B", direct_service=direct_letter == "B"),
        ),
    )


def tiny_profile(**overrides):
    """Two traits; every number in the tests below can be checked by hand."""
    fields = {
        "slug": "tiny",
        "version": 3,
        "traits": (
            TraitSpec(key="empati", weight=3, required_level=60, knockout_below=40),
            TraitSpec(key="rencana", weight=1, required_level=80),
        ),
        "items": (
            ItemSpec(code="L1", kind=scoring.LIKERT, trait_key="empati"),
            ItemSpec(code="L2", kind=scoring.LIKERT, trait_key="empati", reverse_keyed=True),
            ItemSpec(code="L3", kind=scoring.LIKERT, trait_key="rencana"),
            scenario("S1", "rencana"),
            ItemSpec(code="B1", kind=scoring.BELIEF, keyed_answer=scoring.DISAGREE),
            ItemSpec(code="B2", kind=scoring.BELIEF, keyed_answer=scoring.DISAGREE),
            preference("P1", direct_letter="B"),
            preference("P2", direct_letter="A"),
            preference("P3", direct_letter="B"),
            ItemSpec(code="E1", kind=scoring.BACKGROUND),
        ),
        "fit_threshold": 80,
        "partial_threshold": 68,
        "direct_service_threshold": 67,
        "rules": scoring.RULES_LEGACY,
        "similar_role_slug": "pekerja-sosial",
        "education_fields": (
            EducationSpec(code="sosial", preferred=True),
            EducationSpec(code="teknik", preferred=False),
        ),
    }
    fields.update(overrides)
    return Profile(**fields)


def tiny_answers(**overrides):
    answers = {
        "L1": "4",  # (4-1)/4 = 0.75
        "L2": "2",  # reversed: 6-2 = 4 -> 0.75
        "L3": "5",  # 1.0
        "S1": "B",  # 2/4 = 0.5
        "B1": "agree",  # holds the misconception
        "B2": "disagree",
        "P1": "B",  # direct service
        "P2": "B",  # policy
        "P3": "A",  # policy
        "E1": "sosial",
    }
    answers.update(overrides)
    return answers


class TestHandComputed:
    def test_trait_scores_matches_and_overall_fit(self):
        result = scoring.score(profile=tiny_profile(), answers=tiny_answers())

        empati, rencana = result.trait("empati"), result.trait("rencana")
        assert empati.score == 75.0  # mean(0.75, 0.75) x 100
        assert empati.match == 1.0  # min(1, 75/60)
        assert empati.gap == 0.0
        assert rencana.score == 75.0  # mean(1.0, 0.5) x 100
        assert rencana.match == 0.9375  # 75/80
        assert rencana.gap == 5.0
        # 100 x (3 x 1 + 1 x 0.9375) / 4 = 98.4375
        assert result.overall_fit == 98.4375
        assert result.verdict == scoring.FIT
        assert result.mismatches == ("rencana",)
        assert result.strengths == ("empati",)
        assert result.knockouts == ()

    def test_misconceptions_orientation_education(self):
        result = scoring.score(profile=tiny_profile(), answers=tiny_answers())

        assert result.misconceptions == ("B1",)
        assert result.direct_service_share == pytest.approx(100 / 3, abs=1e-4)
        assert result.suggested_role == ""
        assert result.education_field == "sosial"
        assert result.education_match is True
        assert result.scenario_choices == (("S1", "B"),)

    def test_direct_service_at_threshold_suggests_similar_role(self):
        # P1 B and P2 A are direct service: 2 of 3 = 66.67 < 67; all three = 100.
        two = scoring.score(profile=tiny_profile(), answers=tiny_answers(P2="A"))
        three = scoring.score(profile=tiny_profile(), answers=tiny_answers(P2="A", P3="B"))
        at_threshold = scoring.score(
            profile=tiny_profile(direct_service_threshold=66),
            answers=tiny_answers(P2="A"),
        )

        assert two.suggested_role == ""
        assert three.direct_service_share == 100.0
        assert three.suggested_role == "pekerja-sosial"
        assert at_threshold.suggested_role == "pekerja-sosial"

    def test_education_mismatch(self):
        result = scoring.score(profile=tiny_profile(), answers=tiny_answers(E1="teknik"))
        assert result.education_match is False

    def test_knockout_gives_not_a_fit_whatever_the_overall(self):
        # empati: L1=2 -> 0.25, L2=4 reversed -> 2 -> 0.25: score 25 < 40.
        result = scoring.score(profile=tiny_profile(), answers=tiny_answers(L1="2", L2="4"))

        assert result.trait("empati").score == 25.0
        assert result.knockouts == ("empati",)
        assert result.verdict == scoring.NOT_A_FIT
        # 100 x (3 x 25/60 + 1 x 0.9375) / 4 = 54.6875
        assert result.overall_fit == 54.6875

    def test_partial_and_weak_verdicts_follow_thresholds(self):
        # empati 50: L1=3 (0.5), L2=3 (0.5); match 50/60. rencana 75 -> 0.9375.
        # 100 x (3 x 0.83333 + 0.9375) / 4 = 85.9375 -> fit; with thresholds moved:
        answers = tiny_answers(L1="3", L2="3")
        partial = scoring.score(
            profile=tiny_profile(fit_threshold=90, partial_threshold=85), answers=answers
        )
        weak = scoring.score(
            profile=tiny_profile(fit_threshold=95, partial_threshold=90), answers=answers
        )

        assert partial.overall_fit == 85.9375
        assert partial.verdict == scoring.PARTIAL_FIT
        assert weak.verdict == scoring.WEAK_FIT

    def test_mismatches_ordered_by_weight_times_gap(self):
        # empati 50 (gap 10, weight 3 -> 30); rencana: L3=1, S1=C -> mean(0, 1) = 50
        # (gap 30, weight 1 -> 30): a tie keeps profile order. Then S1=B: rencana 25
        # (gap 55 -> 55) comes first.
        tie = scoring.score(
            profile=tiny_profile(), answers=tiny_answers(L1="3", L2="3", L3="1", S1="C")
        )
        ranked = scoring.score(profile=tiny_profile(), answers=tiny_answers(L1="3", L2="3", L3="1"))

        assert tie.mismatches == ("empati", "rencana")
        assert ranked.trait("rencana").score == 25.0
        assert ranked.mismatches == ("rencana", "empati")

    def test_required_level_zero_is_always_a_match(self):
        profile = tiny_profile(
            traits=(
                TraitSpec(key="empati", weight=3, required_level=0),
                TraitSpec(key="rencana", weight=1, required_level=0),
            )
        )
        result = scoring.score(
            profile=profile, answers=tiny_answers(L1="1", L2="5", L3="1", S1="A")
        )
        assert result.overall_fit == 100.0
        assert result.mismatches == ()

    def test_result_survives_a_json_round_trip(self):
        result = scoring.score(profile=tiny_profile(), answers=tiny_answers())
        stored = json.loads(json.dumps(result.to_dict()))
        assert scoring.result_from_dict(stored) == result


class TestInvalidAnswers:
    def test_missing_answer_is_an_error_naming_the_item(self):
        answers = tiny_answers()
        del answers["L2"]
        with pytest.raises(InvalidAnswers) as error:
            scoring.score(profile=tiny_profile(), answers=answers)
        assert error.value.problems == {"L2": "missing"}

    @pytest.mark.parametrize(
        ("code", "value"),
        [
            ("L1", "6"),
            ("L1", "0"),
            ("L1", "abc"),
            ("S1", "Z"),
            ("B1", "maybe"),
            ("P1", "C"),
            ("E1", "x"),
        ],
    )
    def test_value_outside_the_item_is_an_error(self, code, value):
        with pytest.raises(InvalidAnswers) as error:
            scoring.score(profile=tiny_profile(), answers=tiny_answers(**{code: value}))
        assert list(error.value.problems) == [code]

    def test_foreign_item_is_an_error(self):
        with pytest.raises(InvalidAnswers) as error:
            scoring.score(profile=tiny_profile(), answers={**tiny_answers(), "X9": "3"})
        assert "X9" in error.value.problems

    def test_trait_without_items_is_a_profile_error(self):
        profile = tiny_profile(
            traits=(*tiny_profile().traits, TraitSpec(key="lonely", weight=1, required_level=50))
        )
        with pytest.raises(scoring.ProfileError, match="lonely"):
            scoring.score(profile=profile, answers=tiny_answers())


# --- Properties ---------------------------------------------------------------------------

TRAIT_KEYS = ("a", "b", "c")


@st.composite
def profiles_and_answers(draw):
    traits = []
    for key in TRAIT_KEYS:
        required = draw(st.integers(0, 100))
        knockout = draw(st.one_of(st.none(), st.integers(0, required)))
        traits.append(
            TraitSpec(
                key=key,
                weight=draw(st.integers(1, 5)),
                required_level=required,
                knockout_below=knockout,
            )
        )
    items, answers = [], {}
    for key in TRAIT_KEYS:
        for index in range(draw(st.integers(1, 4))):
            code = f"L{key}{index}"
            items.append(
                ItemSpec(
                    code=code, kind=scoring.LIKERT, trait_key=key, reverse_keyed=draw(st.booleans())
                )
            )
            answers[code] = str(draw(st.integers(1, 5)))
        if draw(st.booleans()):
            code = f"S{key}"
            scores = tuple(draw(st.lists(st.integers(0, 4), min_size=3, max_size=5)))
            items.append(scenario(code, key, scores))
            answers[code] = "ABCDE"[draw(st.integers(0, len(scores) - 1))]
    for index in range(draw(st.integers(0, 4))):
        code = f"P{index}"
        items.append(preference(code, direct_letter=draw(st.sampled_from("AB"))))
        answers[code] = draw(st.sampled_from("AB"))
    partial = draw(st.integers(0, 100))
    profile = Profile(
        slug="p",
        version=1,
        traits=tuple(traits),
        items=tuple(items),
        fit_threshold=draw(st.integers(partial, 100)),
        partial_threshold=partial,
        direct_service_threshold=draw(st.integers(0, 100)),
        similar_role_slug="other",
    )
    return profile, answers


@settings(max_examples=300, deadline=None)
@given(profiles_and_answers())
def test_every_score_is_within_0_and_100(case):
    profile, answers = case
    result = scoring.score(profile=profile, answers=answers)
    assert 0 <= result.overall_fit <= 100
    for trait in result.traits:
        assert 0 <= trait.score <= 100
        assert 0 <= trait.match <= 1
    assert result.direct_service_share is None or 0 <= result.direct_service_share <= 100
    assert result.verdict in scoring.VERDICTS
    assert set(result.mismatches) | set(result.strengths) == set(TRAIT_KEYS)


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

    before = scoring.score(profile=profile, answers=answers)
    after = scoring.score(profile=profile, answers=raised)

    assert after.trait(item.trait_key).score > before.trait(item.trait_key).score
    assert after.overall_fit >= before.overall_fit


@settings(max_examples=300, deadline=None)
@given(profiles_and_answers())
def test_a_knockout_always_gives_not_a_fit(case):
    profile, answers = case
    result = scoring.score(profile=profile, answers=answers)
    knocked = [
        trait
        for trait, spec in zip(result.traits, profile.traits, strict=True)
        if spec.knockout_below is not None and trait.score < spec.knockout_below
    ]
    assert (result.verdict == scoring.NOT_A_FIT) == bool(knocked)
    assert result.knockouts == tuple(trait.key for trait in knocked)


@settings(max_examples=200, deadline=None)
@given(profiles_and_answers())
def test_the_same_input_gives_the_same_output(case):
    profile, answers = case
    first = scoring.score(profile=profile, answers=answers)
    shuffled = dict(reversed(list(answers.items())))
    assert scoring.score(profile=profile, answers=shuffled) == first
    assert json.dumps(first.to_dict()) == json.dumps(
        scoring.score(profile=profile, answers=answers).to_dict()
    )


@settings(max_examples=200, deadline=None)
@given(profiles_and_answers(), st.data())
def test_missing_or_foreign_answers_raise(case, data):
    profile, answers = case
    dropped = data.draw(st.sampled_from(sorted(answers)))
    missing = {code: value for code, value in answers.items() if code != dropped}
    with pytest.raises(InvalidAnswers) as error:
        scoring.score(profile=profile, answers=missing)
    assert dropped in error.value.problems

    with pytest.raises(InvalidAnswers):
        scoring.score(profile=profile, answers={**answers, "ZZ": "1"})
