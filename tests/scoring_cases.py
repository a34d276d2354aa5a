"""Profiles and answers for the scoring and response-quality tests, built in code (no DB)."""

from __future__ import annotations

from hypothesis import strategies as st

from assessments import scoring
from assessments.scoring import EducationSpec, ItemSpec, OptionSpec, Profile, TraitSpec
from assessments.specs import ItemFigures, KindFigures

# Items that almost never err (SE = sd x sqrt((1 - r) / n) <= 0.1 points): every band a hair
# wide, so the verdict is the point rule's.
PRECISE = ItemFigures(
    likert=KindFigures(sd=1.0, r=0.99),
    scenario=KindFigures(sd=1.0, r=0.99),
    knowledge=KindFigures(sd=1.0, r=0.99),
)


def likert(code, trait_key, *, reverse=False, reserve=False):
    return ItemSpec(
        code=code,
        kind=scoring.LIKERT,
        trait_key=trait_key,
        reverse_keyed=reverse,
        reserve=reserve,
    )


def scenario(code, trait_key, scores=(0, 2, 4), *, reserve=False):
    return ItemSpec(
        code=code,
        kind=scoring.SCENARIO,
        trait_key=trait_key,
        reserve=reserve,
        options=tuple(
            OptionSpec(code=letter, score=value)
            for letter, value in zip("ABCDE", scores, strict=False)
        ),
    )


def knowledge(code, trait_key, *, correct="B", letters="ABC"):
    return ItemSpec(
        code=code,
        kind=scoring.KNOWLEDGE,
        trait_key=trait_key,
        options=tuple(OptionSpec(code=letter, score=int(letter == correct)) for letter in letters),
    )


def check(code, *, agreeing_is_improbable=True):
    return ItemSpec(code=code, kind=scoring.CHECK, reverse_keyed=agreeing_is_improbable)


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
    """Two traits; every number in the tests can be checked by hand.

    empati: L1 (+), L2 (-) self-report, K1 knowledge. rencana: L3 (+) self-report, S1
    scenario. Too few statements for any response-quality flag.
    """
    fields = {
        "slug": "tiny",
        "version": 3,
        "traits": (
            TraitSpec(key="empati", weight=3, required_level=60, knockout_below=40),
            TraitSpec(key="rencana", weight=1, required_level=80),
        ),
        "items": (
            likert("L1", "empati"),
            likert("L2", "empati", reverse=True),
            likert("L3", "rencana"),
            scenario("S1", "rencana"),
            knowledge("K1", "empati", correct="B"),
            ItemSpec(code="B1", kind=scoring.BELIEF, keyed_answer=scoring.DISAGREE),
            ItemSpec(code="B2", kind=scoring.BELIEF, keyed_answer=scoring.AGREE),
            preference("P1", direct_letter="B"),
            preference("P2", direct_letter="A"),
            preference("P3", direct_letter="B"),
            ItemSpec(code="E1", kind=scoring.BACKGROUND),
        ),
        "fit_threshold": 80,
        "partial_threshold": 68,
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
        "K1": "B",  # correct: 1
        "B1": "agree",  # holds the misconception
        "B2": "agree",
        "P1": "B",  # direct service
        "P2": "B",  # policy
        "P3": "A",  # policy
        "E1": "sosial",
    }
    answers.update(overrides)
    return answers


# The Kabag Kesra traits as the fixture has them: key, weight, required level, knockout.
KESRA_TRAITS = (
    ("empati", 4, 70, 40),
    ("komunikasi", 5, 70, 40),
    ("motivasi_membantu", 4, 75, 45),
    ("kepemimpinan", 4, 65, None),
    ("perencanaan", 5, 70, None),
    ("koordinasi", 5, 75, None),
    ("pemantauan_evaluasi", 3, 65, None),
    ("pengambilan_keputusan", 4, 70, None),
    ("wawasan_kesejahteraan", 3, 60, None),
)


def kesra_profile(**overrides):
    """The fixture's shape: 9 traits of 4 statements (3 +, 1 -; two traits 2 +, 2 -: 29
    pairs), a scenario (4/2/1/0, rotated) and a knowledge item per trait, 3 check items,
    6 preferences, 5 sections of 13 (the last 12)."""
    traits, items = [], []
    for index, (key, weight, required, knockout) in enumerate(KESRA_TRAITS):
        traits.append(
            TraitSpec(key=key, weight=weight, required_level=required, knockout_below=knockout)
        )
        reverse = (3,) if index < 7 else (2, 3)
        items += [likert(f"{key}-L{n}", key, reverse=n in reverse) for n in range(4)]
        # The best option moves from trait to trait, as it does in the fixture.
        scores = (4, 2, 1, 0)[index % 4 :] + (4, 2, 1, 0)[: index % 4]
        items.append(scenario(f"{key}-S", key, scores=scores))
        items.append(knowledge(f"{key}-K", key, correct="ABCD"[(index + 1) % 4], letters="ABCD"))
    items += [
        check("C1"),
        check("C2", agreeing_is_improbable=False),
        check("C3"),
        *(preference(f"P{n}", direct_letter="AB"[n % 2]) for n in range(6)),
        ItemSpec(code="E1", kind=scoring.BACKGROUND),
    ]
    codes = [item.code for item in items]
    fields = {
        "slug": "kabag-kesra",
        "version": 1,
        "traits": tuple(traits),
        "items": tuple(items),
        "similar_role_slug": "pekerja-sosial",
        "education_fields": (EducationSpec(code="sosial", preferred=True),),
        "sections": tuple(tuple(codes[start : start + 13]) for start in range(0, len(codes), 13)),
    }
    fields.update(overrides)
    return Profile(**fields)


