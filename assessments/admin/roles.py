"""The HR admin of role profiles and their parts (duties, traits, fields, beliefs, ...)."""

from django.contrib import admin
from django.db import models
from django.forms import Textarea
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from ..models import (
    Belief,
    ComparisonPoint,
    Duty,
    EducationField,
    Role,
    Section,
    Trait,
)
from .forms import (
    DutyFormSet,
    EducationFieldFormSet,
    RoleForm,
    SectionFormSet,
    TraitForm,
    TraitFormSet,
)
from .history import ProfileHistoryAdmin, RoleHistoryMixin
from .insights import RoleInsightsMixin

admin.site.site_header = _("CareerFit — Admin HR")
admin.site.site_title = _("CareerFit Admin HR")
admin.site.index_title = _("Profil jabatan, kuesioner dan hasil asesmen")

# Texts sit side by side with their English translation, so keep the boxes small.
COMPACT_TEXT = {models.TextField: {"widget": Textarea(attrs={"rows": 3, "cols": 40})}}


def short(text: str, length: int = 80) -> str:
    return Truncator(text).chars(length)


# --- The role and its parts ---------------------------------------------------------------


class RolePartInline(admin.TabularInline):
    formfield_overrides = COMPACT_TEXT
    extra = 0


class DutyInline(RolePartInline):
    model = Duty
    formset = DutyFormSet
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
    formset = TraitFormSet
    formfield_overrides = COMPACT_TEXT
    extra = 0
    classes = ["collapse"]
    prepopulated_fields = {"key": ["name"]}
    fields = TRAIT_FIELDS


class EducationFieldInline(RolePartInline):
    model = EducationField
    formset = EducationFieldFormSet
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
    formset = SectionFormSet
    fields = ["order", "title", "title_en", "intro", "intro_en"]

    def get_queryset(self, request):
        # A section's name includes its role's, shown in each row.
        return super().get_queryset(request).select_related("role")


@admin.register(Role)
class RoleAdmin(RoleInsightsMixin, RoleHistoryMixin, ProfileHistoryAdmin):
    form = RoleForm
    formfield_overrides = COMPACT_TEXT
    list_display = ["title", "slug", "status", "version", "updated_at"]
    list_filter = ["status"]
    search_fields = ["title", "title_en", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    # The version is raised by publishing changed content (publishing.publish_version).
    readonly_fields = ["version", "updated_at"]
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
                    ("status", "version", "updated_at"),
                ],
                "description": _(
                    "Kolom kiri dalam bahasa Indonesia, kolom kanan terjemahan bahasa Inggris. "
                    "Jabatan hanya bisa diterbitkan bila profil dan kuesionernya lengkap."
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
