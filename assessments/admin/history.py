"""Edit history in the HR admin: who changed what, why, on top of which version; undoing.

Every admin of the profile's models is a ``ProfileHistoryAdmin``: django-simple-history
records each save and deletion with its user (through ``HistoryRequestMiddleware``) and adds
a history page per object, from which an old state can be restored ("revert"). Each record
gets a readable reason (``history.change_reason``: an edit in the admin, a revert to a
given time), and the history pages show which version visitors saw when it was written.
The role's rows are its draft, so none of this changes what visitors see: publishing does.

The parts edited only inline on the role page (duties, education fields, comparison points)
and options (inline on the item page) get a small admin of their own that is hidden from the
index: it exists for their history and revert pages, reached from the role's history page.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import formats, timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from .. import history, publishing, snapshots
from ..models import (
    PROFILE_PARTS,
    ComparisonPoint,
    Duty,
    EducationField,
    Item,
    Option,
    Role,
    RoleTrait,
)
from ..publishing import option_problems
from .forms import RoleTraitForm


def role_id_of(record) -> int | None:
    """The role a history record of a role or one of its parts belongs to."""
    if hasattr(record, "role_id"):
        return record.role_id
    if hasattr(record, "item_id"):
        role_id = Item.objects.filter(pk=record.item_id).values_list("role_id", flat=True).first()
        if role_id is None:
            role_id = (
                Item.history.filter(id=record.item_id).values_list("role_id", flat=True).first()
            )
        return role_id
    return record.id


def keep_live_versions(request) -> None:
    """Before an edit: a published role whose live version was never stored (loaded from a
    fixture, say) gets it stored now, as it is, so that the edit goes to its draft only."""
    if request.method == "POST":
        for role in Role.objects.published().filter(live_version__isnull=True):
            snapshots.live_version(role)


class ProfileHistoryAdmin(SimpleHistoryAdmin):
    """An admin of a part of a role profile: every edit recorded with a readable reason.

    ``role_lookup`` leads from the model to the role whose profile it is part of.
    """

    role_lookup = "role"
    object_history_list_template = "simple_history/object_history_list.html"

    def role_of(self, obj) -> Role | None:
        """The role whose profile ``obj`` is part of (``role_lookup`` followed)."""
        if self.role_lookup == "pk":
            return obj
        for name in self.role_lookup.split("__"):
            obj = getattr(obj, name, None)
        return obj

    def say_draft(self, request, obj, *, reverted: bool = False) -> None:
        """Tell HR that what they just saved is in the draft, not yet seen by visitors."""
        role = self.role_of(obj)
        if role is None or role.pk is None:
            return
        if role.is_bank:
            self.say_bank_draft(request, role, reverted=reverted)
            return
        publish_url = reverse("admin:assessments_role_publish", args=[role.pk])
        text = (
            _(
                "Dikembalikan di draf jabatan “%(role)s”; belum terlihat pengunjung sampai "
                "diterbitkan lagi di halaman %(publish)s."
            )
            if reverted
            else _(
                "Tersimpan di draf jabatan “%(role)s”; belum terlihat pengunjung sampai "
                "diterbitkan di halaman %(publish)s."
            )
        )
        link = format_html('<a href="{}">{}</a>', publish_url, _("Terbitkan"))
        # The sentence is ours and escaped; the role's title is HR's text, escaped too.
        message = mark_safe(escape(text) % {"role": escape(role.title), "publish": link})
        self.message_user(request, message, messages.INFO)

    def say_bank_draft(self, request, bank: Role, *, reverted: bool = False) -> None:
        """An item bank is no one's version: what is saved there is in the draft of each
        role that uses it, published from each role's own page."""
        text = (
            _(
                "Dikembalikan di bank butir “%(bank)s”, yang dipakai draf jabatan %(roles)s; "
                "belum terlihat pengunjung sampai jabatan itu diterbitkan lagi."
            )
            if reverted
            else _(
                "Tersimpan di bank butir “%(bank)s”, yang dipakai draf jabatan %(roles)s; "
                "belum terlihat pengunjung sampai jabatan itu diterbitkan."
            )
        )
        roles = [
            format_html(
                '<a href="{}">{}</a>',
                reverse("admin:assessments_role_publish", args=[role.pk]),
                role.title,
            )
            for role in bank.roles.order_by("title")
        ]
        shown = mark_safe(", ".join(roles)) if roles else escape(_("(belum ada)"))
        message = mark_safe(escape(text) % {"bank": escape(bank.title), "roles": shown})
        self.message_user(request, message, messages.INFO)

    def save_form(self, request, form, change):
        self.note_stale_english(request, form, str(form.instance))
        return super().save_form(request, form, change)

    def save_formset(self, request, form, formset, change):
        for row in formset.forms:
            if row.has_changed() and row.cleaned_data and not row.cleaned_data.get("DELETE"):
                self.note_stale_english(request, row, str(row.instance))
        super().save_formset(request, form, formset, change)

    def note_stale_english(self, request, form, where: str) -> None:
        """Remember the English texts left as they were beside a rewritten original."""
        labels = publishing.stale_in_form(form)
        if labels:
            request.careerfit_stale = [
                *getattr(request, "careerfit_stale", []),
                *(f"{Truncator(where).chars(50)}: {label}" for label in labels),
            ]

    def say_stale_english(self, request) -> None:
        stale = getattr(request, "careerfit_stale", [])
        if stale:
            self.message_user(
                request,
                _(
                    "Terjemahan bahasa Inggris perlu diperbarui: teks bahasa Indonesianya "
                    "berubah, terjemahannya tidak (%(fields)s)."
                )
                % {"fields": "; ".join(stale)},
                messages.WARNING,
            )

    def response_add(self, request, obj, post_url_continue=None):
        response = super().response_add(request, obj, post_url_continue)
        self.say_draft(request, obj)
        return response

    def response_change(self, request, obj):
        response = super().response_change(request, obj)
        self.say_draft(request, obj, reverted=getattr(request, "careerfit_revert", False))
        self.say_stale_english(request)
        return response

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        keep_live_versions(request)
        with history.change_reason(history.stored_reason(history.EDITED)):
            return super().changeform_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        keep_live_versions(request)
        with history.change_reason(history.stored_reason(history.EDITED)):
            return super().changelist_view(request, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        keep_live_versions(request)
        with history.change_reason(history.stored_reason(history.EDITED)):
            return super().delete_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        record = self.model.history.filter(history_id=version_id).first()
        moment = (
            formats.date_format(timezone.localtime(record.history_date), "DATETIME_FORMAT")
            if record is not None
            else ""
        )
        reason = history.stored_reason(history.REVERTED, moment=moment)
        request.careerfit_revert = True
        keep_live_versions(request)
        with history.change_reason(reason):
            return super().history_form_view(request, object_id, version_id, extra_context)

    def set_history_delta_changes(self, request, historical_records, *args, **kwargs):
        """Also note on each record which version visitors saw when it was written."""
        super().set_history_delta_changes(request, historical_records, *args, **kwargs)
        versions: dict[int | None, history.LiveVersions] = {}
        for record in historical_records:
            role_id = role_id_of(record)
            if role_id not in versions:
                versions[role_id] = history.LiveVersions(role_id)
            record.live_version_number = versions[role_id].at(record.history_date)


# --- Hidden admins for the parts without a page of their own -------------------------------


class HistoryOnlyAdmin(ProfileHistoryAdmin):
    """A part edited inline elsewhere: only its history and revert pages are used.

    No index entry, no adding or deleting here (the inline on the role or item page does
    that, with its checks); the change form shows the fields a revert restores.
    """

    readonly_parent: str = "role"

    def has_module_permission(self, request):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [self.readonly_parent]


@admin.register(Duty)
class DutyHistoryAdmin(HistoryOnlyAdmin):
    fields = ["role", "order", "text", "text_en"]


@admin.register(ComparisonPoint)
class ComparisonPointHistoryAdmin(HistoryOnlyAdmin):
    fields = [
        "role",
        "order",
        ("aspect", "aspect_en"),
        ("this_role", "this_role_en"),
        ("other_role", "other_role_en"),
    ]


@admin.register(EducationField)
class EducationFieldHistoryAdmin(HistoryOnlyAdmin):
    fields = ["role", "order", "code", ("name", "name_en"), "preferred"]


@admin.register(RoleTrait)
class RoleTraitHistoryAdmin(HistoryOnlyAdmin):
    """What a bank's trait means for a role, edited on the role's page."""

    form = RoleTraitForm
    fields = [
        ("role", "trait"),
        "order",
        ("weight", "required_level"),
        ("knockout_below", "knockout_reason", "knockout_reason_en"),
        ("why_it_matters", "why_it_matters_en"),
    ]

    def get_readonly_fields(self, request, obj=None):
        return ["role", "trait"]


class OptionForm(forms.ModelForm):
    """An option as a revert would restore it: its item must still accept it."""

    def clean(self):
        cleaned_data = super().clean()
        option = copy.copy(self.instance)
        for name, value in cleaned_data.items():
            setattr(option, name, value)
        item = self.instance.item
        saved = list(item.options.all())
        before = set(option_problems(item, saved))
        edited = [other for other in saved if other.pk != option.pk] + [option]
        problems = [problem for problem in option_problems(item, edited) if problem not in before]
        if problems:
            raise ValidationError(problems)
        return cleaned_data


@admin.register(Option)
class OptionHistoryAdmin(HistoryOnlyAdmin):
    form = OptionForm
    role_lookup = "item__role"
    readonly_parent = "item"
    fields = [
        "item",
        ("code", "order"),
        ("text", "text_en"),
        ("score", "direct_service"),
        ("feedback", "feedback_en"),
    ]


# --- The history of a whole profile ------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One recorded edit of a role or one of its parts, for the role's history page."""

    when: datetime
    user: Any
    kind: str
    model_name: str
    part: str
    changes: list[tuple[str, str, str]]
    history_url: str
    reason: str
    live_version: int | None


KINDS = {
    "+": gettext_lazy("dibuat"),
    "~": gettext_lazy("diubah"),
    "-": gettext_lazy("dihapus"),
}


def _shown(value) -> str:
    return Truncator("" if value is None else str(value)).chars(120)


def _shown_value(field, value) -> str:
    """A recorded value as HR reads it: a choice's label, yes or no, a related row's name."""
    if value is None or value == "":
        return "—"
    if field.choices:
        return _shown(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("ya") if value else _("tidak")
    if field.is_relation:
        related = field.related_model._default_manager.filter(pk=value).first()
        return _shown(related) if related is not None else f"#{value}"
    return _shown(value)


def _history_url(model, object_id) -> str:
    try:
        return reverse(
            f"admin:{model._meta.app_label}_{model._meta.model_name}_history", args=[object_id]
        )
    except NoReverseMatch:
        return ""


def profile_changes(role: Role, limit: int = 100) -> list[Change]:
    """The latest ``limit`` recorded edits of ``role`` and of every part of its profile.

    Two queries per model: the latest records, then the records before them, to say which
    fields each edit changed. A role that uses a bank lists the edits of the bank's
    questionnaire too: they are in its draft.
    """
    owner_id = role.bank_id or role.pk
    item_ids = Item.history.filter(role_id=owner_id).values("id")
    records = []
    for model in (Role, *PROFILE_PARTS):
        manager = model.history
        if model is Role:
            rows = manager.filter(id=role.pk)
        elif model is Option:
            rows = manager.filter(item_id__in=item_ids)
        elif model in history.QUESTIONNAIRE:
            rows = manager.filter(role_id=owner_id)
        else:
            rows = manager.filter(role_id=role.pk)
        latest = list(rows.select_related("history_user").order_by("-history_id")[:limit])
        if not latest:
            continue
        earlier: dict[int, list] = {}
        for record in manager.filter(id__in={record.id for record in latest}).order_by(
            "history_id"
        ):
            earlier.setdefault(record.id, []).append(record)
        for record in latest:
            sequence = earlier[record.id]
            position = next(i for i, other in enumerate(sequence) if other.pk == record.pk)
            previous = sequence[position - 1] if position else None
            records.append((model, record, previous))

    versions = history.LiveVersions(role.pk)
    changes = []
    for model, record, previous in records:
        fields = []
        if record.history_type == "~" and previous is not None:
            delta = record.diff_against(previous)
            for change in delta.changes:
                field = model._meta.get_field(change.field)
                fields.append(
                    (
                        str(field.verbose_name),
                        _shown_value(field, change.old),
                        _shown_value(field, change.new),
                    )
                )
        changes.append(
            Change(
                when=record.history_date,
                user=record.history_user,
                kind=str(KINDS.get(record.history_type, record.history_type)),
                model_name=str(model._meta.verbose_name),
                part=_shown(record.history_object),
                changes=fields,
                history_url=_history_url(model, record.id),
                reason=record.history_change_reason or "",
                live_version=versions.at(record.history_date),
            )
        )
    changes.sort(key=lambda change: change.when, reverse=True)
    return changes[:limit]


class RoleHistoryMixin:
    """The role admin's page listing every recorded edit of the profile."""

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/profile-history/",
                self.admin_site.admin_view(self.profile_history_view),
                name="{}_{}_profile_history".format(*info),
            ),
            *super().get_urls(),
        ]

    def profile_history_view(self, request, object_id):
        """Lets HR see who changed what in a profile, and reach each change's revert page."""
        role = self.get_object(request, unquote(object_id))
        if role is None:
            raise Http404
        if not self.has_view_or_change_permission(request, role):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": role,
            "title": _("Riwayat perubahan profil: %(role)s") % {"role": role},
            "changes": profile_changes(role),
        }
        return TemplateResponse(request, "admin/assessments/role/profile_history.html", context)
