"""Profile files and paper response files that cannot hurt: refused or rejected, never a crash.

The profile import (assessments/files/profiles.py, the admin's "Impor profil" and
``import_profile``) and ``score_responses`` (assessments/files/paper.py) read files anyone
may have written. Each case the attacks found is here, then hypothesis throws mixtures of
them at both: every outcome is a listed problem or a rejected row, never a traceback.
"""

import csv
import io
import json
import os
import tempfile
import time
from http import HTTPStatus
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as fuzz_settings
from hypothesis import strategies as st

from assessments.drafts import import_profile
from assessments.files.profiles import (
    MAX_PROBLEMS,
    ProfileFileError,
    export_profile,
    parse_profile_file,
    without_other_roles_items,
)
from assessments.models import Role
from assessments.snapshots import build_snapshot
from tests.answers import answers_for
from tests.factories import make_hr_user

pytestmark = pytest.mark.django_db

FUZZ = fuzz_settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# --- Profile files ------------------------------------------------------------------------

PLACEHOLDER = "__hostile__"


def with_raw(data: dict, raw: str) -> bytes:
    """``data`` as JSON with the string PLACEHOLDER replaced by the raw JSON ``raw``."""
    return json.dumps(data, ensure_ascii=False).replace(f'"{PLACEHOLDER}"', raw).encode()


def import_bytes(content: bytes, **options) -> Role:
    """Parse and import ``content``, rolling back whatever it saved."""
    with transaction.atomic():
        role = import_profile(parse_profile_file(content), **options)
        transaction.set_rollback(True)
    return role


def refusal(content: bytes, **options) -> list[str]:
    with pytest.raises(ProfileFileError) as refused:
        import_bytes(content, **options)
    return refused.value.problems


@pytest.fixture
def exported(kesra_role):
    data = export_profile(kesra_role)
    data["slug"] = "salinan"
    return data


@pytest.mark.parametrize(
    ("place", "raw", "expected"),
    [
        (("fit_threshold",), "1" * 4400, "angka terlalu panjang (4400 digit"),
        (("partial_threshold",), "-" + "9" * 5000, "angka terlalu panjang"),
        (("title",), '"\\ud800"', "surrogate tunggal"),
        (("summary",), '"Ringkasan\\u0000"', "karakter NUL"),
        (("traits", 0, "weight"), "NaN", "“NaN” bukan angka yang sah"),
        (("traits", 0, "weight"), "1e999", "angka terlalu besar"),
        (("title",), '"' + "x" * 20_001 + '"', "teks terlalu panjang (20001"),
        (("title",), "[" * 40 + "]" * 40, "bersarang terlalu dalam"),
    ],
    ids=["4400 digits", "5000 digits", "surrogate", "NUL", "NaN", "1e999", "long", "deep"],
)
def test_a_hostile_value_is_a_listed_problem_with_its_place(exported, place, raw, expected):
    *path, last = place
    target = exported
    for step in path:
        target = target[step]
    target[last] = PLACEHOLDER

    problems = refusal(with_raw(exported, raw))

    where = "".join(f"[{step}]" if isinstance(step, int) else f" › {step}" for step in place)
    assert len(problems) == 1, problems
    assert expected in problems[0]
    assert problems[0].startswith(where.removeprefix(" › "))
    assert encodable(problems[0])


def test_a_surrogate_or_nul_in_a_key_is_refused_and_shown_escaped(exported):
    text = json.dumps(exported, ensure_ascii=True).replace('"title":', '"ti\\ud800tle":', 1)
    problems = refusal(text.encode())
    assert any("ti\\ud800tle" in problem for problem in problems)
    assert all(encodable(problem) for problem in problems)


def test_nul_is_refused_on_every_database(exported):
    """SQLite would store it; PostgreSQL refuses it with a DataError: refused before either."""
    exported["items"][3]["text"] = "Pernyataan\x00"
    problems = refusal(json.dumps(exported).encode())
    assert problems == ["items[3] › text: teks berisi karakter NUL."]


def test_100000_empty_items_are_refused_at_once_with_one_problem():
    content = json.dumps(
        {"format": "careerfit-profile", "format_version": 1, "items": [{}] * 100_000}
    )
    assert 300_000 < len(content) < 500_000  # the 436 KB file of the report
    started = time.monotonic()
    problems = refusal(content.encode())
    assert time.monotonic() - started < 2
    assert problems == ["items: terlalu banyak (100000; maksimal 500)."]


