"""Paper questionnaires: the template of a questionnaire, and scoring a file of respondents.

The result schema (one record per respondent, in this column order) is ``respondent`` and
then the columns of ``records.result_columns``, the same as the results export's:

``verdict`` (``cocok``, ``cukup_cocok``, ``kurang_cocok``, ``tidak_cocok``...) and
``verdict_label``, ``overall_fit`` (0-100, two decimals), ``trait_<key>`` for every trait of
the role (0-100, two decimals), ``knockouts`` (trait keys) and ``knockouts_labels`` (their
names), ``mismatches`` (trait keys, largest weighted gap first) and ``mismatches_labels``,
``misconceptions`` (item codes) and ``misconceptions_labels`` (the beliefs),
``direct_service_share`` (0-100, empty without preference items), ``suggested_role`` (slug,
or empty), ``education_field`` and ``education_field_label``, ``education_match``
(``true``, ``false``, or empty without a background item), ``profile_version``. Labels are
in the active language.

In CSV, lists are joined with ``;``, and a cell that a spreadsheet would run as a formula
(one starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is written with a
leading ``'``. In JSON, lists are arrays, ``education_match`` is a boolean or null, and the
trait scores are also under ``trait_<key>``.

Input files are typed in by hand or exported from spreadsheets, so they are read warily:
the CSV delimiter (comma, semicolon or tab) is detected from the header and named; a
header with a column twice, an unnamed column or too many columns is refused; a row with
values past the header, a value too long, NUL or a lone surrogate is rejected with its
line; a file of more than ``MAX_ROWS`` respondents is refused.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .. import scoring
from ..models import Item
from ..snapshots import profile_from_snapshot
from . import records
from .text import is_broken, shown

# Answered on the 1-5 agreement scale: statements, and the response-quality checks.
AGREEMENT_KINDS = (scoring.LIKERT, Item.Kind.CHECK)
# Answered with an option code.
OPTION_KINDS = (scoring.SCENARIO, Item.Kind.KNOWLEDGE, scoring.PREFERENCE)

TEMPLATE_COLUMNS = (
    "section",
    "section_title",
    "order",
    "code",
    "kind",
    "trait",
    "keyed",
    "option",
    "option_score",
    "direct_service",
    "text",
)
# Paper forms may write the belief answers in Indonesian.
BELIEF_ALIASES = {
    "setuju": scoring.AGREE,
    "s": scoring.AGREE,
    "agree": scoring.AGREE,
    "tidak setuju": scoring.DISAGREE,
    "tidak_setuju": scoring.DISAGREE,
    "ts": scoring.DISAGREE,
    "disagree": scoring.DISAGREE,
}
# The agreement scale in the words of the printed form (and its usual abbreviations).
LIKERT_WORDS = {
    "sangat tidak setuju": "1",
    "sts": "1",
    "tidak setuju": "2",
    "ts": "2",
    "ragu-ragu": "3",
    "ragu ragu": "3",
    "ragu": "3",
    "netral": "3",
    "setuju": "4",
    "s": "4",
    "sangat setuju": "5",
    "ss": "5",
}
# What the entry sheet offers for each kind, in the printed form's words.
LIKERT_ENTRY = ("1", "2", "3", "4", "5")
BELIEF_ENTRY = ("setuju", "tidak setuju")
RESPONDENT = "respondent"
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}
MAX_ROWS = 100_000
MAX_COLUMNS = 500
# An answer is a digit, an option code or a field code; an id is a short label.
MAX_VALUE_CHARS = 100
MAX_RESPONDENT_CHARS = 200
# What a spreadsheet takes for the start of a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def keyed_direction(item: dict[str, Any]) -> str:
    """``+`` or ``-`` for the agreement scale (``-``: agreeing is the low-scoring answer of a
    statement, or the improbable answer of a check), the keyed answer of a belief item."""
    if item["kind"] in AGREEMENT_KINDS:
        return "-" if item["reverse_keyed"] else "+"
    if item["kind"] == scoring.BELIEF:
        return item["keyed_answer"] or ""
    return ""


def template_rows(snapshot: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per item (and per option of items with options), in questionnaire order."""
    items = {item["code"]: item for item in snapshot["items"]}
    rows = []
    for section_number, section in enumerate(snapshot["sections"], start=1):
        for order, code in enumerate(section["items"], start=1):
            item = items[code]
            base = {
                "section": section_number,
                "section_title": section["title"],
                "order": order,
                "code": code,
                "kind": item["kind"],
                "trait": item["trait"] or "",
                "keyed": keyed_direction(item),
                "option": "",
                "option_score": "",
                "direct_service": "",
                "text": item["text"],
            }
            if item["kind"] in AGREEMENT_KINDS:
                rows.append({**base, "option": "1-5"})
            elif item["kind"] == scoring.BELIEF:
                rows.append({**base, "option": "agree|disagree"})
            elif item["kind"] == scoring.BACKGROUND:
                for field in snapshot["education_fields"]:
                    rows.append({**base, "option": field["code"], "text": field["name"]})
            else:
                for option in item["options"]:
                    rows.append(
                        {
                            **base,
                            "option": option["code"],
                            "option_score": "" if option["score"] is None else option["score"],
                            "direct_service": "yes" if option["direct_service"] else "",
                            "text": option["text"],
                        }
                    )
    return rows


