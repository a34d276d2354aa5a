"""A role's completed results as a spreadsheet (CSV or XLSX), anonymous, for Excel users.

One row per completed assessment started in the chosen days, with only what HR needs to
study the results: the day it was started and completed, where (web or paper), the profile
version and language, then the result as ``records.result_record`` describes it (verdict,
overall fit, three columns per trait, knockouts, mismatches and misconceptions, each with
its labels, the direct-service share, whether the field of study is a preferred one), and
for each other published role of the role's item bank a group of columns: the same answers'
verdict and overall fit for that role. No
token, no answers, no id, no time of day: a row cannot be matched to a visitor's link or
to an assessment page.

The field of study itself is an answer: it is exported only for HR allowed to see answers
(``assessments.view_answers``); the others get whether it matches the profile.

Headers are in the active language and say what the column holds; a legend (a second
sheet of the XLSX, or the codebook file beside the CSV) explains every column and code.
The CSV is what Indonesian Excel opens by double-click: ``;`` between cells, a byte order
mark so that it reads UTF-8, a decimal comma. The XLSX keeps numbers and dates as such,
with a bold, frozen header row.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from .. import scoring
from ..models import Assessment, Role, RoleResult, TraitScore
from ..snapshots import version_data
from ..verdicts import QUALITY_TEXTS, VERDICT_TEXTS
from . import records

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_DELIMITER = ";"
BOM = "\ufeff"
CHUNK = 2000
# Columns that give the field of study itself: an answer, behind ``view_answers``.
FIELD_OF_STUDY = ("education_field", "education_field_label")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    meaning: str


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
    current = list(role.weighed_traits().values_list("key", flat=True))
    scored = set(
        TraitScore.objects.filter(role=role, started_at__gte=start, started_at__lt=end)
        .values_list("trait_key", flat=True)
        .distinct()
        .order_by()
    )
    return current + sorted(scored - set(current))


def other_roles(role: Role) -> list[Role]:
    """The other published roles of ``role``'s item bank, each a group of columns."""
    if role.bank_id is None:
        return []
    return list(Role.objects.published().filter(bank_id=role.bank_id).exclude(pk=role.pk))


def other_role_columns(others: list[Role]) -> list[Column]:
    listed = []
    for other in others:
        name = other.title
        listed += [
            Column(
                f"{other.slug}:verdict",
                _("%(role)s: putusan (kode)") % {"role": name},
                _(
                    "Putusan untuk jabatan %(role)s dari jawaban yang sama; kosong bila jabatan "
                    "itu tidak dapat dinilai dari jawaban ini."
                )
                % {"role": name},
            ),
            Column(
                f"{other.slug}:verdict_label",
                _("%(role)s: putusan") % {"role": name},
                _("Putusan untuk jabatan %(role)s seperti yang dibaca peserta.") % {"role": name},
            ),
            Column(
                f"{other.slug}:overall_fit",
                _("%(role)s: kecocokan keseluruhan (0-100)") % {"role": name},
                _("Kecocokan keseluruhan untuk jabatan %(role)s dari jawaban yang sama.")
                % {"role": name},
            ),
        ]
    return listed


