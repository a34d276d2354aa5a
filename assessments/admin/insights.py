"""The HR admin's pages about results: dashboard, item statistics, exports and imports.

They hang off the role admin (``RoleInsightsMixin``): a role's dashboard, its item
statistics and its results as CSV or XLSX need the ``assessments.view_insights``
permission; its profile as a JSON file needs the view permission on roles, and importing
one needs the add permission. The pages only orchestrate: the figures come from
``insights`` and ``item_analysis``, the files from ``exports`` and ``profile_files``.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..drafts import import_profile
from ..files import exports
from ..files.profiles import (
    MAX_FILE_BYTES,
    ProfileFileError,
    export_filename,
    export_profile_json,
    parse_profile_file,
)
from ..insights import dashboard as dashboards
from ..insights import statistics
from ..models import Assessment, Role
from .import_words import readable_problems

INSIGHTS_PERMISSION = "assessments.view_insights"
DEFAULT_RANGE_DAYS = 90
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100
# The browser's date picker, which sends and shows ISO dates whatever the language.
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# --- Forms --------------------------------------------------------------------------------


class DateRangeForm(forms.Form):
    """The days whose started assessments the dashboard and the export cover."""

    start = forms.DateField(label=gettext_lazy("Dari tanggal"), required=False, widget=DATE_INPUT)
    end = forms.DateField(label=gettext_lazy("Sampai tanggal"), required=False, widget=DATE_INPUT)
    source = forms.ChoiceField(
        label=gettext_lazy("Sumber"),
        required=False,
        choices=[("", gettext_lazy("Web dan kertas")), *Assessment.Source.choices],
    )

    def __init__(self, data=None, *, today: date):
        self.today = today
        super().__init__(data)

    def clean(self):
        cleaned_data = super().clean()
        for name in ("start", "end"):
            day = cleaned_data.get(name)
            if day is not None and not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
                self.add_error(
                    name,
                    _("Pilih tanggal antara tahun %(first)d dan %(last)d.")
                    % {"first": EARLIEST_YEAR, "last": LATEST_YEAR},
                )
        if self.errors:
            return cleaned_data
        end = cleaned_data.get("end") or self.today
        start = cleaned_data.get("start") or end - timedelta(days=DEFAULT_RANGE_DAYS - 1)
        if start > end:
            raise forms.ValidationError(
                _("Tanggal awal harus sebelum atau sama dengan tanggal akhir.")
            )
        cleaned_data["start"], cleaned_data["end"] = start, end
        return cleaned_data

    def period(self) -> tuple[datetime, datetime]:
        """[start, end) as aware datetimes: from the first day's midnight to after the last."""
        start, end = self.cleaned_data["start"], self.cleaned_data["end"]
        return (
            timezone.make_aware(datetime.combine(start, time.min)),
            timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min)),
        )


def date_range_form(request) -> DateRangeForm:
    """The range asked for in the query string; the last 90 days when none is."""
    today = timezone.localdate()
    data = request.GET
    if "start" not in data and "end" not in data:
        start = today - timedelta(days=DEFAULT_RANGE_DAYS - 1)
        data = {
            "start": start.isoformat(),
            "end": today.isoformat(),
            "source": data.get("source", ""),
        }
    form = DateRangeForm(data, today=today)
    form.is_valid()
    return form


class VersionForm(forms.Form):
    version = forms.TypedChoiceField(label=gettext_lazy("Versi profil"), coerce=int)

    def __init__(self, data, *, versions: tuple[tuple[int, int], ...]):
        super().__init__(data)
        self.fields["version"].choices = [
            (
                version,
                _("versi %(version)d (%(count)d selesai)") % {"version": version, "count": count},
            )
            for version, count in versions
        ]


class ProfileImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Berkas profil (JSON)"),
        help_text=gettext_lazy("Berkas hasil “Ekspor profil” dari CareerFit, maksimal 5 MB."),
    )
    slug = forms.SlugField(
        label=gettext_lazy("Slug baru (opsional)"),
        required=False,
        help_text=gettext_lazy("Isi bila slug di berkas sudah dipakai jabatan lain."),
    )
    as_draft = forms.BooleanField(
        label=gettext_lazy("Impor sebagai draf"),
        required=False,
        initial=True,
        help_text=gettext_lazy("Periksa dulu profilnya di admin, lalu terbitkan sendiri."),
    )
    replace = forms.BooleanField(
        label=gettext_lazy("Ganti draf jabatan yang ada"),
        required=False,
        help_text=gettext_lazy(
            "Bila jabatan dengan slug ini sudah ada: isi berkas menjadi drafnya. Pengunjung "
            "tetap melihat versi yang tayang sampai draf itu diterbitkan."
        ),
    )

    def clean(self):
        cleaned_data = super().clean()
        upload = cleaned_data.get("file")
        if upload is not None:
            try:
                # One byte more than allowed, so that a larger file is recognised as such.
                cleaned_data["data"] = parse_profile_file(upload.read(MAX_FILE_BYTES + 1))
            except ProfileFileError as error:
                raise forms.ValidationError(readable_problems(error.problems)) from None
        return cleaned_data