def template_json(snapshot: dict[str, Any]) -> dict[str, Any]:
    """The questionnaire as a nested document, for paper forms and data entry tools."""
    items = {item["code"]: item for item in snapshot["items"]}
    return {
        "role": snapshot["slug"],
        "version": snapshot["version"],
        "traits": [
            {"key": t["key"], "weight": t["weight"], "required_level": t["required_level"]}
            for t in snapshot["traits"]
        ],
        "education_fields": [
            {"code": f["code"], "name": f["name"], "preferred": f["preferred"]}
            for f in snapshot["education_fields"]
        ],
        "sections": [
            {
                "number": number,
                "title": section["title"],
                "items": [
                    {
                        "code": code,
                        "kind": items[code]["kind"],
                        "trait": items[code]["trait"],
                        "keyed": keyed_direction(items[code]),
                        "text": items[code]["text"],
                        "options": [
                            {
                                "code": option["code"],
                                "score": option["score"],
                                "direct_service": option["direct_service"],
                                "text": option["text"],
                            }
                            for option in items[code]["options"]
                        ],
                    }
                    for code in section["items"]
                ],
            }
            for number, section in enumerate(snapshot["sections"], start=1)
        ],
    }


@dataclass(frozen=True)
class Respondent:
    line: int
    respondent: str
    answers: dict[str, str]


@dataclass(frozen=True)
class Rejected:
    line: int
    respondent: str
    reason: str


class UnreadableFile(ValueError):
    """The file as a whole cannot be read (not a CSV with a header, not a JSON array...)."""


def detect_delimiter(text: str) -> str:
    """The delimiter of the header row: the one of DELIMITERS it holds most often."""
    header = text.split("\n", 1)[0]
    counts = {delimiter: header.count(delimiter) for delimiter in DELIMITERS}
    delimiter = max(counts, key=lambda candidate: counts[candidate])
    if counts[delimiter] == 0:
        raise UnreadableFile(
            f"the header row {shown(header, 40)!r} is a single column: expected item codes "
            "separated by commas, semicolons or tabs"
        )
    return delimiter


def check_header(columns: list[str]) -> None:
    if len(columns) > MAX_COLUMNS:
        raise UnreadableFile(f"the header has {len(columns)} columns; at most {MAX_COLUMNS}")
    seen: dict[str, int] = {}
    for number, name in enumerate(columns, start=1):
        if not name:
            raise UnreadableFile(f"column {number} of the header has no name")
        if is_broken(name) or len(name) > MAX_VALUE_CHARS:
            raise UnreadableFile(f"column {number} of the header is not an item code")
        if name in seen:
            raise UnreadableFile(
                f"column {shown(name)!r} appears twice in the header "
                f"(columns {seen[name]} and {number})"
            )
        seen[name] = number


def value_problem(code: str, value: str) -> str | None:
    if is_broken(value):
        return f"{shown(code)}: holds NUL or a character that is not text"
    if len(value) > MAX_VALUE_CHARS:
        return f"{shown(code)}: {len(value)} characters, at most {MAX_VALUE_CHARS}"
    return None


def respondent_problem(respondent: str) -> str | None:
    if is_broken(respondent):
        return "the respondent id holds NUL or a character that is not text"
    if len(respondent) > MAX_RESPONDENT_CHARS:
        return f"the respondent id has {len(respondent)} characters, at most {MAX_RESPONDENT_CHARS}"
    return None


def row_problems(respondent: str, answers: dict[str, str]) -> str | None:
    problems = [respondent_problem(respondent)]
    problems += [value_problem(code, value) for code, value in answers.items()]
    found = [problem for problem in problems if problem]
    return "; ".join(found) if found else None


