"""Paper questionnaires: the template of a questionnaire, and scoring a file of respondents.

The result schema (one record per respondent, in this column order) is stable:

``respondent``, ``verdict`` (``cocok``, ``cukup_cocok``, ``kurang_cocok`` or ``tidak_cocok``),
``overall_fit`` (0-100, two decimals), ``trait_<key>`` for every trait of the role (0-100,
two decimals), ``knockouts`` (trait keys), ``mismatches`` (trait keys, largest weighted gap
first), ``misconceptions`` (item codes), ``direct_service_share`` (0-100, empty without
preference items), ``suggested_role`` (slug, or empty), ``education_match`` (``true``,
``false``, or empty without a background item), ``profile_version``.

In CSV, lists are joined with ``;``. In JSON, lists are arrays, ``education_match`` is a
boolean or null, and the trait scores are also under ``trait_<key>``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from .. import scoring
from ..models import Item
from ..snapshots import profile_from_snapshot

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
RESPONDENT = "respondent"


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


def read_csv(text: str) -> Iterator[Respondent]:
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames:
        raise UnreadableFile("the CSV file has no header row")
    for row in reader:
        answers = {
            str(key).strip(): (value or "").strip()
            for key, value in row.items()
            if key not in (None, RESPONDENT)
        }
        if not any(answers.values()) and not (row.get(RESPONDENT) or "").strip():
            continue  # a blank line
        # reader.line_num is the physical line the row ended on; the header is line 1.
        yield Respondent(
            line=reader.line_num,
            respondent=(row.get(RESPONDENT) or "").strip() or f"line-{reader.line_num}",
            answers={key: value for key, value in answers.items() if value != ""},
        )


def read_json(text: str) -> Iterator[Respondent | Rejected]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise UnreadableFile(f"not valid JSON: {error}") from error
    if isinstance(data, dict) and isinstance(data.get("respondents"), list):
        data = data["respondents"]
    if not isinstance(data, list):
        raise UnreadableFile("expected a JSON array of respondent objects")
    for number, row in enumerate(data, start=1):
        if not isinstance(row, dict):
            yield Rejected(number, f"object-{number}", "not a JSON object")
            continue
        respondent = str(row.get(RESPONDENT) or f"object-{number}")
        answers = {
            str(key): "" if value is None else str(value)
            for key, value in row.items()
            if key != RESPONDENT
        }
        yield Respondent(
            line=number,
            respondent=respondent,
            answers={key: value for key, value in answers.items() if value != ""},
        )


def normalise(profile: scoring.Profile, answers: dict[str, str]) -> dict[str, str]:
    kinds = {item.code: item.kind for item in profile.items}
    clean = {}
    for code, value in answers.items():
        if kinds.get(code) == scoring.BELIEF:
            value = BELIEF_ALIASES.get(value.strip().lower(), value)
        elif kinds.get(code) in OPTION_KINDS:
            value = value.strip().upper()
        clean[code] = value.strip()
    return clean


def result_record(
    respondent: str, result: scoring.Result, trait_keys: Iterable[str], version: int
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "respondent": respondent,
        "verdict": result.verdict,
        "overall_fit": round(result.overall_fit, 2),
    }
    for key in trait_keys:
        record[f"trait_{key}"] = round(result.trait(key).score, 2)
    record.update(
        knockouts=list(result.knockouts),
        mismatches=list(result.mismatches),
        misconceptions=list(result.misconceptions),
        direct_service_share=(
            None if result.direct_service_share is None else round(result.direct_service_share, 2)
        ),
        suggested_role=result.suggested_role,
        education_match=result.education_match,
        profile_version=version,
    )
    return record


def score_respondents(
    snapshot: dict[str, Any], respondents: Iterable[Respondent | Rejected]
) -> tuple[list[dict[str, Any]], list[Rejected]]:
    """Score every respondent; a bad one is rejected with its reason, the rest still scored."""
    profile = profile_from_snapshot(snapshot)
    trait_keys = [trait.key for trait in profile.traits]
    records, rejected = [], []
    for respondent in respondents:
        if isinstance(respondent, Rejected):
            rejected.append(respondent)
            continue
        try:
            result = scoring.score(profile=profile, answers=normalise(profile, respondent.answers))
        except scoring.InvalidAnswers as error:
            reason = "; ".join(f"{code}: {why}" for code, why in sorted(error.problems.items()))
            rejected.append(Rejected(respondent.line, respondent.respondent, reason))
            continue
        records.append(result_record(respondent.respondent, result, trait_keys, profile.version))
    return records, rejected


def result_columns(snapshot: dict[str, Any]) -> list[str]:
    return [
        "respondent",
        "verdict",
        "overall_fit",
        *(f"trait_{trait['key']}" for trait in snapshot["traits"]),
        "knockouts",
        "mismatches",
        "misconceptions",
        "direct_service_share",
        "suggested_role",
        "education_match",
        "profile_version",
    ]


def csv_cell(value: Any) -> str:
    if isinstance(value, list):
        return ";".join(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    return str(value)


def write_csv(rows: list[dict[str, Any]], columns: list[str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: csv_cell(row.get(key)) for key in columns})
    return out.getvalue()