# --- SVG geometry, computed here so that templates only place numbers ---------------------


def histogram_bars(shares: list[dashboards.Share]) -> list[dict]:
    """Bars of a 100 x 60 SVG: one band of 20 points of orientation per bar."""
    tallest = max((share.count for share in shares), default=0) or 1
    bars = []
    for number, share in enumerate(shares):
        height = 48 * share.count / tallest
        bars.append(
            {
                "share": share,
                "x": number * 20 + 2,
                "y": 50 - height,
                "height": height,
                "label_x": number * 20 + 10,
            }
        )
    return bars


# --- The admin ----------------------------------------------------------------------------


class RoleInsightsMixin:
    """Adds the dashboard, statistics, export and import pages to the role admin."""

    actions = ["export_profile"]

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name

        def view(function, name):
            return self.admin_site.admin_view(function), "{}_{}_{}".format(*info, name)

        routes = [
            ("import/", self.import_view, "import"),
            ("<path:object_id>/dashboard/", self.dashboard_view, "dashboard"),
            ("<path:object_id>/statistics/", self.statistics_view, "statistics"),
            ("<path:object_id>/results.<str:file_format>", self.results_view, "results"),
            ("<path:object_id>/results-codebook.csv", self.codebook_view, "results_codebook"),
            ("<path:object_id>/profile.json", self.profile_view, "profile"),
        ]
        custom = []
        for route, function, name in routes:
            wrapped, full_name = view(function, name)
            custom.append(path(route, wrapped, name=full_name))
        return [*custom, *super().get_urls()]

    def get_list_display(self, request):
        list_display = list(super().get_list_display(request))
        if request.user.has_perm(INSIGHTS_PERMISSION):
            list_display.append("insight_links")
        return list_display

    @admin.display(description=gettext_lazy("hasil"))
    def insight_links(self, role):
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:assessments_role_dashboard", args=[role.pk]),
            _("Dasbor"),
            reverse("admin:assessments_role_statistics", args=[role.pk]),
            _("Statistik butir"),
        )

    def insights_role(self, request, object_id) -> Role:
        if not request.user.has_perm(INSIGHTS_PERMISSION):
            raise PermissionDenied
        role = self.get_object(request, unquote(object_id))
        if role is None:
            raise Http404
        return role

    def page_context(self, request, role, title) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": role,
            "role": role,
            "title": title,
        }

    def dashboard_view(self, request, object_id):
        """Lets HR see how a role's assessments went over a chosen range of days."""
        role = self.insights_role(request, object_id)
        form = date_range_form(request)
        context = self.page_context(request, role, _("Dasbor hasil: %(role)s") % {"role": role})
        context |= {
            "form": form,
            "abandoned_after_hours": 24,
            "small_sample": dashboards.SMALL_SAMPLE,
        }
        if form.is_valid():
            start, end = form.period()
            dashboard = dashboards.dashboard(
                role,
                start=start,
                end=end,
                now=timezone.now(),
                source=form.cleaned_data.get("source") or "",
            )
            context |= {
                "dashboard": dashboard,
                "histogram": histogram_bars(dashboard.orientation),
                "export_query": request.GET.urlencode(),
            }
        return TemplateResponse(request, "admin/assessments/role/dashboard.html", context)

    def statistics_view(self, request, object_id):
        """Lets HR see which items of a role's questionnaire measure their trait poorly."""
        role = self.insights_role(request, object_id)
        if role.is_bank:
            # Per bank item, over every role that uses the bank, each on its live version.
            form, analysis = None, statistics.bank_item_analysis(role)
        else:
            versions = statistics.completed_per_version(role)
            form = VersionForm(request.GET if "version" in request.GET else None, versions=versions)
            version = form.cleaned_data["version"] if form.is_valid() else None
            analysis = statistics.item_analysis(role, version, versions=versions)
            if not form.is_bound:
                form = VersionForm({"version": analysis.version}, versions=versions)
        context = self.page_context(request, role, _("Statistik butir: %(role)s") % {"role": role})
        context |= {
            "form": form,
            "analysis": analysis,
            "item_rest_min": statistics.ITEM_REST_MIN,
            "alpha_min": statistics.ALPHA_MIN,
            # Each item's edit page (the draft's item of that code), to act on a flag.
            "item_urls": {
                code: reverse("admin:assessments_item_change", args=[pk])
                for code, pk in role.questionnaire_owner.items.values_list("code", "pk")
            },
        }
        return TemplateResponse(request, "admin/assessments/role/statistics.html", context)

    def results_view(self, request, object_id, file_format):
        """Lets HR download a role's anonymous results over a range of days."""
        role = self.insights_role(request, object_id)
        if file_format not in exports.FORMATS:
            raise Http404
        form = date_range_form(request)
        if not form.is_valid():
            messages.error(request, _("Rentang tanggal tidak sah; periksa lagi di dasbor."))
            return HttpResponseRedirect(reverse("admin:assessments_role_dashboard", args=[role.pk]))
        start, end = form.period()
        filename = exports.results_filename(
            role, form.cleaned_data["start"], form.cleaned_data["end"]
        )
        source = form.cleaned_data.get("source") or ""
        # The field of study is an answer: only for HR allowed to see answers.
        field_of_study = request.user.has_perm("assessments.view_answers")
        if file_format == "csv":
            response = StreamingHttpResponse(
                exports.results_csv(
                    role, start=start, end=end, source=source, field_of_study=field_of_study
                ),
                content_type="text/csv; charset=utf-8",
            )
        else:
            response = HttpResponse(
                exports.results_xlsx(
                    role, start=start, end=end, source=source, field_of_study=field_of_study
                ),
                content_type=exports.XLSX_TYPE,
            )
        response["Content-Disposition"] = f'attachment; filename="{filename}.{file_format}"'
        return response

    def codebook_view(self, request, object_id):
        """Lets HR download what each column and code of the CSV export means."""
        role = self.insights_role(request, object_id)
        form = date_range_form(request)
        if not form.is_valid():
            messages.error(request, _("Rentang tanggal tidak sah; periksa lagi di dasbor."))
            return HttpResponseRedirect(reverse("admin:assessments_role_dashboard", args=[role.pk]))
        start, end = form.period()
        filename = exports.results_filename(
            role, form.cleaned_data["start"], form.cleaned_data["end"]
        )
        text = exports.codebook_csv(
            role,
            start=start,
            end=end,
            field_of_study=request.user.has_perm("assessments.view_answers"),
        )
        response = HttpResponse(text, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}-codebook.csv"'
        return response

    def profile_view(self, request, object_id):
        """Lets HR download a role's profile and questionnaire as a JSON file."""
        role = self.get_object(request, unquote(object_id))
        if role is None:
            raise Http404
        if not self.has_view_or_change_permission(request, role):
            raise PermissionDenied
        return self.profile_response(role)

    @staticmethod
    def profile_response(role: Role) -> HttpResponse:
        response = HttpResponse(
            export_profile_json(role), content_type="application/json; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{export_filename(role)}"'
        return response

    @admin.action(permissions=["view"], description=gettext_lazy("Ekspor profil (JSON)"))
    def export_profile(self, request, queryset):
        roles = list(queryset[:2])
        if len(roles) != 1:
            self.message_user(
                request, _("Pilih tepat satu jabatan untuk diekspor."), messages.WARNING
            )
            return None
        return self.profile_response(roles[0])

    def import_view(self, request):
        """Lets HR add a role from a profile file exported by CareerFit."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ProfileImportForm(
            request.POST if request.method == "POST" else None, request.FILES or None
        )
        if (
            form.is_valid()
            and form.cleaned_data["replace"]
            and not self.has_change_permission(request)
        ):
            form.add_error("replace", _("Anda tidak boleh mengubah jabatan yang ada."))
        if form.is_valid():
            try:
                role = import_profile(
                    form.cleaned_data["data"],
                    as_draft=form.cleaned_data["as_draft"],
                    replace=form.cleaned_data["replace"],
                    slug=form.cleaned_data["slug"],
                )
            except ProfileFileError as error:
                form.add_error(None, readable_problems(error.problems))
        if form.is_valid():
            messages.success(
                request,
                _("Profil “%(role)s” diimpor (versi %(version)d, %(status)s).")
                % {"role": role, "version": role.version, "status": role.get_status_display()},
            )
            return HttpResponseRedirect(reverse("admin:assessments_role_change", args=[role.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Impor profil jabatan"),
            "form": form,
        }
        return TemplateResponse(request, "admin/assessments/role/import.html", context)
