"""Complete answer sets for a profile snapshot, for tests that need a finished questionnaire."""

from assessments import scoring


def answers_for(snapshot, *, level="best", direct_service=False, education_preferred=True):
    """Answers to every item of ``snapshot``.

    ``level`` is "best" (every trait at its top), "worst" (every trait at its bottom) or
    "middle" (likert 3, the middle-scoring scenario option). Belief items are answered as
    keyed with "best", against the key otherwise.
    """
    answers = {}
    for item in snapshot["items"]:
        kind = item["kind"]
        if kind == scoring.LIKERT:
            high = "1" if item["reverse_keyed"] else "5"
            low = "5" if item["reverse_keyed"] else "1"
            answers[item["code"]] = {"best": high, "worst": low, "middle": "3"}[level]
        elif kind == scoring.SCENARIO:
            ranked = sorted(item["options"], key=lambda option: option["score"])
            pick = {"best": ranked[-1], "worst": ranked[0], "middle": ranked[len(ranked) // 2]}
            answers[item["code"]] = pick[level]["code"]
        elif kind == scoring.BELIEF:
            keyed = item["keyed_answer"]
            other = scoring.AGREE if keyed == scoring.DISAGREE else scoring.DISAGREE
            answers[item["code"]] = keyed if level == "best" else other
        elif kind == scoring.PREFERENCE:
            option = next(o for o in item["options"] if o["direct_service"] == direct_service)
            answers[item["code"]] = option["code"]
        else:
            field = next(
                f for f in snapshot["education_fields"] if f["preferred"] == education_preferred
            )
            answers[item["code"]] = field["code"]
    return answers