@dataclass(frozen=True)
class CsvFile:
    delimiter: str
    columns: list[str]
    rows: Iterator[Respondent | Rejected]

    @property
    def description(self) -> str:
        return f"{DELIMITERS[self.delimiter]}-separated, {len(self.columns)} columns"


def read_csv(text: str) -> CsvFile:
    """The header and the rows of a CSV file of respondents, with its delimiter detected."""
    if text.count("\n") > MAX_ROWS + 1:
        raise UnreadableFile(f"more than {MAX_ROWS} rows: split the file")
    delimiter = detect_delimiter(text)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise UnreadableFile("the CSV file has no header row") from None
    columns = [name.strip() for name in header]
    check_header(columns)
    return CsvFile(delimiter, columns, _csv_rows(reader, columns))


def _csv_rows(reader, columns: list[str]) -> Iterator[Respondent | Rejected]:
    for values in reader:
        # reader.line_num is the physical line the row ended on; the header is line 1.
        line = reader.line_num
        row = dict(zip(columns, (value.strip() for value in values), strict=False))
        respondent = row.pop(RESPONDENT, "")
        answers = {code: value for code, value in row.items() if value != ""}
        if not answers and not respondent and not any(v.strip() for v in values):
            continue  # a blank line
        label = respondent or f"line-{line}"
        if len(values) > len(columns):
            extra = len(values) - len(columns)
            yield Rejected(
                line, label, f"{extra} value(s) past the header's {len(columns)} columns"
            )
            continue
        if problem := row_problems(respondent, answers):
            yield Rejected(line, label, problem)
            continue
        yield Respondent(line=line, respondent=label, answers=answers)


class _Pairs(dict):
    """A JSON object, remembering the keys it had more than once."""

    duplicates: list[str]


def _object(pairs: list[tuple[str, Any]]) -> _Pairs:
    obj = _Pairs(pairs)
    counts = Counter(key for key, _value in pairs)
    obj.duplicates = sorted(key for key, count in counts.items() if count > 1)
    return obj


def read_json(text: str) -> Iterator[Respondent | Rejected]:
    try:
        # Numbers are kept as they are written: an answer is compared as text anyway, and a
        # 5,000-digit integer is then just a value too long, not a conversion error.
        data = json.loads(
            text,
            object_pairs_hook=_object,
            parse_int=str,
            parse_float=str,
            parse_constant=str,
        )
    except json.JSONDecodeError as error:
        raise UnreadableFile(f"not valid JSON: {error}") from error
    except RecursionError:
        raise UnreadableFile("not valid JSON here: nested too deeply") from None
    if isinstance(data, dict) and isinstance(data.get("respondents"), list):
        data = data["respondents"]
    if not isinstance(data, list):
        raise UnreadableFile("expected a JSON array of respondent objects")
    if len(data) > MAX_ROWS:
        raise UnreadableFile(f"more than {MAX_ROWS} respondents: split the file")
    return _json_rows(data)


def _json_rows(data: list) -> Iterator[Respondent | Rejected]:
    for number, row in enumerate(data, start=1):
        if not isinstance(row, dict):
            yield Rejected(number, f"object-{number}", "not a JSON object")
            continue
        raw_id = row.get(RESPONDENT)
        respondent = raw_id if isinstance(raw_id, str) else ""
        label = respondent or f"object-{number}"
        if row.duplicates:
            keys = ", ".join(shown(key) for key in row.duplicates[:5])
            yield Rejected(number, label, f"key(s) given more than once: {keys}")
            continue
        if len(row) > MAX_COLUMNS:
            yield Rejected(number, label, f"{len(row)} keys; at most {MAX_COLUMNS}")
            continue
        nested = [key for key, value in row.items() if isinstance(value, dict | list)]
        if nested or (raw_id is not None and not isinstance(raw_id, str)):
            what = ", ".join(shown(key) for key in nested[:5]) or RESPONDENT
            yield Rejected(number, label, f"not a single value: {what}")
            continue
        answers = {
            key: "" if value is None else str(value).strip()
            for key, value in row.items()
            if key != RESPONDENT
        }
        answers = {key: value for key, value in answers.items() if value != ""}
        key_problems = [
            f"key {shown(key)!r} is not an item code"
            for key in answers
            if is_broken(key) or len(key) > MAX_VALUE_CHARS
        ]
        if key_problems or (problem := row_problems(respondent, answers)):
            yield Rejected(number, label, "; ".join(key_problems) or problem)
            continue
        yield Respondent(line=number, respondent=label, answers=answers)


