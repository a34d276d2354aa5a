"""Complete answer sets for a profile snapshot, for tests that need a finished questionnaire.

``answers_for`` gives the extremes of every scale. The personas below it are people an
assessor would recognise, each a plain dict of answers built from the snapshot (so they
follow the questionnaire as HR edits it): the honest strong candidate, the person who
chooses the worst option in every situation, the one who agrees with everything, the one
who says the right words and makes poor choices, the one who falls on a single knockout
trait, the one still developing, and the one who would rather serve people directly.
"""

from assessments.models import Item

LIKERT = Item.Kind.LIKERT
SCENARIO = Item.Kind.SCENARIO
KNOWLEDGE = Item.Kind.KNOWLEDGE
CHECK = Item.Kind.CHECK
BELIEF = Item.Kind.BELIEF
PREFERENCE = Item.Kind.PREFERENCE
BEHAVIOUR = (SCENARIO, KNOWLEDGE)
AGREE = Item.KeyedAnswer.AGREE
DISAGREE = Item.KeyedAnswer.DISAGREE


def answers_for(snapshot, *, level="best", direct_service=False, education_preferred=True):
    """Answers to every item of ``snapshot``.

    ``level`` is "best" (every trait at its top), "worst" (every trait at its bottom) or
    "middle" (likert 3, the middle-scoring option). Belief items are answered as keyed with
    "best", against the key otherwise. Check statements are answered as almost everybody
    truthfully would (the middle of the scale with "middle").
    """
    answers = {}
    for item in snapshot["items"]:
        kind = item["kind"]
        if kind == LIKERT:
            high = "1" if item["reverse_keyed"] else "5"
            low = "5" if item["reverse_keyed"] else "1"
            answers[item["code"]] = {"best": high, "worst": low, "middle": "3"}[level]
        elif kind == CHECK:
            answers[item["code"]] = "3" if level == "middle" else probable_check_answer(item)
        elif kind in BEHAVIOUR:
            ranked = ranked_options(item)
            pick = {"best": ranked[-1], "worst": ranked[0], "middle": ranked[len(ranked) // 2]}
            answers[item["code"]] = pick[level]["code"]
        elif kind == BELIEF:
            keyed = item["keyed_answer"]
            answers[item["code"]] = keyed if level == "best" else opposite(keyed)
        elif kind == PREFERENCE:
            option = next(o for o in item["options"] if o["direct_service"] == direct_service)
            answers[item["code"]] = option["code"]
        else:
            answers[item["code"]] = education_code(snapshot, preferred=education_preferred)
    return answers


def ranked_options(item):
    """The item's options from the lowest score to the highest (the first of equals first)."""
    return sorted(item["options"], key=lambda option: option["score"])


def opposite(keyed):
    return AGREE if keyed == DISAGREE else DISAGREE


def probable_check_answer(item):
    """What an honest person answers to a check statement: away from the improbable side."""
    return "2" if item["reverse_keyed"] else "4"


def education_code(snapshot, *, preferred=True):
    return next(f["code"] for f in snapshot["education_fields"] if f["preferred"] == preferred)


def items_of(snapshot, *kinds):
    return [item for item in snapshot["items"] if item["kind"] in kinds]


def trait_codes(snapshot, trait):
    """The codes of every item that measures ``trait``."""
    return [item["code"] for item in snapshot["items"] if item["trait"] == trait]


def with_direct_service(snapshot, answers, count):
    """``answers`` with the first ``count`` preference items answered for direct service."""
    answers = dict(answers)
    for n, item in enumerate(items_of(snapshot, PREFERENCE)):
        wanted = n < count
        option = next(o for o in item["options"] if o["direct_service"] == wanted)
        answers[item["code"]] = option["code"]
    return answers


def honest_strong(snapshot):
    """A strong candidate who answers honestly, not perfectly.

    Statements: agreeing (5 and 4 in turn) with what speaks for a trait, disagreeing (1 and
    2 in turn) with what speaks against it. Situations: the best option in the first of
    each trait's situations, the defensible second-best in the others. Knowledge: every
    question right but the last. Check statements answered truthfully, one misconception
    held, two direct-service tasks of six preferred, a preferred field of education.
    """
    answers = {}
    seen = {}
    for item in snapshot["items"]:
        kind, code = item["kind"], item["code"]
        if kind == LIKERT:
            turn = seen.setdefault((item["trait"], item["reverse_keyed"]), [0])
            firm = turn[0] % 2 == 0
            turn[0] += 1
            if item["reverse_keyed"]:
                answers[code] = "1" if firm else "2"
            else:
                answers[code] = "5" if firm else "4"
        elif kind == SCENARIO:
            ranked = ranked_options(item)
            first = (item["trait"], SCENARIO) not in seen
            seen[(item["trait"], SCENARIO)] = True
            answers[code] = ranked[-1 if first else -2]["code"]
        elif kind == KNOWLEDGE:
            answers[code] = ranked_options(item)[-1]["code"]
        elif kind == CHECK:
            answers[code] = probable_check_answer(item)
        elif kind == BELIEF:
            answers[code] = item["keyed_answer"]
        else:
            answers[code] = None
    knowledge = items_of(snapshot, KNOWLEDGE)
    if knowledge:
        answers[knowledge[-1]["code"]] = ranked_options(knowledge[-1])[0]["code"]
    beliefs = items_of(snapshot, BELIEF)
    if beliefs:
        answers[beliefs[-1]["code"]] = opposite(beliefs[-1]["keyed_answer"])
    answers = with_direct_service(snapshot, answers, 2)
    for item in snapshot["items"]:
        if answers[item["code"]] is None:
            answers[item["code"]] = education_code(snapshot)
    return answers


def developing_candidate(snapshot):
    """A candidate who fits in part: statements answered 4 and 2 (agreeing, not strongly),
    the second-best option in the situations of the three disqualifiers, and in the other
    traits' situations the second-best and a poor option (the best of those scoring below 2)
    by turns; two knowledge questions in three right."""
    answers = honest_strong(snapshot)
    knockout_traits = {t["key"] for t in snapshot["traits"] if t["knockout_below"] is not None}
    seen: dict[str, int] = {}
    for item in items_of(snapshot, LIKERT):
        answers[item["code"]] = "2" if item["reverse_keyed"] else "4"
    for item in items_of(snapshot, SCENARIO):
        ranked = ranked_options(item)
        turn = seen.setdefault(item["trait"], 0)
        seen[item["trait"]] += 1
        if item["trait"] in knockout_traits or turn % 2 == 0:
            answers[item["code"]] = ranked[-2]["code"]
        else:
            answers[item["code"]] = [o for o in ranked if o["score"] < 2][-1]["code"]
    for n, item in enumerate(items_of(snapshot, KNOWLEDGE)):
        answers[item["code"]] = ranked_options(item)[0 if n % 3 == 2 else -1]["code"]
    return answers


def worst_option_chooser(snapshot):
    """The honest strong candidate's statements, the worst option in every situation, and
    every knowledge question wrong."""
    answers = honest_strong(snapshot)
    for item in items_of(snapshot, *BEHAVIOUR):
        answers[item["code"]] = ranked_options(item)[0]["code"]
    return answers


def agree_with_everything(snapshot):
    """ "Setuju" to every statement, check statement and belief; the first option elsewhere."""
    answers = {}
    for item in snapshot["items"]:
        if item["kind"] in (LIKERT, CHECK):
            answers[item["code"]] = "5"
        elif item["kind"] == BELIEF:
            answers[item["code"]] = AGREE
        elif item["options"]:
            answers[item["code"]] = item["options"][0]["code"]
        else:
            answers[item["code"]] = education_code(snapshot)
    return answers


def right_words_bad_choices(snapshot):
    """The textbook self-description (every statement at its best end, checks answered
    truthfully), with the plausible but poor option in every situation (the best of those
    scoring below 2) and every knowledge question wrong."""
    answers = answers_for(snapshot, level="best")
    for item in items_of(snapshot, SCENARIO):
        poor = [option for option in ranked_options(item) if option["score"] < 2]
        answers[item["code"]] = poor[-1]["code"]
    for item in items_of(snapshot, KNOWLEDGE):
        answers[item["code"]] = ranked_options(item)[0]["code"]
    return answers


def knocked_out_on(snapshot, trait):
    """The honest strong candidate, but with every item of ``trait`` at its worst."""
    answers = honest_strong(snapshot)
    worst = answers_for(snapshot, level="worst")
    return answers | {code: worst[code] for code in trait_codes(snapshot, trait)}


def social_worker_orientation(snapshot, *, direct_service_choices=4):
    """The honest strong candidate who prefers direct service in ``direct_service_choices``
    of the preference pairs (four of six: two thirds)."""
    return with_direct_service(snapshot, honest_strong(snapshot), direct_service_choices)


def near_the_top(snapshot):
    """Statements one step below the top, the middle option in every situation, the rest
    as the best candidate: close to every level, at none, and readable."""
    answers = answers_for(snapshot, level="best")
    middle = answers_for(snapshot, level="middle")
    for item in snapshot["items"]:
        if item["kind"] == LIKERT:
            answers[item["code"]] = "2" if item["reverse_keyed"] else "4"
        elif item["kind"] in BEHAVIOUR:
            answers[item["code"]] = middle[item["code"]]
    return answers


# The traits of direct service and of planning, for people who lean one way or the other.
PEOPLE = ("empati", "komunikasi", "motivasi_membantu", "pendampingan_kasus")
PLANNING = ("kepemimpinan", "perencanaan", "pemantauan_evaluasi", "koordinasi")


def leaning(snapshot, weak, direct_service):
    """An honest strong candidate (``honest_strong``) weaker in the ``weak`` traits, who
    prefers ``direct_service`` of the direct-service tasks."""
    answers = honest_strong(snapshot)
    for item in snapshot["items"]:
        if item["trait"] not in weak:
            continue
        if item["kind"] == Item.Kind.LIKERT:
            answers[item["code"]] = "4" if item["reverse_keyed"] else "2"
        elif item["options"]:
            ranked = sorted(item["options"], key=lambda option: option["score"])
            answers[item["code"]] = ranked[len(ranked) // 2 - 1]["code"]
    return with_direct_service(snapshot, answers, direct_service)
