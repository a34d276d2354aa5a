"""The HR admin of role profiles and their parts (duties, traits, fields, beliefs, ...)."""

from django.contrib import admin
from django.db import models
from django.db.models import F
from django.utils import formats, timezone
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext_lazy as _

from .. import drafts
from ..models import (
    Belief,
    ComparisonPoint,
    Duty,
    EducationField,
    Role,
    Section,
    Trait,
)
from .forms import RoleForm, SizedTextarea, TraitForm
from .history import ProfileHistoryAdmin, RoleHistoryMixin
from .insights import RoleInsightsMixin
from .paper import RolePaperMixin
from .preview import RolePreviewMixin
from .publishing import RolePublishingMixin

admin.site.site_header = _("CareerFit — Admin HR")
admin.site.site_title = _("CareerFit Admin HR")
admin.site.index_title = _("Profil jabatan, kuesioner dan hasil asesmen")

# Texts sit side by side with their English translation: boxes as tall as their text.
COMPACT_TEXT = {models.TextField: {"widget": SizedTextarea(attrs={"cols": 40})}}


def short(text: str, length: int = 80) -> str:
    return Truncator(text).chars(length)


def never_published(role: Role) -> bool:
    """Nothing of ``role`` was ever shown to visitors or scored: no published version and no
    real result (HR's own tries on the draft do not count)."""
    return (
        role.live_version_id is None
        and not role.is_published
        and not role.versions.filter(is_draft=False).exists()
        and not role.assessments.filter(on_draft=False).exists()
    )


# --- The role and its parts ---------------------------------------------------------------


class LabelledInlineMixin:
    """Tabular rows have no <label>s (the column header says it): name each box instead."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and hasattr(formfield.widget, "attrs"):
            formfield.widget.attrs.setdefault("aria-label", capfirst(db_field.verbose_name))
        return formfield


class RolePartInline(LabelledInlineMixin, admin.TabularInline):
    formfield_overrides = COMPACT_TEXT
    extra = 0


class DutyInline(RolePartInline):
    model = Duty
    fields = ["order", "text", "text_en"]


TRAIT_FIELDS = [
    ("name", "name_en"),
    ("key", "order"),
    ("description", "description_en"),
    ("weight", "required_level"),
    ("knockout_below", "knockout_reason", "knockout_reason_en"),
    ("why_it_matters", "why_it_matters_en"),
    ("how_to_develop", "how_to_develop_en"),
    ("asn_competency", "asn_level"),
]


class TraitInline(admin.StackedInline):
    model = Trait
    form = TraitForm
    formfield_overrides = COMPACT_TEXT
    extra = 0
    classes = ["collapse"]
    prepopulated_fields = {"key": ["name"]}
    fields = TRAIT_FIELDS
    show_change_link = True


class EducationFieldInline(RolePartInline):
    model = EducationField
    fields = ["order", "code", "name", "name_en", "preferred"]


class BeliefInline(RolePartInline):
    model = Belief
    fields = ["order", "kind", "belief", "belief_en", "correction", "correction_en"]


class ComparisonPointInline(RolePartInline):
    model = ComparisonPoint
    fields = [
        "order",
        "aspect",
        "aspect_en",
        "this_role",
        "this_role_en",
        "other_role",
        "other_role_en",
    ]


class SectionInline(RolePartInline):
    model = Section
    fields = ["order", "title", "title_en", "intro", "intro_en"]
    # Each section's own page lists its items, to add, edit and reorder them.
    show_change_link = True

    def get_queryset(self, request):
        # A section's name includes its role's, shown in each row.
        return super().get_queryset(request).select_related("role")


@admin.register(Role)
class RoleAdmin(
    RolePaperMixin,
    RolePreviewMixin,
    RolePublishingMixin,
    RoleInsightsMixin,
    RoleHistoryMixin,
    ProfileHistoryAdmin,
):
    """A role's profile: its rows are the working draft, published from its publish page."""

    form = RoleForm
    formfield_overrides = COMPACT_TEXT
    list_display = ["title", "slug", "status", "version", "published_at"]
    list_filter = ["status"]
    search_fields = ["title", "title_en", "slug"]
    # Publishing sets the status and the version (publishing.publish), on the publish page.
    readonly_fields = ["status", "version", "published_at", "updated_at"]
    role_lookup = "pk"
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("title", "title_en"),
                    "slug",
                    ("summary", "summary_en"),
                    ("entry_path", "entry_path_en"),
                    ("status", "version", "published_at", "updated_at"),
                ],
                "description": _(
                    "Kolom kiri dalam bahasa Indonesia, kolom kanan terjemahan bahasa Inggris. "
                    "Yang Anda simpan di sini adalah draf: pengunjung tetap melihat versi yang "
                    "tayang sampai draf diterbitkan di halaman “Terbitkan”."
                ),
            },
        ),
        (
            _("Ambang putusan"),
            {
                "fields": [
                    ("fit_threshold", "partial_threshold"),
                    ("min_match_fit", "min_match_partial"),
                    "behaviour_share",
                ]
            },
        ),
        (
            _("Pendidikan"),
            {
                "fields": [
                    ("education_match_text", "education_match_text_en"),
                    ("education_mismatch_text", "education_mismatch_text_en"),
                ]
            },
        ),
        (
            _("Perbandingan dengan profesi lain"),
            {
                "fields": [
                    ("similar_role_name", "similar_role_name_en"),
                    "similar_role_slug",
                    ("similar_role_summary", "similar_role_summary_en"),
                    ("similar_role_entry_path", "similar_role_entry_path_en"),
                    ("direct_service_share_numerator", "direct_service_share_denominator"),
                ]
            },
        ),
    ]
    inlines = [
        DutyInline,
        TraitInline,
        EducationFieldInline,
        BeliefInline,
        ComparisonPointInline,
        SectionInline,
    ]

    class Media:
        css = {"all": ["css/admin.css"]}

    def get_queryset(self, request):
        # The live version's time without its (large) snapshot.
        return super().get_queryset(request).annotate(published=F("live_version__created_at"))

    @admin.display(description=_("terakhir diterbitkan"), ordering="published")
    def published_at(self, role):
        published = getattr(role, "published", None)
        if published is None and role.live_version_id:
            published = role.live_version.created_at
        if published is None:
            return _("belum pernah")
        return formats.date_format(timezone.localtime(published), "DATETIME_FORMAT")

    def get_readonly_fields(self, request, obj=None):
        readonly_fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.live_version_id:
            # The public address of a published role: links to it are out there.
            readonly_fields.append("slug")
        return readonly_fields

    def get_prepopulated_fields(self, request, obj=None):
        return (
            {}
            if obj is not None and obj.live_version_id
            else super().get_prepopulated_fields(request, obj)
        )

    def has_delete_permission(self, request, obj=None):
        """A role never published (a new one, or a file imported as a draft) may be deleted
        by whoever may edit it: nothing of it was ever shown or scored. A published role
        only by those granted deletion (not the HR group): results refer to it."""
        if super().has_delete_permission(request, obj):
            return True
        return obj is not None and self.has_change_permission(request, obj) and never_published(obj)

    def get_deleted_objects(self, objs, request):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        if self.has_change_permission(request) and all(never_published(role) for role in objs):
            # Its duties, fields and options have no delete page of their own (they are
            # edited inline), which Django would count as a missing permission.
            perms_needed = set()
        return deleted, model_count, perms_needed, protected

    def render_change_form(self, request, context, add=False, change=False, **kwargs):
        role = context.get("original")
        if role is not None and role.pk:
            context["draft"] = drafts.draft_state(role)
        return super().render_change_form(request, context, add, change, **kwargs)
