"""The one record of a result and the one cell writer that every results file uses."""

from datetime import UTC, datetime

import pytest
from django.utils import translation

from assessments.files import paper, records
from assessments.snapshots import build_snapshot, score_snapshot
from tests.answers import answers_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        (None, ""),
        (True, "true"),
        (False, "false"),
        (["a", "b"], "a;b"),
        (67.94, "67.94"),
        ("+", "+"),
        ("-12.5", "-12.5"),
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-A1", "'-A1"),
        (datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), "2026-01-02T10:04:05+07:00"),
    ],
)
def test_csv_cells(value, cell):
    assert records.csv_cell(value) == cell


def test_an_xlsx_cell_keeps_numbers_and_drops_the_time_zone():
    moment = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert records.xlsx_cell(67.94) == 67.94
    assert records.xlsx_cell(moment) == datetime(2026, 1, 2, 10, 4, 5)
    assert records.xlsx_cell("=1+1") == "'=1+1"


def test_a_record_has_labels_beside_codes_and_rounded_scores(kesra_role):
    snapshot = build_snapshot(kesra_role)
    result = score_snapshot(
        snapshot=snapshot,
        answers=answers_for(snapshot, level="worst", education_preferred=False),
    )
    keys = [trait["key"] for trait in snapshot["traits"]]

    with translation.override("en"):
        record = records.result_record(
            result, trait_keys=keys, labels=records.Labels.of(snapshot), version=3
        )

    assert list(record) == records.result_columns(keys)
    assert record["verdict"] == "tidak_cocok" and record["verdict_label"] == "Not a fit"
    names = {trait["key"]: trait["name_en"] for trait in snapshot["traits"]}
    assert record["knockouts_labels"] == [names[key] for key in result.knockouts]
    assert record["mismatches_labels"] == [names[key] for key in result.mismatches]
    assert len(record["misconceptions_labels"]) == len(result.misconceptions) > 0
    assert record["education_field_label"]
    assert record["overall_fit"] == round(result.overall_fit, 2)
    assert record["profile_version"] == 3


def test_paper_scoring_writes_the_same_record(kesra_role):
    snapshot = build_snapshot(kesra_role)
    answers = answers_for(snapshot, level="middle")
    rows = [paper.Respondent(line=2, respondent="=R1", answers=answers)]

    [scored], rejected = paper.score_respondents(snapshot, rows)
    text = paper.write_csv([scored], paper.result_columns(snapshot))

    assert rejected == []
    assert list(scored)[1:] == records.result_columns(t["key"] for t in snapshot["traits"])
    assert text.splitlines()[1].startswith("'=R1,")


def test_a_record_carries_the_bands_and_whether_the_verdict_is_sure():
    from assessments import scoring
    from tests.scoring_cases import tiny_answers, tiny_profile

    # rencana: self 50, behaviour 50: 50 +- 14.9 against its fit line 68: not sure.
    result = scoring.score(profile=tiny_profile(), answers=tiny_answers(L3="3"))
    labels = records.Labels(
        traits={"rencana": "Perencanaan"}, misconceptions={}, education_fields={}
    )
    record = records.result_record(
        result, trait_keys=["empati", "rencana"], labels=labels, version=3
    )
    assert list(record) == records.result_columns(["empati", "rencana"])
    assert (record["verdict_sure"], record["verdict_alternative"]) == (False, scoring.WEAK_FIT)
    rencana = result.trait("rencana")
    assert (record["trait_rencana_low"], record["trait_rencana_high"]) == (
        round(rencana.low, 2),
        round(rencana.high, 2),
    )
    assert record["uncertain_traits"] == ["rencana"]
    assert record["uncertain_traits_labels"] == ["Perencanaan"]
