"""A role's completed results as a spreadsheet (CSV or XLSX), anonymous.

One row per completed assessment started in the chosen days, with only what HR needs to
study the results: when it was started and completed, the profile version and language,
the verdict and overall fit, each trait's score (a column per trait), the knockouts,
mismatches and misconceptions, the direct-service share and whether the field of study
matched. No token, no answers, no id: a row cannot be traced back to a visitor's link.

Lists are joined with ``;`` as in the paper-scoring output. CSV is streamed row by row;
XLSX is written by openpyxl in write-only mode.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from django.utils import timezone
from openpyxl import Workbook

from ..models import Assessment, Role, TraitScore

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LEADING_COLUMNS = (
    "created_at",
    "completed_at",
    "role_version",
    "language",
    "verdict",
    "overall_fit",
)
TRAILING_COLUMNS = (
    "knockouts",
    "mismatches",
    "misconceptions",
    "direct_service_share",
    "education_match",
)
CHUNK = 2000


def results_filename(role: Role, start: date, end: date) -> str:
    return f"{role.slug}-results-{start:%Y%m%d}-{end:%Y%m%d}"


def _completed(role: Role, start: datetime, end: datetime):
    return Assessment.objects.filter(
        role=role,
        status=Assessment.Status.COMPLETED,
        created_at__gte=start,
        created_at__lt=end,
    )


def trait_keys(role: Role, *, start: datetime, end: datetime) -> list[str]:
    """The trait columns: the role's traits in order, then any that older versions had."""
    current = list(role.traits.values_list("key", flat=True))
    scored = set(
        TraitScore.objects.filter(role=role, started_at__gte=start, started_at__lt=end)
        .values_list("trait_key", flat=True)
        .distinct()
        .order_by()
    )
    return current + sorted(scored - set(current))


def header(keys: list[str]) -> list[str]:
    return [*LEADING_COLUMNS, *(f"trait_{key}" for key in keys), *TRAILING_COLUMNS]


def result_rows(role: Role, *, start: datetime, end: datetime) -> Iterator[list[Any]]:
    """The export's rows, oldest first, as Python values (local times, lists, None)."""
    keys = trait_keys(role, start=start, end=end)
    yield header(keys)
    rows = (
        _completed(role, start, end)
        .order_by("created_at", "pk")
        .values_list(
            "created_at",
            "completed_at",
            "role_version",
            "language",
            "verdict",
            "overall_fit",
            "direct_service_share",
            "result",
        )
    )
    for *leading, direct_service_share, result in rows.iterator(chunk_size=CHUNK):
        scores = {trait["key"]: trait["score"] for trait in result.get("traits", [])}
        yield [
            *(
                timezone.localtime(value) if isinstance(value, datetime) else value
                for value in leading
            ),
            *(scores.get(key) for key in keys),
            result.get("knockouts", []),
            result.get("mismatches", []),
            result.get("misconceptions", []),
            direct_service_share,
            result.get("education_match"),
        ]


def _csv_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, list):
        return ";".join(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value


class _Line:
    """A file-like object that hands back what csv.writer writes to it."""

    def write(self, text: str) -> str:
        return text


def results_csv(role: Role, *, start: datetime, end: datetime) -> Iterator[str]:
    """The export as CSV lines, streamed."""
    writer = csv.writer(_Line())
    for row in result_rows(role, start=start, end=end):
        yield writer.writerow([_csv_value(value) for value in row])


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, datetime):
        # Spreadsheets have no time zones: the local time, as the dashboard shows it.
        return value.replace(tzinfo=None)
    if isinstance(value, list):
        return ";".join(value)
    return value


def results_xlsx(role: Role, *, start: datetime, end: datetime) -> bytes:
    """The export as an XLSX workbook with one sheet."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("results")
    for row in result_rows(role, start=start, end=end):
        sheet.append([_xlsx_value(value) for value in row])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
