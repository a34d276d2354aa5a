"""Paper questionnaires in the admin: the template and printable form, and scoring uploads.

A role's paper page (``<id>/paper/``) offers its live version's questionnaire as a CSV
template and as a printable form with item and option codes, and scores an uploaded file
of filled-in answers (CSV or JSON, one respondent per row or object) with
``files.paper``, exactly as the ``score_responses`` command does. Each bad row is listed
with its line and reason; the others are scored, shown, and can be downloaded as CSV or
XLSX, or stored as results marked "kertas" (paper), which the dashboard can include or
leave out. So that the downloads score the same file again without a second upload, the
uploaded text is kept in a private temporary file for at most an hour (``files.uploads``);
the session holds only that file's random name, never a respondent or an answer.
"""

from __future__ import annotations

import csv
import hashlib
import io

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from .. import scoring, services, snapshots
from ..files import paper, records, uploads
from ..files.exports import XLSX_TYPE
from ..models import Role

MAX_UPLOAD_BYTES = 1024 * 1024
SESSION_KEY = "careerfit_paper_upload"


class PaperUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Berkas jawaban (lembar isian XLSX, CSV atau JSON)"),
        help_text=gettext_lazy(
            "Satu baris (XLSX, CSV) atau satu objek (JSON) per peserta, kode butir sebagai "
            "kolom, kolom “respondent” opsional. Jawaban boleh ditulis seperti di formulir: "
            "1-5 atau “sangat setuju”, “setuju”, “tidak setuju”, huruf pilihan, nama bidang "
            "pendidikan. Maksimal 1 MB."
        ),
    )
    store = forms.BooleanField(
        label=gettext_lazy("Simpan juga sebagai hasil (sumber: kertas)"),
        required=False,
        help_text=gettext_lazy(
            "Hasil yang tersimpan masuk dasbor (bisa disaring menurut sumber) dan ekspor."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("Berkas terlalu besar (maksimal %(size)d KB).") % {"size": MAX_UPLOAD_BYTES >> 10}
            )
        data = upload.read(MAX_UPLOAD_BYTES + 1)
        if upload.name.lower().endswith(".xlsx"):
            try:
                text = paper.read_xlsx(data)
            except paper.UnreadableFile:
                raise forms.ValidationError(
                    _("Berkas XLSX tidak terbaca; simpan ulang dari Excel sebagai .xlsx.")
                ) from None
            return {"name": upload.name, "kind": "csv", "text": text}
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(
                _("Berkas bukan teks UTF-8; simpan ulang sebagai CSV UTF-8.")
            ) from None
        kind = "json" if upload.name.lower().endswith(".json") else "csv"
        if kind == "csv" and text.lstrip()[:1] in ("[", "{"):
            kind = "json"
        return {"name": upload.name, "kind": kind, "text": text}


def readable_reason(reason: str, snapshot: dict | None = None) -> str:
    """A rejected row's reason from the scoring engine, in HR's words: the allowed answers
    as the printed form and the entry sheet write them."""
    words = {
        "missing": _("belum dijawab"),
        "not an item of this questionnaire": _("bukan butir kuesioner ini"),
        "not a JSON object": _("bukan objek JSON"),
    }
    items = {item["code"]: item for item in (snapshot or {}).get("items", [])}
    parts = []
    for part in reason.split("; "):
        code, colon, why = part.partition(": ")
        if colon and why in words:
            parts.append(f"{code}: {words[why]}")
        elif colon and " is not one of " in why:
            value, _is, allowed = why.partition(" is not one of ")
            if code in items:
                allowed = ", ".join(paper.allowed_answers(snapshot, items[code]))
            parts.append(
                _("%(code)s: “%(value)s” bukan jawaban yang boleh (%(allowed)s)")
                % {"code": code, "value": value.strip("'\""), "allowed": allowed}
            )
        else:
            parts.append(words.get(part, part))
    return "; ".join(parts)


def score_upload(snapshot: dict, upload: dict, *, ignore_unknown: bool = False):
    """(records, rejected, respondents, unknown columns) of an uploaded file;
    ``paper.UnreadableFile`` if the file as a whole cannot be read.

    A CSV column that is not an item code stops the scoring (nothing is scored, the column
    is named) unless ``ignore_unknown``: HR confirmed it is not an answer.
    """
    text = upload["text"]
    unknown: list[str] = []
    try:
        if upload["kind"] == "json":
            rows = list(paper.read_json(text))
        else:
            read = paper.read_csv(text)
            unknown = paper.unknown_columns(snapshot, read.columns)
            if unknown and not ignore_unknown:
                return [], [], [], unknown
            rows = list(paper.without_columns(read.rows, unknown))
    except csv.Error as error:
        raise paper.UnreadableFile(str(error)) from error
    scored, rejected = paper.score_respondents(snapshot, rows)
    return scored, rejected, rows, unknown


class RolePaperMixin:
    """Adds the paper page and its downloads to the role admin."""

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name

        def route(pattern, view, name):
            return path(
                pattern, self.admin_site.admin_view(view), name="{}_{}_{}".format(*info, name)
            )

        return [
            route("<path:object_id>/paper/", self.paper_view, "paper"),
            route(
                "<path:object_id>/paper/template.csv", self.paper_template_view, "paper_template"
            ),
            route(
                "<path:object_id>/paper/entry.<str:file_format>",
                self.paper_entry_view,
                "paper_entry",
            ),
            route("<path:object_id>/paper/form/", self.paper_form_view, "paper_form"),
            route(
                "<path:object_id>/paper/results.<str:file_format>",
                self.paper_results_view,
                "paper_results",
            ),
            *super().get_urls(),
        ]

    def paper_role(self, request, object_id) -> tuple[Role, dict | None]:
        """The role and its live version's snapshot (None when it was never published)."""
        uploads.purge_stale()
        kept = request.session.get(SESSION_KEY)
        if isinstance(kept, dict) and "text" in kept:
            # Kept whole by an earlier release: the session holds no answers any more.
            del request.session[SESSION_KEY]
        role = self.get_object(request, unquote(object_id))
        if role is None:
            raise Http404
        if not self.has_view_or_change_permission(request, role):
            raise PermissionDenied
        if role.live_version_id is None:
            return role, None
        return role, snapshots.version_data(role.live_version_id).snapshot

    def paper_view(self, request, object_id):
        """Lets HR download the paper form and score (and store) a file of paper answers."""
        role, snapshot = self.paper_role(request, object_id)
        confirming = request.method == "POST" and "ignore_unknown" in request.POST
        form = PaperUploadForm(
            request.POST if request.method == "POST" and not confirming else None,
            request.FILES or None,
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": role,
            "role": role,
            "title": _("Kuesioner kertas: %(role)s") % {"role": role},
            "snapshot": snapshot,
            "form": form,
            "max_kb": MAX_UPLOAD_BYTES >> 10,
        }
        if snapshot is None:
            return TemplateResponse(request, "admin/assessments/role/paper.html", context)
        if confirming:
            # HR confirmed that the named columns are not answers: the kept file, without them.
            upload = self.kept_upload(request, role)
            if upload is None:
                messages.error(request, _("Unggah berkas jawaban dulu."))
                return HttpResponseRedirect(reverse("admin:assessments_role_paper", args=[role.pk]))
            store = request.POST.get("store") == "on"
        elif form.is_valid():
            upload = form.cleaned_data["file"]
            store = form.cleaned_data["store"]
        else:
            return TemplateResponse(request, "admin/assessments/role/paper.html", context)
        try:
            scored, rejected, rows, unknown = score_upload(
                snapshot, upload, ignore_unknown=confirming
            )
        except paper.UnreadableFile as error:
            form.add_error("file", _("Berkas tidak terbaca: %(error)s") % {"error": error})
            return TemplateResponse(request, "admin/assessments/role/paper.html", context)
        except scoring.ProfileError as error:
            form.add_error(None, str(error))
            return TemplateResponse(request, "admin/assessments/role/paper.html", context)
        if not confirming:
            self.keep_upload(request, role, upload)
        if unknown and not confirming:
            context |= {"unknown_columns": unknown, "store_requested": store}
            return TemplateResponse(request, "admin/assessments/role/paper.html", context)
        if store and scored:
            context["stored"] = self.store_paper_results(request, role, upload, rows, rejected)
        context |= {
            "scored": scored,
            "ignored_columns": unknown,
            "rejected": [
                (bad.line, bad.respondent, readable_reason(bad.reason, snapshot))
                for bad in rejected
            ],
            "line_word": _("objek") if upload["kind"] == "json" else _("baris"),
        }
        return TemplateResponse(request, "admin/assessments/role/paper.html", context)

    def keep_upload(self, request, role, upload) -> None:
        """Keep the file for its downloads (files.uploads): only its name in the session."""
        previous = request.session.get(SESSION_KEY) or {}
        uploads.remove(previous.get("file", ""))
        request.session[SESSION_KEY] = {
            "role": role.pk,
            "version": role.live_version_id,
            "kind": upload["kind"],
            "file": uploads.keep(upload["text"]),
        }

    def kept_upload(self, request, role) -> dict | None:
        """The last uploaded file of ``role``'s live version, if it is still kept."""
        kept = request.session.get(SESSION_KEY)
        if (
            not isinstance(kept, dict)
            or kept.get("role") != role.pk
            or kept.get("version") != role.live_version_id
        ):
            return None
        text = uploads.read(kept.get("file", ""))
        return None if text is None else {"kind": kept.get("kind", "csv"), "text": text}

    def store_paper_results(self, request, role, upload, rows, rejected) -> int:
        """Store the scored respondents as paper results, once per file and role."""
        if not self.has_change_permission(request, role):
            raise PermissionDenied
        digest = hashlib.sha256(upload["text"].encode()).hexdigest()
        stored_files = request.session.get(f"{SESSION_KEY}_stored", [])
        if f"{role.pk}:{digest}" in stored_files:
            messages.warning(
                request, _("Berkas ini sudah disimpan sebagai hasil; tidak disimpan dua kali.")
            )
            return 0
        bad_lines = {bad.line for bad in rejected}
        profile = snapshots.version_data(role.live_version_id).profile
        fields = paper.field_names(snapshots.version_data(role.live_version_id).snapshot)
        # As they were scored: words of the printed form read as the answers they stand for.
        answers = [
            paper.normalise(profile, row.answers, fields)
            for row in rows
            if isinstance(row, paper.Respondent) and row.line not in bad_lines
        ]
        count = services.record_paper_results(role=role, answers=answers)
        request.session[f"{SESSION_KEY}_stored"] = [*stored_files, f"{role.pk}:{digest}"]
        messages.success(request, _("%(count)d hasil kertas disimpan.") % {"count": count})
        return count

    def paper_template_view(self, request, object_id):
        """Lets HR download the questionnaire as a CSV template for paper answers."""
        role, snapshot = self.paper_role(request, object_id)
        if snapshot is None:
            raise Http404(_("Jabatan ini belum pernah terbit."))
        rows = paper.template_rows(snapshot)
        text = paper.write_csv(rows, list(paper.TEMPLATE_COLUMNS))
        response = HttpResponse(text, content_type="text/csv; charset=utf-8")
        filename = f"{role.slug}-v{snapshot['version']}-paper-template.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def paper_entry_view(self, request, object_id, file_format):
        """Lets HR download the sheet to type paper answers into: one row per respondent,
        one column per item code (XLSX with each column's allowed answers, or CSV)."""
        role, snapshot = self.paper_role(request, object_id)
        if snapshot is None:
            raise Http404(_("Jabatan ini belum pernah terbit."))
        filename = f"{role.slug}-v{snapshot['version']}-lembar-isian.{file_format}"
        if file_format == "xlsx":
            response = HttpResponse(paper.entry_sheet_xlsx(snapshot), content_type=XLSX_TYPE)
        elif file_format == "csv":
            response = HttpResponse(
                paper.entry_sheet_csv(snapshot), content_type="text/csv; charset=utf-8"
            )
        else:
            raise Http404
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def paper_form_view(self, request, object_id):
        """Shows the printable paper questionnaire, with item and option codes."""
        role, snapshot = self.paper_role(request, object_id)
        if snapshot is None:
            raise Http404(_("Jabatan ini belum pernah terbit."))
        from ..forms import BELIEF_LABELS, LIKERT_LABELS

        items = {item["code"]: item for item in snapshot["items"]}
        sections = [
            {
                "title": snapshots.tr(section, "title"),
                "items": [
                    {
                        "code": code,
                        "text": snapshots.tr(items[code], "text"),
                        "choices": self.paper_choices(
                            items[code], snapshot, LIKERT_LABELS, BELIEF_LABELS
                        ),
                    }
                    for code in section["items"]
                ],
            }
            for section in snapshot["sections"]
        ]
        context = {"role": role, "snapshot": snapshot, "sections": sections}
        return TemplateResponse(request, "admin/assessments/role/paper_form.html", context)

    @staticmethod
    def paper_choices(item, snapshot, likert_labels, belief_labels) -> list[tuple[str, str]]:
        """(what to circle, what it means) per answer, in the words of the entry sheet."""
        kind = item["kind"]
        if kind in (scoring.LIKERT, "check"):
            return [(code, str(label)) for code, label in likert_labels]
        if kind == scoring.BELIEF:
            return [(str(label), "") for _code, label in belief_labels]
        if kind == scoring.BACKGROUND:
            return [(snapshots.tr(field, "name"), "") for field in snapshot["education_fields"]]
        return [(option["code"], snapshots.tr(option, "text")) for option in item["options"]]

    def paper_results_view(self, request, object_id, file_format):
        """Lets HR download the scored results of the last uploaded file."""
        role, snapshot = self.paper_role(request, object_id)
        upload = request.session.get(SESSION_KEY)
        if file_format not in ("csv", "xlsx"):
            raise Http404
        paper_page = reverse("admin:assessments_role_paper", args=[role.pk])
        if snapshot is None or not upload or upload.get("role") != role.pk:
            messages.error(request, _("Unggah berkas jawaban dulu."))
            return HttpResponseRedirect(paper_page)
        kept = self.kept_upload(request, role)
        if kept is None:
            messages.error(
                request,
                _(
                    "Berkas jawaban tidak disimpan lebih dari %(minutes)d menit setelah "
                    "diunggah; unggah lagi untuk mengunduh hasilnya."
                )
                % {"minutes": uploads.KEEP_SECONDS // 60},
            )
            return HttpResponseRedirect(paper_page)
        scored, _rejected, _rows, _unknown = score_upload(snapshot, kept, ignore_unknown=True)
        columns = paper.result_columns(snapshot)
        filename = f"{role.slug}-v{snapshot['version']}-paper-results.{file_format}"
        if file_format == "csv":
            response = HttpResponse(
                paper.write_csv(scored, columns), content_type="text/csv; charset=utf-8"
            )
        else:
            workbook = Workbook(write_only=True)
            sheet = workbook.create_sheet("results")
            sheet.append(columns)
            for record in scored:
                sheet.append([records.xlsx_cell(record.get(column)) for column in columns])
            output = io.BytesIO()
            workbook.save(output)
            response = HttpResponse(output.getvalue(), content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