def columns(
    keys: list[str],
    trait_names: dict[str, str],
    *,
    field_of_study: bool,
    others: list[Role] = (),
) -> list[Column]:
    """The export's columns, in order, each with its header and what it holds."""
    listed = [
        Column("started_on", _("Tanggal mulai"), _("Hari asesmen dimulai (tanpa jam).")),
        Column("completed_on", _("Tanggal selesai"), _("Hari asesmen selesai (tanpa jam).")),
        Column("source", _("Sumber"), _("web: diisi di situs; paper: kuesioner kertas.")),
        Column("version", _("Versi profil"), _("Versi profil jabatan yang dipakai menilai.")),
        Column("language", _("Bahasa"), _("id: bahasa Indonesia; en: bahasa Inggris.")),
        Column("verdict", _("Putusan (kode)"), _("Kode putusan; artinya di daftar kode.")),
        Column("verdict_label", _("Putusan"), _("Putusan seperti yang dibaca peserta.")),
        Column(
            "overall_fit",
            _("Kecocokan keseluruhan (0-100)"),
            _("Rata-rata kecocokan sifat, ditimbang bobotnya; 100 berarti semua level tercapai."),
        ),
        Column(
            "quality_flags",
            _("Pola jawaban (kode)"),
            _("Pola yang membuat jawaban sulit dibaca, bila ada; artinya di daftar kode."),
        ),
        Column("quality_flags_labels", _("Pola jawaban"), _("Pola jawaban dalam kata-kata.")),
    ]
    for key in keys:
        name = trait_names.get(key, key)
        listed += [
            Column(
                f"trait_{key}",
                _("%(trait)s: skor (0-100)") % {"trait": name},
                _("Skor sifat “%(trait)s”: gabungan pernyataan diri dan perilaku.")
                % {"trait": name},
            ),
            Column(
                f"trait_{key}_self",
                _("%(trait)s: pernyataan diri") % {"trait": name},
                _("Skor dari pernyataan tentang diri sendiri (skala setuju), 0-100."),
            ),
            Column(
                f"trait_{key}_behaviour",
                _("%(trait)s: perilaku") % {"trait": name},
                _("Skor dari skenario dan soal pengetahuan, 0-100; kosong bila tidak ada."),
            ),
        ]
    listed += [
        Column("knockouts", _("Gugur pada (kode)"), _("Kunci sifat di bawah batas gugurnya.")),
        Column("knockouts_labels", _("Gugur pada"), _("Sifat di bawah batas gugurnya.")),
        Column(
            "mismatches",
            _("Di bawah level (kode)"),
            _("Kunci sifat di bawah level yang dibutuhkan, yang paling berpengaruh dulu."),
        ),
        Column(
            "mismatches_labels", _("Di bawah level"), _("Sifat di bawah level yang dibutuhkan.")
        ),
        Column(
            "misconceptions",
            _("Anggapan keliru (kode)"),
            _("Kode butir cek anggapan yang dijawab berlawanan dengan kuncinya."),
        ),
        Column("misconceptions_labels", _("Anggapan keliru"), _("Anggapan keliru yang dipegang.")),
        Column(
            "direct_service_share",
            _("Orientasi layanan langsung (%)"),
            _("Bagian pilihan preferensi untuk tugas layanan langsung, 0-100."),
        ),
        Column(
            "suggested_role",
            _("Profesi yang disarankan"),
            _("Profesi pembanding yang disarankan karena orientasi layanan langsung, bila ada."),
        ),
    ]
    if field_of_study:
        listed += [
            Column(
                "education_field",
                _("Bidang pendidikan (kode)"),
                _("Jawaban bidang pendidikan; hanya untuk yang boleh melihat jawaban."),
            ),
            Column("education_field_label", _("Bidang pendidikan"), _("Bidang pendidikan.")),
        ]
    listed.append(
        Column(
            "education_match",
            _("Pendidikan sesuai"),
            _("ya: bidang pendidikan termasuk yang diutamakan profil; tidak: bukan."),
        )
    )
    return listed + other_role_columns(list(others))


def result_rows(
    role: Role, *, start: datetime, end: datetime, source: str = "", field_of_study: bool = False
) -> Iterator[list[Any]]:
    """The header, then the export's rows, oldest first, as Python values (dates, lists,
    numbers, None).

    Each result is described by ``records.result_record``, with the labels of the version
    it was scored against.
    """
    keys = trait_keys(role, start=start, end=end)
    names = dict(role.weighed_traits().values_list("key", "name"))
    others = other_roles(role)
    listed = columns(keys, names, field_of_study=field_of_study, others=others)
    yield [column.header for column in listed]
    completed = _completed(role, start, end, source)
    # The same answers judged for the bank's other roles, by assessment.
    judged: dict[int, dict[str, Any]] = {}
    for assessment_id, slug, verdict, fit in RoleResult.objects.filter(
        assessment__in=completed, profile_version__role__in=others
    ).values_list("assessment_id", "profile_version__role__slug", "verdict", "overall_fit"):
        judged.setdefault(assessment_id, {}).update(
            {
                f"{slug}:verdict": verdict,
                f"{slug}:verdict_label": records.verdict_label(verdict),
                f"{slug}:overall_fit": records.rounded(fit),
            }
        )
    rows = completed.order_by("created_at", "pk").values_list(
        "pk",
        "created_at",
        "completed_at",
        "source",
        "role_version",
        "language",
        "profile_version_id",
        "result",
    )
    labels: dict[int, records.Labels] = {}
    for pk, created, finished, where, version, language, version_id, result in rows.iterator(
        chunk_size=CHUNK
    ):
        if version_id not in labels:
            labels[version_id] = records.Labels.of(version_data(version_id).snapshot)
        record = records.result_record(
            scoring.result_from_dict(result),
            trait_keys=keys,
            labels=labels[version_id],
            version=version,
        )
        record.update(
            judged.get(pk, {}),
            started_on=_day(created),
            completed_on=_day(finished),
            source=where,
            version=version,
            language=language,
        )
        yield [record.get(column.key) for column in listed]


