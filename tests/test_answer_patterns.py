"""The answer patterns an assessor tries first, scored the way paper responses are.

Each row of the first edition's failure table (the worst option in every situation, "5"
to every statement, option A everywhere, one heavy trait at the bottom, random answers on
the keyed side, 4 of 6 direct-service choices) goes through ``score_responses`` against
the Kabag Kesra profile, beside the honest strong candidate, who must still fit.
"""

import csv
import io
import random

import pytest
from django.core.management import call_command

from assessments import scoring, snapshots
from tests import answers as personas

pytestmark = pytest.mark.django_db

RANDOM_RUNS = 400


@pytest.fixture
def snapshot(kesra_role):
    return snapshots.visitor_snapshot(kesra_role)


def keyed_ideal(snapshot):
    """Every statement answered as the ideal candidate would say it of themselves."""
    return personas.answers_for(snapshot, level="best")


def with_behaviour(snapshot, answers, pick):
    """``answers`` with every scenario and knowledge question answered by ``pick(item)``."""
    changed = dict(answers)
    for item in personas.items_of(snapshot, *personas.BEHAVIOUR):
        changed[item["code"]] = pick(item)
    return changed


def patterns(snapshot):
    ideal = keyed_ideal(snapshot)
    planning_low = dict(ideal)
    for item in snapshot["items"]:
        if item["trait"] == "perencanaan":
            planning_low[item["code"]] = personas.answers_for(snapshot, level="worst")[item["code"]]
    return {
        "honest_strong": personas.honest_strong(snapshot),
        "ideal_words_worst_options": with_behaviour(
            snapshot, ideal, lambda item: personas.ranked_options(item)[0]["code"]
        ),
        "five_to_everything": {
            **ideal,
            **{
                item["code"]: "5"
                for item in personas.items_of(snapshot, personas.LIKERT, personas.CHECK)
            },
        },
        "ideal_words_option_a": with_behaviour(snapshot, ideal, lambda item: "A"),
        "planning_at_the_bottom": planning_low,
        "four_of_six_direct_service": personas.with_direct_service(
            snapshot, personas.honest_strong(snapshot), 4
        ),
    }


def random_keyed_side(snapshot, rng):
    """3 to 5 on the keyed side of every statement, any option in the situations."""
    answers = keyed_ideal(snapshot)
    for item in personas.items_of(snapshot, personas.LIKERT):
        value = rng.randint(3, 5)
        answers[item["code"]] = str(6 - value if item["reverse_keyed"] else value)
    return with_behaviour(snapshot, answers, lambda item: rng.choice(item["options"])["code"])


def score_through_the_command(tmp_path, rows: dict[str, dict[str, str]]):
    """Write ``rows`` as a paper-responses CSV, score it with the command, read it back."""
    codes = list(next(iter(rows.values())))
    source = tmp_path / "responses.csv"
    with source.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["respondent", *codes])
        for name, answers in rows.items():
            writer.writerow([name, *(answers[code] for code in codes)])
    out = io.StringIO()
    call_command("score_responses", "kabag-kesra", str(source), stdout=out, stderr=io.StringIO())
    return {row["respondent"]: row for row in csv.DictReader(io.StringIO(out.getvalue()))}


def test_the_first_editions_failures_now_get_verdicts_an_assessor_accepts(snapshot, tmp_path):
    scored = score_through_the_command(tmp_path, patterns(snapshot))

    honest = scored["honest_strong"]
    assert (honest["verdict"], honest["quality_flags"]) == (scoring.FIT, "")
    # Knowing the right words and choosing the worst option is no fit at all.
    assert scored["ideal_words_worst_options"]["verdict"] == scoring.NOT_A_FIT
    # "5" to a statement and to its opposite cannot be read as a description of anyone.
    five = scored["five_to_everything"]
    assert five["verdict"] == scoring.UNREADABLE
    assert "acquiescence" in five["quality_flags"].split(";")
    assert scored["ideal_words_option_a"]["verdict"] != scoring.FIT
    # One heavy trait at the bottom is not hidden by the others.
    assert scored["planning_at_the_bottom"]["verdict"] == scoring.WEAK_FIT
    assert scored["planning_at_the_bottom"]["mismatches"].split(";")[0] == "perencanaan"
    # 4 of 6 meets two thirds exactly.
    assert scored["four_of_six_direct_service"]["suggested_role"] == "pekerja-sosial"
    assert honest["suggested_role"] == ""


def test_random_answers_on_the_keyed_side_rarely_fit(snapshot, tmp_path):
    rng = random.Random(20261201)
    rows = {f"random-{n}": random_keyed_side(snapshot, rng) for n in range(RANDOM_RUNS)}
    scored = score_through_the_command(tmp_path, rows)
    fits = sum(row["verdict"] == scoring.FIT for row in scored.values())
    # 99.7 % of such runs were a fit in the first edition. Random situational choices are
    # right a quarter of the time, so a fit needs luck on every trait at once.
    assert fits / RANDOM_RUNS < 0.02, f"{fits} of {RANDOM_RUNS} random runs fit"
