"""Management commands: paper questionnaires and loading the reference data."""

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from assessments import scoring
from assessments.files.paper import result_columns
from assessments.models import Item, Role
from assessments.snapshots import build_snapshot

pytestmark = pytest.mark.django_db

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command(*args, stdout=out, stderr=err)
    except SystemExit as exit:
        code = exit.code
    return code, out.getvalue(), err.getvalue()


def test_template_csv_lists_every_item_with_keys_and_scores(kesra_role):
    code, out, _err = run("export_questionnaire", "kabag-kesra", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))

    assert code == 0
    # The role's questionnaire is its item bank's.
    assert {row["code"] for row in rows} == set(
        Item.objects.filter(role=kesra_role.bank).values_list("code", flat=True)
    )
    likert = [row for row in rows if row["kind"] == "likert"]
    assert {row["keyed"] for row in likert} == {"+", "-"}
    reverse_codes = set(
        Item.objects.filter(
            role=kesra_role.bank, kind=Item.Kind.LIKERT, reverse_keyed=True
        ).values_list("code", flat=True)
    )
    assert {row["code"] for row in likert if row["keyed"] == "-"} == reverse_codes
    scenario_rows = [row for row in rows if row["kind"] == "scenario"]
    assert scenario_rows and all(row["option_score"] in "01234" for row in scenario_rows)
    checks = [row for row in rows if row["kind"] == "check"]
    assert checks and {row["option"] for row in checks} == {"1-5"}
    assert {row["keyed"] for row in checks} == {"+", "-"}
    knowledge = [row for row in rows if row["kind"] == "knowledge"]
    assert knowledge and {row["option_score"] for row in knowledge} == {"0", "1"}
    sections = [int(row["section"]) for row in rows]
    assert sections == sorted(sections)


def test_template_json_has_sections_in_order(kesra_role, tmp_path):
    target = tmp_path / "template.json"
    run("export_questionnaire", "kabag-kesra", "--format", "json", "--output", str(target))
    data = json.loads(target.read_text(encoding="utf-8"))
    snapshot = build_snapshot(kesra_role)

    assert data["role"] == "kabag-kesra"
    assert [s["number"] for s in data["sections"]] == list(range(1, len(snapshot["sections"]) + 1))
    codes = [item["code"] for section in data["sections"] for item in section["items"]]
    assert codes == [item["code"] for item in snapshot["items"]]


def test_unknown_role_is_a_clear_error(db):
    with pytest.raises(CommandError, match="No role"):
        call_command("export_questionnaire", "nope")


def test_content_report_prints_the_bank_and_the_cues_in_both_languages(kesra_role):
    _code, out, _err = run("content_report", "kabag-kesra")
    lines = out.splitlines()
    assert any(line.split()[:1] == ["empati"] and "= 8(4)" in line for line in lines)
    for language in ("Indonesian", "English"):
        assert any(line.startswith(f"{language}: the best option's length rank") for line in lines)
    assert out.count("cue words: best only none") == 2
    with pytest.raises(CommandError, match="No role"):
        call_command("content_report", "nope")


@pytest.mark.parametrize("name", ["paper_responses.csv", "paper_responses.json"])
def test_example_file_scores_without_errors(kesra_role, name, tmp_path):
    target = tmp_path / "out.csv"
    code, _out, err = run(
        "score_responses", "kabag-kesra", str(EXAMPLES / name), "--output", str(target)
    )
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))

    assert code == 0, err
    assert "0 rejected" in err
    assert rows
    snapshot = build_snapshot(kesra_role)
    assert list(rows[0]) == result_columns(snapshot)
    assert {row["verdict"] for row in rows} <= set(scoring.VERDICTS)


def test_scores_match_the_engine(kesra_role, tmp_path):
    """A respondent on paper gets the same result as online."""
    snapshot = build_snapshot(kesra_role)
    from tests.answers import answers_for

    answers = answers_for(snapshot, level="worst", direct_service=True, education_preferred=False)
    source = tmp_path / "in.json"
    source.write_text(json.dumps([{"respondent": "A1", **answers}]), encoding="utf-8")

    code, out, _err = run("score_responses", "kabag-kesra", str(source), "--format", "json")
    [record] = json.loads(out)

    from assessments.snapshots import score_snapshot

    expected = score_snapshot(snapshot=snapshot, answers=answers)
    assert code == 0
    assert record["respondent"] == "A1"
    assert record["verdict"] == expected.verdict == "tidak_cocok"
    assert record["knockouts"] == list(expected.knockouts)
    assert record["mismatches"] == list(expected.mismatches)
    assert record["misconceptions"] == list(expected.misconceptions)
    assert record["suggested_role"] == "pekerja-sosial"
    assert record["education_match"] is False
    assert record["trait_empati"] == round(expected.trait("empati").score, 2)


def test_bad_rows_are_reported_with_line_and_reason_and_the_rest_scored(kesra_role, tmp_path):
    lines = (EXAMPLES / "paper_responses.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    bad_missing = lines[1].split(",")
    bad_missing[header.index("L01")] = ""
    bad_value = lines[2].split(",")
    bad_value[header.index("L02")] = "7"
    source = tmp_path / "in.csv"
    source.write_text(
        "\n".join([lines[0], ",".join(bad_missing), ",".join(bad_value), *lines[3:]]) + "\n",
        encoding="utf-8",
    )

    code, out, err = run("score_responses", "kabag-kesra", str(source))
    rows = list(csv.DictReader(io.StringIO(out)))

    assert code == 1
    assert len(rows) == len(lines) - 3
    assert "line 2 (R001): L01: missing" in err
    assert "line 3 (R002): L02: '7' is not one of" in err
    assert f"{len(lines) - 3} scored, 2 rejected." in err


def test_unreadable_file_is_a_clear_error(kesra_role, tmp_path):
    source = tmp_path / "in.json"
    source.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("score_responses", "kabag-kesra", str(source))


def test_non_object_json_entries_are_rejected_not_fatal(kesra_role, tmp_path):
    source = tmp_path / "in.json"
    source.write_text(json.dumps([1, {"respondent": "x"}]), encoding="utf-8")
    code, _out, err = run("score_responses", "kabag-kesra", str(source))
    assert code == 1
    assert "object 1 (object-1): not a JSON object" in err
    assert "object 2 (x):" in err


def test_load_reference_data_loads_once_and_keeps_hr_edits(db):
    out = io.StringIO()
    call_command("load_reference_data", stdout=out)
    role = Role.objects.get(slug="kabag-kesra")
    role.summary = "Diubah oleh HR"
    role.save()

    call_command("load_reference_data", stdout=out)

    role.refresh_from_db()
    assert role.summary == "Diubah oleh HR"
    assert "already loaded" in out.getvalue()


def test_load_reference_data_grants_new_hr_permissions_and_keeps_others(db):
    from django.contrib.auth.models import Group, Permission

    call_command("load_reference_data", stdout=io.StringIO())
    group = Group.objects.get(name="HR")
    insights = Permission.objects.get(codename="view_insights")
    extra = Permission.objects.get(codename="view_user")
    group.permissions.remove(insights)
    group.permissions.add(extra)

    out = io.StringIO()
    call_command("load_reference_data", stdout=out)

    assert group.permissions.filter(pk=insights.pk).exists()
    assert group.permissions.filter(pk=extra.pk).exists()
    assert "1 new permission(s) granted" in out.getvalue()