def field_names(snapshot: dict[str, Any]) -> dict[str, str]:
    """Education fields by their names as written on paper (lower case), to their codes."""
    names = {}
    for field in snapshot.get("education_fields", []):
        for name in (field.get("name"), field.get("name_en"), field.get("code")):
            if name:
                names[name.strip().lower()] = field["code"]
    return names


def normalise(
    profile: scoring.Profile, answers: dict[str, str], fields: dict[str, str] | None = None
) -> dict[str, str]:
    """Answers as the scoring reads them, from what paper and spreadsheets hold: the
    agreement scale in words ("sangat setuju") or as a number a spreadsheet wrote ("5.0"),
    beliefs as "setuju"/"tidak setuju", option letters in either case, a field of study by
    its name (``fields``, from ``field_names``)."""
    kinds = {item.code: item.kind for item in profile.items}
    clean = {}
    for code, value in answers.items():
        value = value.strip()
        kind = kinds.get(code)
        if kind == scoring.BELIEF:
            value = BELIEF_ALIASES.get(value.lower(), value)
        elif kind in AGREEMENT_KINDS:
            value = LIKERT_WORDS.get(value.lower(), value)
            if value.endswith(".0") and value[:-2].isdigit():
                value = value[:-2]
        elif kind in OPTION_KINDS:
            value = value.upper()
        elif kind == scoring.BACKGROUND and fields:
            value = fields.get(value.lower(), value)
        clean[code] = value
    return clean


def unknown_columns(snapshot: dict[str, Any], columns: Iterable[str]) -> list[str]:
    """The columns of an uploaded file that are neither an item code nor the respondent."""
    codes = {item["code"] for item in snapshot["items"]}
    return [column for column in columns if column not in codes and column != RESPONDENT]


def without_columns(rows: Iterable[Respondent | Rejected], dropped: Iterable[str]):
    """``rows`` with the answers under ``dropped`` left out (HR confirmed they are not items)."""
    dropped = set(dropped)
    for row in rows:
        if isinstance(row, Respondent):
            answers = {code: value for code, value in row.answers.items() if code not in dropped}
            yield Respondent(line=row.line, respondent=row.respondent, answers=answers)
        else:
            yield row


# --- The entry sheet: what HR fills in from the paper forms ---------------------------------


def entry_columns(snapshot: dict[str, Any]) -> list[str]:
    """``respondent``, then every item code in questionnaire order."""
    return [RESPONDENT, *(code for section in snapshot["sections"] for code in section["items"])]


def allowed_answers(snapshot: dict[str, Any], item: dict[str, Any]) -> list[str]:
    """What may be written for ``item``, in the printed form's words."""
    kind = item["kind"]
    if kind in AGREEMENT_KINDS:
        return list(LIKERT_ENTRY)
    if kind == scoring.BELIEF:
        return list(BELIEF_ENTRY)
    if kind == scoring.BACKGROUND:
        return [field["name"] for field in snapshot["education_fields"]]
    return [option["code"] for option in item["options"]]


def entry_sheet_csv(snapshot: dict[str, Any]) -> str:
    """The entry sheet as CSV for Indonesian Excel: a byte order mark, ``;``, the header."""
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerow(entry_columns(snapshot))
    return "\ufeff" + out.getvalue()


def entry_sheet_xlsx(snapshot: dict[str, Any], *, rows: int = 500) -> bytes:
    """The entry sheet as XLSX: a bold, frozen header of item codes, each column checked
    against its allowed answers (listed on a second sheet, in the printed form's words)."""
    items = {item["code"]: item for item in snapshot["items"]}
    columns = entry_columns(snapshot)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Isian"
    answers = workbook.create_sheet("Jawaban yang boleh")
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "B2"
    answers.append(["Kode butir", "Teks", "Jawaban yang boleh"])
    for cell in answers[1]:
        cell.font = Font(bold=True)
    for number, code in enumerate(columns[1:], start=2):
        item = items[code]
        allowed = allowed_answers(snapshot, item)
        answer_row = answers.max_row + 1
        answers.append([code, item["text"], *allowed])
        first = get_column_letter(3)
        last = get_column_letter(2 + len(allowed))
        validation = DataValidation(
            type="list",
            formula1=f"'Jawaban yang boleh'!${first}${answer_row}:${last}${answer_row}",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Jawaban tidak dikenal",
            error=f"{code}: pilih salah satu dari {', '.join(allowed)}.",
        )
        letter = get_column_letter(number)
        validation.add(f"{letter}2:{letter}{rows + 1}")
        sheet.add_data_validation(validation)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def read_xlsx(data: bytes) -> str:
    """The first sheet of an uploaded XLSX as CSV text, for the same reading as a CSV file."""
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not XLSX
        raise UnreadableFile("not a readable XLSX workbook") from error
    sheet = workbook.worksheets[0]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for count, row in enumerate(sheet.iter_rows(values_only=True)):
        if count > MAX_ROWS + 1:
            raise UnreadableFile(f"more than {MAX_ROWS} rows: split the file")
        values = ["" if value is None else _cell_text(value) for value in row[: MAX_COLUMNS + 1]]
        while values and values[-1] == "":
            values.pop()
        writer.writerow(values)
    workbook.close()
    return out.getvalue()