def _day(moment: datetime | None) -> date | None:
    return timezone.localtime(moment).date() if moment else None


def legend_rows(role: Role, *, start: datetime, end: datetime, field_of_study: bool):
    """The codebook: every column and what it holds, then every code and what it means."""
    keys = trait_keys(role, start=start, end=end)
    names = dict(role.weighed_traits().values_list("key", "name"))
    yield [_("Kolom"), _("Isi")]
    for column in columns(keys, names, field_of_study=field_of_study, others=other_roles(role)):
        yield [column.header, column.meaning]
    yield []
    yield [_("Kode"), _("Arti")]
    for code, text in VERDICT_TEXTS.items():
        yield [code, _("Putusan: %(label)s") % {"label": text.label}]
    for code, text in QUALITY_TEXTS.items():
        yield [code, _("Pola jawaban: %(label)s") % {"label": text.label}]
    for key in keys:
        yield [key, _("Sifat: %(name)s") % {"name": names.get(key, key)}]
    yield ["web", _("Sumber: diisi di situs")]
    yield ["paper", _("Sumber: kuesioner kertas")]
    yield [_("ya / tidak"), _("Benar / salah")]


# --- Cells ----------------------------------------------------------------------------------


def csv_cell(value: Any) -> str:
    """One CSV cell as Indonesian Excel reads it: decimal comma, ya/tidak, ISO dates."""
    if isinstance(value, bool):
        return _("ya") if value else _("tidak")
    if isinstance(value, float):
        return f"{value:.{records.DECIMALS}f}".rstrip("0").rstrip(".").replace(".", ",")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return records.csv_cell("; ".join(str(part) for part in value))
    return records.csv_cell(value)


def xlsx_cell(value: Any):
    if isinstance(value, bool):
        return _("ya") if value else _("tidak")
    if isinstance(value, list | tuple):
        return records.csv_cell("; ".join(str(part) for part in value))
    if isinstance(value, str):
        return records.csv_cell(value)
    return value


class _Line:
    """A file-like object that hands back what csv.writer writes to it."""

    def write(self, text: str) -> str:
        return text


def _csv_lines(rows) -> Iterator[str]:
    writer = csv.writer(_Line(), delimiter=CSV_DELIMITER)
    first = True
    for row in rows:
        line = writer.writerow([csv_cell(value) for value in row])
        yield BOM + line if first else line
        first = False


def results_csv(
    role: Role, *, start: datetime, end: datetime, source: str = "", field_of_study: bool = False
) -> Iterator[str]:
    """The export as CSV lines, streamed; ``source`` "web" or "paper" keeps only those."""
    yield from _csv_lines(
        result_rows(role, start=start, end=end, source=source, field_of_study=field_of_study)
    )


def codebook_csv(
    role: Role, *, start: datetime, end: datetime, field_of_study: bool = False
) -> str:
    """What every column and code of ``results_csv`` means, as a CSV of its own."""
    return "".join(
        _csv_lines(legend_rows(role, start=start, end=end, field_of_study=field_of_study))
    )


def results_xlsx(
    role: Role, *, start: datetime, end: datetime, source: str = "", field_of_study: bool = False
) -> bytes:
    """The export as an XLSX workbook: the results (bold, frozen header), then the legend."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Hasil"))
    sheet.freeze_panes = "A2"
    rows = result_rows(role, start=start, end=end, source=source, field_of_study=field_of_study)
    sheet.append([_bold(sheet, header) for header in next(rows)])
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=xlsx_cell(value))
            if isinstance(value, float):
                cell.number_format = "0.00"
            elif isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
            cells.append(cell)
        sheet.append(cells)
    legend = workbook.create_sheet(_("Keterangan"))
    legend_lines = legend_rows(role, start=start, end=end, field_of_study=field_of_study)
    legend.append([_bold(legend, header) for header in next(legend_lines)])
    for line in legend_lines:
        legend.append(line)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _bold(sheet, value: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = Font(bold=True)
    return cell