def test_a_file_of_1_6_million_items_under_5_mb_is_refused_at_once():
    content = (
        b'{"format": "careerfit-profile", "format_version": 1, "items": ['
        + b",".join([b"1"] * 1_600_000)
        + b"]}"
    )
    assert len(content) < 5 * 1024 * 1024
    started = time.monotonic()
    problems = refusal(content)
    assert time.monotonic() - started < 5
    assert problems == ["items: terlalu banyak (1600000; maksimal 500)."]


def test_the_problem_list_is_capped_with_a_count_of_the_rest(exported):
    # Read as a role of its own: its items, less the bank's items it does not weigh.
    read = len(without_other_roles_items(exported)["items"])
    for item in exported["items"]:
        item["kind"] = "bukan-jenis"
        item["weight_unknown"] = 1
    problems = refusal(json.dumps(exported).encode())
    assert len(problems) == MAX_PROBLEMS + 1
    assert problems[-1].startswith("… dan ") and problems[-1].endswith("masalah lain.")
    assert int(problems[-1].split()[2]) >= 2 * read - MAX_PROBLEMS


def test_hostile_files_in_the_admin_are_form_errors(client, exported):
    client.force_login(make_hr_user())
    url = reverse("admin:assessments_role_import")
    exported["title"] = PLACEHOLDER
    for raw in ("9" * 4400, '"\\ud800"', '"\\u0000"'):
        upload = SimpleUploadedFile("profil.json", with_raw(exported, raw), "application/json")
        response = client.post(url, {"file": upload, "slug": "salinan"})
        assert response.status_code == HTTPStatus.OK
        assert "errorlist" in response.content.decode()
    assert not Role.objects.filter(slug="salinan").exists()


HOSTILE_JSON = st.one_of(
    st.sampled_from(
        [
            "1" * 4400,
            "-" + "9" * 19,
            "1e999",
            "NaN",
            "-Infinity",
            '"\\ud800"',
            '"\\udfff tail"',
            '"a\\u0000b"',
            '"' + "x" * 20_001 + '"',
            "[" * 30 + "]" * 30,
            "{}",
            "[]",
            "null",
            "true",
            "0",
            "-1",
            "\"=cmd|' /C calc'!A0\"",
            json.dumps([{}] * 600),
        ]
    ),
    st.text(max_size=30).map(json.dumps),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(json.dumps),
)


@st.composite
def hostile_profiles(draw, data: dict) -> bytes:
    """The export with up to three values (or keys) replaced by hostile JSON."""
    data = json.loads(json.dumps(data))
    raws = []
    for number in range(draw(st.integers(1, 3))):
        placeholder = f"__hostile_{number}__"
        container = draw(st.sampled_from(["similar_role", "traits", "items", "options", "top"]))
        # An earlier replacement may have put a placeholder where a list or object was.
        items = [i for i in data.get("items", []) if isinstance(i, dict)]
        candidates = {
            "top": [data],
            "similar_role": [data["similar_role"]]
            if isinstance(data.get("similar_role"), dict)
            else [],
            "traits": [t for t in data.get("traits", []) if isinstance(t, dict)],
            "items": items,
            "options": [
                option
                for item in items
                if isinstance(item.get("options"), list)
                for option in item["options"]
                if isinstance(option, dict)
            ],
        }[container]
        target = draw(st.sampled_from(candidates)) if candidates else data
        key = draw(st.sampled_from([*target, "unknown"]))
        target[key] = placeholder
        raws.append((placeholder, draw(HOSTILE_JSON)))
    text = json.dumps(data, ensure_ascii=False)
    for placeholder, raw in raws:
        text = text.replace(f'"{placeholder}"', raw)
    return text.encode()


@fuzz_settings(FUZZ, max_examples=15)
@given(data=st.data())
def test_fuzzed_profile_files_are_imported_or_refused_with_a_short_list(exported, data):
    content = data.draw(hostile_profiles(exported), label="file")
    try:
        import_bytes(content, as_draft=data.draw(st.booleans()))
    except ProfileFileError as refused:
        assert 1 <= len(refused.problems) <= MAX_PROBLEMS + 1
        assert all(encodable(problem) for problem in refused.problems)


