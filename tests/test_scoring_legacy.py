"""The legacy rules (RULES_LEGACY): exactly what the engine gave before behaviour evidence.

Results stored by that engine must re-score to themselves. The expected values here are
those of the old tests, the stored dicts are what the old engine wrote, and the property
compares against a verbatim copy of it (legacy_scoring.py).
"""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments import scoring
from assessments.scoring import EducationSpec, ItemSpec, Profile, TraitSpec

from . import legacy_scoring
from .scoring_cases import check, knowledge, likert, preference, scenario


def legacy_profile(**overrides):
    """The two-trait profile of the old tests, scored by the legacy rules."""
    fields = {
        "slug": "tiny",
        "version": 3,
        "rules": scoring.RULES_LEGACY,
        "traits": (
            TraitSpec(key="empati", weight=3, required_level=60, knockout_below=40),
            TraitSpec(key="rencana", weight=1, required_level=80),
        ),
        "items": (
            likert("L1", "empati"),
            likert("L2", "empati", reverse=True),
            likert("L3", "rencana"),
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
        "similar_role_slug": "pekerja-sosial",
        "education_fields": (
            EducationSpec(code="sosial", preferred=True),
            EducationSpec(code="teknik", preferred=False),
        ),
    }
    fields.update(overrides)
    return Profile(**fields)


def legacy_answers(**overrides):
    answers = {"L1": "4", "L2": "2", "L3": "5", "S1": "B", "B1": "agree", "B2": "disagree"}
    answers |= {"P1": "B", "P2": "B", "P3": "A", "E1": "sosial"}
    return answers | overrides


# Written by the old engine's to_dict for legacy_answers(P2="A", P3="B", E1="teknik") and
# then with L1="2", L2="4": the shape of every result stored before RULES_CURRENT.
STORED_FIT = {
    "verdict": "cocok",
    "overall_fit": 98.4375,
    "traits": [
        {"key": "empati", "score": 75.0, "required_level": 60, "weight": 3}
        | {"match": 1.0, "gap": 0.0, "knocked_out": False},
        {"key": "rencana", "score": 75.0, "required_level": 80, "weight": 1}
        | {"match": 0.9375, "gap": 5.0, "knocked_out": False},
    ],
    "knockouts": [],
    "mismatches": ["rencana"],
    "strengths": ["empati"],
    "misconceptions": ["B1"],
    "direct_service_share": 100.0,
    "suggested_role": "pekerja-sosial",
    "education_field": "teknik",
    "education_match": False,
    "scenario_choices": [["S1", "B"]],
}
STORED_KNOCKOUT = STORED_FIT | {
    "verdict": "tidak_cocok",
    "overall_fit": 54.6875,
    "traits": [
        {"key": "empati", "score": 25.0, "required_level": 60, "weight": 3}
        | {"match": 0.4167, "gap": 35.0, "knocked_out": True},
        STORED_FIT["traits"][1],
    ],
    "knockouts": ["empati"],
    "mismatches": ["empati", "rencana"],
    "strengths": [],
}


class TestStoredResults:
    @pytest.mark.parametrize(
        ("stored", "overrides"),
        [(STORED_FIT, {}), (STORED_KNOCKOUT, {"L1": "2", "L2": "4"})],
    )
    def test_a_result_stored_by_the_old_engine_re_scores_to_itself(self, stored, overrides):
        answers = legacy_answers(P2="A", P3="B", E1="teknik", **overrides)
        result = scoring.score(profile=legacy_profile(), answers=answers)
        read = scoring.result_from_dict(json.loads(json.dumps(stored)))

        assert read == result
        assert read.rules == scoring.RULES_LEGACY
        assert read.quality_flags == read.knowledge_choices == ()
        assert {trait.self_score for trait in read.traits} == {None}

    def test_a_stored_result_without_scenario_choices_is_read(self):
        stored = {k: v for k, v in STORED_FIT.items() if k != "scenario_choices"}
        assert scoring.result_from_dict(stored).scenario_choices == ()


class TestHandComputed:
    """The old tests' expected values, unchanged."""

    def test_trait_scores_matches_and_overall_fit(self):
        result = scoring.score(profile=legacy_profile(), answers=legacy_answers())
        assert result.trait("empati").score == 75.0
        assert result.trait("rencana").score == 75.0  # mean(1.0, 0.5): one scale
        assert result.trait("rencana").match == 0.9375
        assert result.overall_fit == 98.4375
        assert result.verdict == scoring.FIT
        assert result.direct_service_share == pytest.approx(100 / 3, abs=1e-4)

    def test_direct_service_at_the_rounded_percentage(self):
        two = scoring.score(profile=legacy_profile(), answers=legacy_answers(P2="A"))
        at_66 = scoring.score(
            profile=legacy_profile(direct_service_threshold=66), answers=legacy_answers(P2="A")
        )
        assert two.direct_service_share == 66.6667
        assert two.suggested_role == ""  # 66.67 < 67: what the issue reports
        assert at_66.suggested_role == "pekerja-sosial"

    def test_knockout_and_thresholds(self):
        knocked = scoring.score(profile=legacy_profile(), answers=legacy_answers(L1="2", L2="4"))
        answers = legacy_answers(L1="3", L2="3")
        partial = scoring.score(
            profile=legacy_profile(fit_threshold=90, partial_threshold=85), answers=answers
        )
        weak = scoring.score(
            profile=legacy_profile(fit_threshold=95, partial_threshold=90), answers=answers
        )
        assert (knocked.verdict, knocked.overall_fit) == (scoring.NOT_A_FIT, 54.6875)
        assert (partial.verdict, partial.overall_fit) == (scoring.PARTIAL_FIT, 85.9375)
        assert weak.verdict == scoring.WEAK_FIT

    def test_mismatches_ordered_by_weight_times_gap(self):
        tie = scoring.score(
            profile=legacy_profile(), answers=legacy_answers(L1="3", L2="3", L3="1", S1="C")
        )
        ranked = scoring.score(
            profile=legacy_profile(), answers=legacy_answers(L1="3", L2="3", L3="1")
        )
        assert tie.mismatches == ("empati", "rencana")
        assert ranked.mismatches == ("rencana", "empati")

    def test_no_non_compensatory_rule_and_no_quality_check(self):
        # rencana: L3 = 1, S1 = C: 50, match 0.625; overall 90.625: a fit under these rules.
        low_trait = scoring.score(profile=legacy_profile(), answers=legacy_answers(L3="1", S1="C"))
        assert (low_trait.verdict, low_trait.overall_fit) == (scoring.FIT, 90.625)
        timed = scoring.score(
            profile=legacy_profile(sections=(("L1", "L2", "L3"),)),
            answers=legacy_answers(),
            section_seconds={1: 0.0},
        )
        assert timed.quality_warnings == ()

    @pytest.mark.parametrize(
        "item", [knowledge("K1", "empati"), check("C1")], ids=["knowledge", "check"]
    )
    def test_the_new_kinds_are_not_scored_by_the_legacy_rules(self, item):
        profile = legacy_profile(items=(*legacy_profile().items, item))
        with pytest.raises(scoring.ProfileError, match="legacy"):
            scoring.score(profile=profile, answers=legacy_answers(**{item.code: "A"}))


# --- The old engine as the oracle ---------------------------------------------------------


def as_old(spec):
    """The old engine's dataclass of the same name, with the fields it had."""
    if isinstance(spec, tuple):
        return tuple(as_old(one) for one in spec)
    if not hasattr(spec, "__dataclass_fields__"):
        return spec
    old = getattr(legacy_scoring, type(spec).__name__)
    names = old.__dataclass_fields__
    return old(**{name: as_old(getattr(spec, name)) for name in names})


@st.composite
def old_profiles_and_answers(draw):
    """The old tests' generator: any profile the old engine could score."""
    traits, items, answers = [], [], {}
    for key in ("a", "b", "c"):
        required = draw(st.integers(0, 100))
        traits.append(
            TraitSpec(
                key=key,
                weight=draw(st.integers(1, 5)),
                required_level=required,
                knockout_below=draw(st.one_of(st.none(), st.integers(0, required))),
            )
        )
        for index in range(draw(st.integers(1, 4))):
            code = f"L{key}{index}"
            items.append(likert(code, key, reverse=draw(st.booleans())))
            answers[code] = str(draw(st.integers(1, 5)))
        if draw(st.booleans()):
            scores = tuple(draw(st.lists(st.integers(0, 4), min_size=3, max_size=5)))
            items.append(scenario(f"S{key}", key, scores))
            answers[f"S{key}"] = "ABCDE"[draw(st.integers(0, len(scores) - 1))]
    for index in range(draw(st.integers(0, 4))):
        items.append(preference(f"P{index}", direct_letter=draw(st.sampled_from("AB"))))
        answers[f"P{index}"] = draw(st.sampled_from("AB"))
    for index in range(draw(st.integers(0, 2))):
        keyed = draw(st.sampled_from((scoring.AGREE, scoring.DISAGREE, None)))
        items.append(ItemSpec(code=f"B{index}", kind=scoring.BELIEF, keyed_answer=keyed))
        answers[f"B{index}"] = draw(st.sampled_from((scoring.AGREE, scoring.DISAGREE)))
    if draw(st.booleans()):
        items.append(ItemSpec(code="E", kind=scoring.BACKGROUND))
        answers["E"] = draw(st.sampled_from(("x", "y")))
    partial = draw(st.integers(0, 100))
    profile = Profile(
        slug="p",
        version=1,
        rules=scoring.RULES_LEGACY,
        traits=tuple(traits),
        items=tuple(draw(st.permutations(items))),
        fit_threshold=draw(st.integers(partial, 100)),
        partial_threshold=partial,
        # Shares of up to 4 preferences, so that thresholds are met exactly too.
        direct_service_threshold=draw(
            st.one_of(st.sampled_from((0, 25, 50, 75, 100)), st.integers(0, 100))
        ),
        similar_role_slug=draw(st.sampled_from(("", "other"))),
        education_fields=(
            EducationSpec(code="x", preferred=True),
            EducationSpec(code="y", preferred=False),
        ),
    )
    return profile, answers


@settings(max_examples=500, deadline=None)
@given(old_profiles_and_answers())
def test_legacy_rules_give_exactly_what_the_old_engine_gave(case):
    profile, answers = case
    old_profile = legacy_scoring.Profile(
        **{
            name: as_old(getattr(profile, name))
            for name in legacy_scoring.Profile.__dataclass_fields__
        }
    )
    stored = json.loads(
        json.dumps(legacy_scoring.score(profile=old_profile, answers=answers).to_dict())
    )
    result = scoring.score(profile=profile, answers=answers)

    assert scoring.result_from_dict(stored) == result
    # Every figure the old engine stored is there, under the same key, with the same value.
    new = result.to_dict()
    assert {key: new[key] for key in stored if key != "traits"} == {
        key: value for key, value in stored.items() if key != "traits"
    }
    for old_trait, new_trait in zip(stored["traits"], new["traits"], strict=True):
        assert {key: new_trait[key] for key in old_trait} == old_trait