def _cell_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def score_respondents(
    snapshot: dict[str, Any],
    respondents: Iterable[Respondent | Rejected],
    *,
    optional: Iterable[str] = frozenset(),
) -> tuple[list[dict[str, Any]], list[Rejected]]:
    """Score every respondent; a bad one is rejected with its reason, the rest still scored.

    ``optional``: items a respondent may leave out, scored without them (a role's belief
    checks, when a form filled in for another role of its bank is scored for it too).
    """
    optional = frozenset(optional)
    profile = profile_from_snapshot(snapshot)
    trait_keys = [trait.key for trait in profile.traits]
    labels = records.Labels.of(snapshot)
    fields = field_names(snapshot)
    scored, rejected = [], []
    for respondent in respondents:
        if isinstance(respondent, Rejected):
            rejected.append(respondent)
            continue
        try:
            answers = normalise(profile, respondent.answers, fields)
            left_out = optional - answers.keys()
            result = scoring.score(
                profile=scoring.without_items(profile, left_out) if left_out else profile,
                answers=answers,
            )
        except scoring.InvalidAnswers as error:
            reason = "; ".join(f"{code}: {why}" for code, why in sorted(error.problems.items()))
            rejected.append(Rejected(respondent.line, respondent.respondent, reason))
            continue
        scored.append(
            {
                RESPONDENT: respondent.respondent,
                **records.result_record(
                    result, trait_keys=trait_keys, labels=labels, version=profile.version
                ),
            }
        )
    return scored, rejected


def result_columns(snapshot: dict[str, Any]) -> list[str]:
    return [RESPONDENT, *records.result_columns(trait["key"] for trait in snapshot["traits"])]


def other_roles_items(snapshot: dict[str, Any], bank_codes: Iterable[str]) -> set[str]:
    """The bank's items this role's questionnaire does not ask (the belief checks of its
    other roles): a file answering them was filled in for one of those roles."""
    return set(bank_codes) - {item["code"] for item in snapshot["items"]}


def grouped_records(
    scored: dict[str, list[dict[str, Any]]], snapshots: dict[str, dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[str]]:
    """One record per respondent scored for every role, with a column group per role (the
    role's slug before each of its columns). A respondent rejected for any role is left out
    (the rejection is reported)."""
    columns = [RESPONDENT]
    for slug, snapshot in snapshots.items():
        columns += [f"{slug}:{column}" for column in result_columns(snapshot)[1:]]
    by_respondent: dict[str, dict[str, Any]] = {}
    roles_of: dict[str, int] = {}
    for slug, role_records in scored.items():
        for record in role_records:
            respondent = record[RESPONDENT]
            row = by_respondent.setdefault(respondent, {RESPONDENT: respondent})
            row.update(
                {f"{slug}:{key}": value for key, value in record.items() if key != RESPONDENT}
            )
            roles_of[respondent] = roles_of.get(respondent, 0) + 1
    complete = [row for key, row in by_respondent.items() if roles_of[key] == len(snapshots)]
    return complete, columns


def write_csv(rows: Iterable[dict[str, Any]], columns: list[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(records.csv_row(row.get(key) for key in columns))
    return out.getvalue()


def write_results_csv(results: list[dict[str, Any]], columns: list[str]) -> str:
    """Scored respondents as CSV, every text cell a spreadsheet would run neutralised: the
    respondent ids come from the input file, which anyone may have typed. Lines end in CRLF
    (RFC 4180), so that a carriage return inside a cell is quoted like a line feed."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for record in results:
        writer.writerow(records.csv_row(record.get(key) for key in columns))
    return out.getvalue()