def best_option(item):
    return max(item.options, key=lambda option: option.score).code


def worst_option(item):
    return min(item.options, key=lambda option: option.score).code


def keyed(item, agree="5", disagree="1"):
    """The answer that speaks for the trait (likert) or is the probable one (check): for
    both, reverse_keyed means disagreeing is."""
    return disagree if item.reverse_keyed else agree


def answers_for(profile, *, statements="ideal", behaviour="best", checks="probable"):
    """A complete answer set: statements "ideal" (keyed 5/1) or a fixed value such as "5";
    behaviour "best", "worst" or "first" option; checks "probable", or a fixed value."""
    answers = {}
    for item in profile.items:
        if item.kind == scoring.LIKERT:
            answers[item.code] = keyed(item) if statements == "ideal" else statements
        elif item.kind == scoring.CHECK:
            answers[item.code] = keyed(item) if checks == "probable" else checks
        elif item.kind in scoring.BEHAVIOUR_KINDS:
            pick = {"best": best_option, "worst": worst_option}.get(behaviour)
            answers[item.code] = pick(item) if pick else item.options[0].code
        elif item.kind == scoring.BELIEF:
            answers[item.code] = item.keyed_answer
        elif item.kind == scoring.PREFERENCE:
            answers[item.code] = "A"
        else:
            answers[item.code] = profile.education_fields[0].code
    return answers


# --- Hypothesis ---------------------------------------------------------------------------


@st.composite
def questionnaires(draw, *, required=None, behaviour_per_trait=(0, 2)):
    """Profiles meeting DESIGN.md's content bar for statements: per trait 2-4 positively
    and 2-3 reverse-keyed likert items (at least one in three reverse-keyed).

    ``required``: a strategy for the required levels (0-100 when None).
    """
    required = st.integers(0, 100) if required is None else required
    trait_keys = ("a", "b", "c")[: draw(st.integers(1, 3))]
    traits, items = [], []
    for key in trait_keys:
        level = draw(required)
        traits.append(
            TraitSpec(
                key=key,
                weight=draw(st.integers(1, 5)),
                required_level=level,
                knockout_below=draw(st.one_of(st.none(), st.integers(0, level))),
            )
        )
        for n in range(draw(st.integers(2, 4))):
            items.append(likert(f"L{key}{n}", key))
        for n in range(draw(st.integers(2, 3))):
            items.append(likert(f"R{key}{n}", key, reverse=True))
        for n in range(draw(st.integers(*behaviour_per_trait))):
            if draw(st.booleans()):
                scores = (0, *draw(st.lists(st.integers(0, 4), min_size=2, max_size=4)))
                items.append(scenario(f"S{key}{n}", key, scores))
            else:
                items.append(knowledge(f"K{key}{n}", key, correct=draw(st.sampled_from("ABC"))))
    for n in range(draw(st.integers(0, 4))):
        items.append(check(f"C{n}", agreeing_is_improbable=draw(st.booleans())))
    for n in range(draw(st.integers(0, 6))):
        items.append(preference(f"P{n}", direct_letter=draw(st.sampled_from("AB"))))
    items = draw(st.permutations(items))
    partial = draw(st.integers(0, 100))
    min_partial = draw(st.floats(0, 1))
    denominator = draw(st.integers(1, 6))
    return Profile(
        slug="p",
        version=1,
        traits=tuple(traits),
        items=tuple(items),
        fit_threshold=draw(st.integers(partial, 100)),
        partial_threshold=partial,
        behaviour_share=draw(st.floats(0, 1)),
        min_match_fit=draw(st.floats(min_partial, 1)),
        min_match_partial=min_partial,
        direct_service_share_needed=(draw(st.integers(0, denominator)), denominator),
        similar_role_slug="other",
    )


@st.composite
def random_answers(draw, profile):
    answers = {}
    for item in profile.items:
        if item.kind in (scoring.LIKERT, scoring.CHECK):
            answers[item.code] = draw(st.sampled_from(scoring.LIKERT_VALUES))
        else:
            answers[item.code] = draw(st.sampled_from([option.code for option in item.options]))
    return answers


@st.composite
def profiles_and_answers(draw, **questionnaire):
    profile = draw(questionnaires(**questionnaire))
    return profile, draw(random_answers(profile))