@FUZZ
@given(content=st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_fuzzed_bytes_are_refused_with_a_reason(db, content):
    with pytest.raises(ProfileFileError):
        import_bytes(content)


# --- Paper response files -----------------------------------------------------------------


def run(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command(*args, stdout=out, stderr=err)
    except SystemExit as exit:
        code = exit.code
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def paper_form(kesra_role):
    """The item codes of the paper form and one complete, valid set of answers."""
    snapshot = build_snapshot(kesra_role)
    codes = [code for section in snapshot["sections"] for code in section["items"]]
    return codes, answers_for(snapshot, level="middle")


def write_csv(path: Path, rows: list[list[str]], delimiter: str = ",") -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    return path


def valid_row(paper_form, respondent: str) -> list[str]:
    codes, answers = paper_form
    return [respondent, *(answers[code] for code in codes)]


def test_a_100000_deep_json_array_is_a_clear_error(kesra_role, tmp_path):
    source = tmp_path / "in.json"
    source.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(CommandError, match="nested too deeply"):
        call_command("score_responses", "kabag-kesra", str(source))


def test_a_5000_digit_number_and_a_lone_surrogate_reject_only_their_rows(paper_form, tmp_path):
    _codes, answers = paper_form
    good = json.dumps({"respondent": "R1", **answers})
    surrogate = good.replace('"R1"', '"R\\ud800"')
    huge = good.replace('"R1"', '"R3"').replace(
        f'"L01": "{answers["L01"]}"', '"L01": ' + "9" * 5000
    )
    source = tmp_path / "in.json"
    source.write_text(f"[{good}, {surrogate}, {huge}]")
    output = tmp_path / "out.csv"
    output.write_text("the previous results\n")

    code, _out, err = run("score_responses", "kabag-kesra", str(source), "--output", str(output))

    rows = list(csv.DictReader(io.StringIO(output.read_text(encoding="utf-8"))))
    assert code == 1
    assert [row["respondent"] for row in rows] == ["R1"]
    assert "object 2 (R\\ud800): the respondent id holds NUL or a character that is not text" in err
    assert "object 3 (R3): L01: 5000 characters, at most 100" in err
    assert "1 scored, 2 rejected." in err
    assert encodable(err)


def test_the_output_is_replaced_whole_or_left_as_it_was(paper_form, tmp_path, monkeypatch):
    source = write_csv(
        tmp_path / "in.csv", [["respondent", *paper_form[0]], valid_row(paper_form, "R1")]
    )
    output = tmp_path / "out.csv"
    output.write_text("the previous results\n")
    output.chmod(0o640)

    def interrupted(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(CommandError, match="No space left on device"):
        call_command("score_responses", "kabag-kesra", str(source), "--output", str(output))
    assert output.read_text() == "the previous results\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["in.csv", "out.csv"]

    monkeypatch.undo()
    code, _out, _err = run("score_responses", "kabag-kesra", str(source), "--output", str(output))
    assert code == 0
    assert output.read_text().startswith("respondent,verdict")
    assert output.stat().st_mode & 0o777 == 0o640  # the file's own permissions are kept


def test_an_unreadable_input_leaves_the_output_alone(kesra_role, tmp_path):
    source = tmp_path / "in.json"
    source.write_text("{not json")
    output = tmp_path / "out.csv"
    output.write_text("the previous results\n")
    with pytest.raises(CommandError):
        call_command("score_responses", "kabag-kesra", str(source), "--output", str(output))
    assert output.read_text() == "the previous results\n"


def test_a_duplicated_column_is_refused_with_both_places(paper_form, tmp_path):
    codes = paper_form[0]
    header = ["respondent", *codes[:5], codes[1], *codes[5:]]
    source = write_csv(tmp_path / "in.csv", [header])
    with pytest.raises(
        CommandError, match=f"column '{codes[1]}' appears twice in the header \\(columns 3 and 7\\)"
    ):
        call_command("score_responses", "kabag-kesra", str(source))


def test_a_duplicated_key_in_a_json_object_rejects_that_object(paper_form, tmp_path):
    codes, answers = paper_form
    body = ", ".join(f'"{code}": "{answers[code]}"' for code in codes)
    source = tmp_path / "in.json"
    source.write_text(f'[{{"respondent": "R1", {body}, "{codes[0]}": "1"}}]')
    code, _out, err = run("score_responses", "kabag-kesra", str(source))
    assert code == 1
    assert f"object 1 (R1): key(s) given more than once: {codes[0]}" in err


def test_values_past_the_header_reject_the_row_with_its_line(paper_form, tmp_path):
    rows = [["respondent", *paper_form[0]], valid_row(paper_form, "R1")]
    rows.append([*valid_row(paper_form, "R2"), "5", "5"])
    source = write_csv(tmp_path / "in.csv", rows)
    code, out, err = run("score_responses", "kabag-kesra", str(source))
    assert code == 1
    assert f"line 3 (R2): 2 value(s) past the header's {len(rows[0])} columns" in err
    assert [row["respondent"] for row in csv.DictReader(io.StringIO(out))] == ["R1"]


@pytest.mark.parametrize(("delimiter", "name"), [(";", "semicolon"), ("\t", "tab"), (",", "comma")])
def test_the_delimiter_is_detected_and_named(paper_form, tmp_path, delimiter, name):
    rows = [["respondent", *paper_form[0]], valid_row(paper_form, "R1")]
    source = write_csv(tmp_path / "in.csv", rows, delimiter)
    code, out, err = run("score_responses", "kabag-kesra", str(source))
    assert code == 0, err
    assert f"as {name}-separated, {len(rows[0])} columns" in err
    assert "1 scored, 0 rejected." in err


def test_a_single_column_header_says_what_was_expected(kesra_role, tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("respondent|L01|L02\nR1|5|5\n")
    with pytest.raises(
        CommandError,
        match="single column: expected item codes separated by commas, semicolons or tabs",
    ):
        call_command("score_responses", "kabag-kesra", str(source))


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_formula_cells_are_neutralised_in_the_csv_output(paper_form, tmp_path, start):
    respondent = f"{start}cmd|' /C calc'!A0"
    source = tmp_path / "in.json"
    source.write_text(json.dumps([{"respondent": respondent, **paper_form[1]}]))

    code, out, err = run("score_responses", "kabag-kesra", str(source))
    json_out = run("score_responses", "kabag-kesra", str(source), "--format", "json")[1]

    [row] = list(csv.DictReader(io.StringIO(out)))
    assert code == 0, err
    assert row["respondent"] == "'" + respondent
    assert json.loads(json_out)[0]["respondent"] == respondent  # JSON is data, not a sheet


def test_a_formula_typed_into_a_csv_file_is_neutralised_too(paper_form, tmp_path):
    rows = [["respondent", *paper_form[0]], valid_row(paper_form, '=HYPERLINK("x")')]
    source = write_csv(tmp_path / "in.csv", rows)
    _code, out, _err = run("score_responses", "kabag-kesra", str(source))
    assert out.splitlines()[1].startswith('"\'=HYPERLINK(""x"")",')


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HOSTILE_CELLS = st.one_of(
    st.sampled_from(
        ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "", " ", "x" * 300, "a\x00b", '"', ";"]
        + [",", "\t", "\n", "5", "A", "agree", "setuju", "9" * 5000]
    ),
    st.text(max_size=12),
)


@st.composite
def hostile_csv(draw, codes: list[str], answers: dict[str, str]) -> str:
    header = ["respondent", *codes]
    if draw(st.booleans()):
        header.insert(draw(st.integers(1, len(header))), draw(st.sampled_from(codes)))
    rows = [header]
    for number in range(draw(st.integers(0, 3))):
        row = [draw(HOSTILE_CELLS) if draw(st.booleans()) else f"R{number}"]
        row += [
            draw(HOSTILE_CELLS) if draw(st.integers(0, 9)) == 0 else answers[code] for code in codes
        ]
        row += draw(st.lists(HOSTILE_CELLS, max_size=2))
        rows.append(row)
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return out.getvalue()


@st.composite
def hostile_json(draw, codes: list[str], answers: dict[str, str]) -> str:
    objects = []
    for number in range(draw(st.integers(0, 3))):
        entry = {"respondent": f"R{number}", **answers}
        for _change in range(draw(st.integers(0, 3))):
            key = draw(st.sampled_from(["respondent", *codes, "unknown"]))
            entry[key] = "__raw__"
        raw = draw(
            st.sampled_from(
                ['"\\ud800"', '"a\\u0000"', "9" * 5000, "1e999", "NaN", "[1]", '{"a": 1}']
                + ["null", "true", '"=cmd"', "[" * 50 + "]" * 50]
            )
        )
        objects.append(json.dumps(entry).replace('"__raw__"', raw))
    return "[" + ", ".join(objects) + "]"


@fuzz_settings(FUZZ, max_examples=60)
@given(data=st.data())
def test_fuzzed_response_files_never_crash_and_never_leave_a_formula(paper_form, tmp_path, data):
    codes, answers = paper_form
    kind = data.draw(st.sampled_from(["csv", "json"]))
    strategy = hostile_csv if kind == "csv" else hostile_json
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    source = folder / f"in.{kind}"
    source.write_text(data.draw(strategy(codes, answers), label="file"), encoding="utf-8")
    output = folder / "out.csv"
    output.write_text("the previous results\n")

    try:
        code, _out, err = run(
            "score_responses", "kabag-kesra", str(source), "--output", str(output)
        )
    except CommandError as refused:
        assert encodable(str(refused))
        assert output.read_text() == "the previous results\n"
    else:
        assert code in (0, 1)
        assert encodable(err)
        rows = list(csv.reader(io.StringIO(output.read_text(encoding="utf-8"))))
        assert rows[0][:2] == ["respondent", "verdict"]
        for row in rows[1:]:
            assert not any(cell.startswith(FORMULA_STARTS) for cell in row), row
    assert sorted(path.name for path in folder.iterdir()) == sorted([source.name, "out.csv"])
