"""Edit history in the HR admin, and the version of a published profile.

Every admin of the profile's models is a ``ProfileHistoryAdmin``: django-simple-history
records each save and deletion with its user (through ``HistoryRequestMiddleware``) and adds
a history page per object, from which an old state can be restored ("revert"). Around every
save, deletion and revert it also keeps the role's version honest: it notes the touched
roles' publication baseline first and calls ``publishing.publish_version`` after, so that
publishing different content raises the version once per save.

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
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from ..models import (
    PROFILE_PARTS,
    ComparisonPoint,
    Duty,
    EducationField,
    Item,
    Option,
    Role,
)
from ..publishing import (
    education_problems,
    option_problems,
    publication_baseline,
    publish_version,
    questionnaire_items,
)

BASELINES = "_careerfit_publication_baselines"
TOUCHED = "_careerfit_touched_roles"


class ProfileHistoryAdmin(SimpleHistoryAdmin):
    """An admin of a part of a role profile: edits recorded, published versions raised.

    ``role_lookup`` leads from the model to the role whose profile it is part of.
    """

    role_lookup = "role"

    def role_ids(self, queryset) -> set[int]:
        return set(queryset.values_list(self.role_lookup, flat=True)) - {None}

    def note_roles(self, request, role_ids: set[int]) -> None:
        """Remember the touched roles and, the first time each is touched, its baseline."""
        baselines = request.__dict__.setdefault(BASELINES, {})
        touched = request.__dict__.setdefault(TOUCHED, set())
        for role in Role.objects.filter(pk__in=role_ids - baselines.keys()):
            baselines[role.pk] = publication_baseline(role)
        touched |= role_ids

    def publish_touched_roles(self, request) -> None:
        baselines = request.__dict__.get(BASELINES, {})
        for role_id in sorted(request.__dict__.get(TOUCHED, ())):
            if Role.objects.filter(pk=role_id).exists():
                publish_version(role_id, baselines.get(role_id))

    def save_model(self, request, obj, form, change):
        before = self.role_ids(self.model.objects.filter(pk=obj.pk)) if obj.pk else set()
        self.note_roles(request, before | self.role_ids_of_unsaved(obj))
        super().save_model(request, obj, form, change)
        request.__dict__[TOUCHED] |= self.role_ids(self.model.objects.filter(pk=obj.pk))

    def role_ids_of_unsaved(self, obj) -> set[int]:
        """The role ``obj`` is about to belong to, as edited."""
        if self.role_lookup == "pk":
            return {obj.pk} if obj.pk else set()
        owner = obj
        *path_to_role, last = self.role_lookup.split("__")
        for name in path_to_role:
            owner = getattr(owner, name, None)
        role_id = getattr(owner, f"{last}_id", None) if owner is not None else None
        return {role_id} if role_id else set()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self.publish_touched_roles(request)

    def delete_model(self, request, obj):
        self.note_roles(request, self.role_ids(self.model.objects.filter(pk=obj.pk)))
        super().delete_model(request, obj)
        self.publish_touched_roles(request)

    def delete_queryset(self, request, queryset):
        self.note_roles(request, self.role_ids(queryset))
        super().delete_queryset(request, queryset)
        self.publish_touched_roles(request)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        response = super().history_form_view(request, object_id, version_id, extra_context)
        if request.method == "POST" and response.status_code == 302:
            self.publish_touched_roles(request)
        return response


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


class EducationFieldForm(forms.ModelForm):
    def clean(self):
        cleaned_data = super().clean()
        field = copy.copy(self.instance)
        field.preferred = cleaned_data.get("preferred", field.preferred)
        role = self.instance.role
        if role.is_published:
            others = [saved for saved in role.education_fields.all() if saved.pk != field.pk]
            items = questionnaire_items(role)
            before = set(education_problems(role.education_fields.all(), items))
            problems = [
                problem
                for problem in education_problems([*others, field], items)
                if problem not in before
            ]
            if problems:
                raise ValidationError(problems)
        return cleaned_data


@admin.register(EducationField)
class EducationFieldHistoryAdmin(HistoryOnlyAdmin):
    form = EducationFieldForm
    fields = ["role", "order", "code", ("name", "name_en"), "preferred"]


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


KINDS = {
    "+": gettext_lazy("dibuat"),
    "~": gettext_lazy("diubah"),
    "-": gettext_lazy("dihapus"),
}


def _shown(value) -> str:
    return Truncator("" if value is None else str(value)).chars(120)


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
    fields each edit changed.
    """
    item_ids = Item.history.filter(role_id=role.pk).values("id")
    records = []
    for model in (Role, *PROFILE_PARTS):
        history = model.history
        if model is Role:
            rows = history.filter(id=role.pk)
        elif model is Option:
            rows = history.filter(item_id__in=item_ids)
        else:
            rows = history.filter(role_id=role.pk)
        latest = list(rows.select_related("history_user").order_by("-history_id")[:limit])
        if not latest:
            continue
        earlier: dict[int, list] = {}
        for record in history.filter(id__in={record.id for record in latest}).order_by(
            "history_id"
        ):
            earlier.setdefault(record.id, []).append(record)
        for record in latest:
            sequence = earlier[record.id]
            position = next(i for i, other in enumerate(sequence) if other.pk == record.pk)
            previous = sequence[position - 1] if position else None
            records.append((model, record, previous))

    changes = []
    for model, record, previous in records:
        fields = []
        if record.history_type == "~" and previous is not None:
            delta = record.diff_against(previous)
            for change in delta.changes:
                field = model._meta.get_field(change.field)
                fields.append((str(field.verbose_name), _shown(change.old), _shown(change.new)))
        changes.append(
            Change(
                when=record.history_date,
                user=record.history_user,
                kind=str(KINDS.get(record.history_type, record.history_type)),
                model_name=str(model._meta.verbose_name),
                part=_shown(record.history_object),
                changes=fields,
                history_url=_history_url(model, record.id),
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
