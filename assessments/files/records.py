"""One record per result, and one way to write its cells: shared by every file of results.

The paper scoring (``files/paper.py``) and the results export (``files/exports.py``) both
describe a result with ``result_record``: codes for machines, with a label beside each code
for people (``verdict`` and ``verdict_label``, ``mismatches`` and ``mismatches_labels``...),
and every score rounded to ``DECIMALS`` places. Labels are in the active language, read
from the snapshot the result was scored against.

``csv_cell`` and ``xlsx_cell`` turn a record's values into spreadsheet cells: lists joined
with ``;``, booleans as ``true``/``false``, times in the site's time zone. A text that a
spreadsheet would run as a formula (``=1+1``, ``@A1``, ``-A1``) is written with a leading
apostrophe, since respondent ids come from uploaded files.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone

from .. import scoring
from ..snapshots import tr
from ..verdicts import QUALITY_TEXTS, VERDICT_TEXTS

DECIMALS = 2
LIST_SEPARATOR = ";"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# The columns of a result, in order; per trait ``trait_<key>`` (the blended score), then
# ``trait_<key>_self`` and ``trait_<key>_behaviour`` (its two kinds of evidence) and
# ``trait_<key>_low`` / ``_high`` (its band) go after ``overall_fit``.
LEADING = (
    "verdict",
    "verdict_label",
    "verdict_sure",
    "verdict_alternative",
    "overall_fit",
    "quality_flags",
    "quality_flags_labels",
)
TRAILING = (
    "uncertain_traits",
    "uncertain_traits_labels",
    "knockouts",
    "knockouts_labels",
    "mismatches",
    "mismatches_labels",
    "misconceptions",
    "misconceptions_labels",
    "direct_service_share",
    "suggested_role",
    "education_field",
    "education_field_label",
    "education_match",
    "profile_version",
)


def verdict_label(code: str) -> str:
    """The verdict as HR and job seekers read it, in the active language."""
    text = VERDICT_TEXTS.get(code)
    return str(text.label) if text else code


def rounded(value: float | None) -> float | None:
    return None if value is None else round(value, DECIMALS)


@dataclass(frozen=True)
class Labels:
    """What the codes in a result are called, from the snapshot it was scored against."""

    traits: Mapping[str, str]
    misconceptions: Mapping[str, str]
    education_fields: Mapping[str, str]

    @classmethod
    def of(cls, snapshot: Mapping[str, Any]) -> Labels:
        beliefs = {belief["key"]: belief for belief in snapshot["beliefs"]}
        misconceptions = {}
        for item in snapshot["items"]:
            if item["kind"] == scoring.BELIEF:
                belief = beliefs.get(item["belief"] or "")
                misconceptions[item["code"]] = tr(belief, "belief") if belief else tr(item, "text")
        return cls(
            traits={trait["key"]: tr(trait, "name") for trait in snapshot["traits"]},
            misconceptions=misconceptions,
            education_fields={
                field["code"]: tr(field, "name") for field in snapshot["education_fields"]
            },
        )

    def names(self, table: Mapping[str, str], codes: Iterable[str]) -> list[str]:
        return [table.get(code, code) for code in codes]


def trait_columns(trait_keys: Iterable[str]) -> list[str]:
    return [
        column
        for key in trait_keys
        for column in (
            f"trait_{key}",
            f"trait_{key}_self",
            f"trait_{key}_behaviour",
            f"trait_{key}_low",
            f"trait_{key}_high",
        )
    ]


def quality_label(code: str) -> str:
    text = QUALITY_TEXTS.get(code)
    return str(text.label) if text else code


def result_columns(trait_keys: Iterable[str]) -> list[str]:
    return [*LEADING, *trait_columns(trait_keys), *TRAILING]


def result_record(
    result: scoring.Result, *, trait_keys: Iterable[str], labels: Labels, version: int
) -> dict[str, Any]:
    """The result as a record of ``result_columns(trait_keys)``: codes, labels, rounded."""
    traits = {trait.key: trait for trait in result.traits}
    patterns = [*result.quality_flags, *result.quality_warnings]
    record: dict[str, Any] = {
        "verdict": result.verdict,
        "verdict_label": verdict_label(result.verdict),
        # Whether the bands allow this verdict only, and if not, the other one they allow
        # (empty in results stored before bands existed: shown as stored).
        "verdict_sure": result.verdict_sure,
        "verdict_alternative": result.verdict_alternative or "",
        "overall_fit": rounded(result.overall_fit),
        "quality_flags": patterns,
        "quality_flags_labels": [quality_label(code) for code in patterns],
    }
    for key in trait_keys:
        trait = traits.get(key)
        record[f"trait_{key}"] = rounded(trait.score if trait else None)
        record[f"trait_{key}_self"] = rounded(trait.self_score if trait else None)
        record[f"trait_{key}_behaviour"] = rounded(trait.behaviour_score if trait else None)
        record[f"trait_{key}_low"] = rounded(trait.low if trait else None)
        record[f"trait_{key}_high"] = rounded(trait.high if trait else None)
    uncertain = result.uncertain_traits
    record.update(
        uncertain_traits=list(uncertain),
        uncertain_traits_labels=labels.names(labels.traits, uncertain),
        knockouts=list(result.knockouts),
        knockouts_labels=labels.names(labels.traits, result.knockouts),
        mismatches=list(result.mismatches),
        mismatches_labels=labels.names(labels.traits, result.mismatches),
        misconceptions=list(result.misconceptions),
        misconceptions_labels=labels.names(labels.misconceptions, result.misconceptions),
        direct_service_share=rounded(result.direct_service_share),
        suggested_role=result.suggested_role,
        education_field=result.education_field,
        education_field_label=(
            labels.education_fields.get(result.education_field, result.education_field)
            if result.education_field
            else None
        ),
        education_match=result.education_match,
        profile_version=version,
    )
    return record


# --- Cells --------------------------------------------------------------------------------


def _safe_text(text: str) -> str:
    """``text``, with an apostrophe before it if a spreadsheet would run it as a formula.

    A lone sign (the template's keyed ``+`` and ``-``) or a number is no formula.
    """
    if len(text) < 2 or not text.startswith(FORMULA_STARTS):
        return text
    try:
        float(text)
    except ValueError:
        return f"'{text}"
    return text


def csv_cell(value: Any) -> str:
    """A record's value as the text of one CSV cell."""
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, list | tuple):
        return _safe_text(LIST_SEPARATOR.join(str(part) for part in value))
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, str):
        return _safe_text(value)
    return str(value)


def xlsx_cell(value: Any) -> Any:
    """A record's value as one XLSX cell: numbers stay numbers."""
    if isinstance(value, datetime):
        # Spreadsheets have no time zones: the site's local time, as the admin shows it.
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, list | tuple | str):
        return csv_cell(value)
    return value


def csv_row(values: Iterable[Any]) -> list[str]:
    return [csv_cell(value) for value in values]
