"""A role's completed results as a spreadsheet (CSV or XLSX), anonymous.

One row per completed assessment started in the chosen days, with only what HR needs to
study the results: when it was started and completed, where (web or paper), the profile
version and language, then the result as ``records.result_record`` describes it for the
paper scoring too (verdict, overall fit, a column per trait, knockouts, mismatches and
misconceptions, each with its labels, the direct-service share, the field of study). No
token, no answers, no id: a row cannot be traced back to a visitor's link.

CSV is streamed row by row; XLSX is written by openpyxl in write-only mode; both write their
cells with ``records``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from django.db.models import Q
from openpyxl import Workbook

from .. import scoring
from ..models import Assessment, Role, TraitScore
from ..snapshots import version_data
from . import records

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LEADING_COLUMNS = ("created_at", "completed_at", "source", "role_version", "language")
CHUNK = 2000


def results_filename(role: Role, start: date, end: date) -> str:
    return f"{role.slug}-results-{start:%Y%m%d}-{end:%Y%m%d}"


def _completed(role: Role, start: datetime, end: datetime, source: str = ""):
    # Staff trying out a draft leave assessments that are no one's result.
    return Assessment.objects.filter(
        Q(source=source) if source else Q(),
        role=role,
        on_draft=False,
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
    return [*LEADING_COLUMNS, *records.result_columns(keys)]


def result_rows(
    role: Role, *, start: datetime, end: datetime, source: str = ""
) -> Iterator[list[Any]]:
    """The export's rows, oldest first, as Python values (times, lists, None).

    Each result is described by ``records.result_record``, with the labels of the version
    it was scored against.
    """
    keys = trait_keys(role, start=start, end=end)
    columns = header(keys)
    yield columns
    rows = (
        _completed(role, start, end, source)
        .order_by("created_at", "pk")
        .values_list(
            "created_at",
            "completed_at",
            "source",
            "role_version",
            "language",
            "profile_version_id",
            "result",
        )
    )
    labels: dict[int, records.Labels] = {}
    for *leading, version_id, result in rows.iterator(chunk_size=CHUNK):
        if version_id not in labels:
            labels[version_id] = records.Labels.of(version_data(version_id).snapshot)
        record = records.result_record(
            scoring.result_from_dict(result),
            trait_keys=keys,
            labels=labels[version_id],
            version=leading[3],
        )
        record.update(zip(LEADING_COLUMNS, leading, strict=True))
        yield [record.get(column) for column in columns]


class _Line:
    """A file-like object that hands back what csv.writer writes to it."""

    def write(self, text: str) -> str:
        return text


def results_csv(role: Role, *, start: datetime, end: datetime, source: str = "") -> Iterator[str]:
    """The export as CSV lines, streamed; ``source`` "web" or "paper" keeps only those."""
    writer = csv.writer(_Line())
    for row in result_rows(role, start=start, end=end, source=source):
        yield writer.writerow(records.csv_row(row))


def results_xlsx(role: Role, *, start: datetime, end: datetime, source: str = "") -> bytes:
    """The export as an XLSX workbook with one sheet."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("results")
    for row in result_rows(role, start=start, end=end, source=source):
        sheet.append([records.xlsx_cell(value) for value in row])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
