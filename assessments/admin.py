"""The HR admin: role profiles with their parts, the questionnaire, and read-only results.

What HR staff may do is set by their group's permissions (fixtures/hr_group.json); what they
may save is checked by the forms in ``admin_forms.py`` with the rules in ``publishing.py``.
"""

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as delete_selected_objects
from django.contrib.admin.utils import unquote
from django.db import models
from django.db.models.constants import LOOKUP_SEP
from django.forms import Textarea, TextInput
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from .admin_forms import (
    DutyFormSet,
    EducationFieldFormSet,
    ItemForm,
    OptionFormSet,
    RoleForm,
    SectionFormSet,
    TraitForm,
    TraitFormSet,
)
from .admin_history import ProfileHistoryAdmin, RoleHistoryMixin
from .admin_insights import RoleInsightsMixin
from .models import (
    Assessment,
    Belief,
    ComparisonPoint,
    Duty,
    EducationField,
    Item,
    Option,
    Role,
    Section,
    Trait,
)
from .publishing import removal_problems

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
                    ("status", "version", "updated_at"),
                ],
                "description": _(
                    "Kolom kiri dalam bahasa Indonesia, kolom kanan terjemahan bahasa Inggris. "
                    "Jabatan hanya bisa diterbitkan bila profil dan kuesionernya lengkap."
                ),
            },
        ),
        (_("Ambang putusan"), {"fields": [("fit_threshold", "partial_threshold")]}),
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
                    "direct_service_threshold",
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


class RolePartAdmin(ProfileHistoryAdmin):
    """A part of a role on its own page: it stays with the role it was made for.

    Moving it would leave its items pointing into another role.
    """

    formfield_overrides = COMPACT_TEXT
    list_filter = ["role"]
    list_select_related = ["role"]

    def get_readonly_fields(self, request, obj=None):
        readonly_fields = super().get_readonly_fields(request, obj)
        return [*readonly_fields, "role"] if obj else readonly_fields


@admin.register(Trait)
class TraitAdmin(RolePartAdmin):
    form = TraitForm
    list_display = ["name", "role", "weight", "required_level", "knockout_below", "order"]
    list_editable = ["order"]
    list_filter = ["role", "weight"]
    search_fields = ["name", "name_en", "key", "description"]
    prepopulated_fields = {"key": ["name"]}
    fields = ["role", *TRAIT_FIELDS]


@admin.register(Section)
class SectionAdmin(RolePartAdmin):
    list_display = ["title", "role", "order"]
    list_editable = ["order"]
    search_fields = ["title", "title_en"]
    fields = ["role", "order", ("title", "title_en"), ("intro", "intro_en")]


@admin.register(Belief)
class BeliefAdmin(RolePartAdmin):
    list_display = ["short_belief", "kind", "role", "order"]
    list_editable = ["order"]
    list_filter = ["role", "kind"]
    search_fields = ["belief", "belief_en", "correction", "correction_en"]
    fields = ["role", ("kind", "order"), ("belief", "belief_en"), ("correction", "correction_en")]

    @admin.display(description=_("anggapan"), ordering="belief")
    def short_belief(self, belief):
        return short(belief.belief)


# --- The questionnaire --------------------------------------------------------------------


class OptionInline(admin.TabularInline):
    model = Option
    formset = OptionFormSet
    # Eight columns share the width: narrow boxes keep them all on screen.
    formfield_overrides = {
        models.CharField: {"widget": TextInput(attrs={"size": 3})},
        models.TextField: {"widget": Textarea(attrs={"rows": 3, "cols": 22})},
    }
    extra = 2
    fields = [
        "code",
        "order",
        "text",
        "text_en",
        "score",
        "direct_service",
        "feedback",
        "feedback_en",
    ]


class SectionListFilter(admin.RelatedFieldListFilter):
    """Sections by name, which includes the role's: one query, not one per section."""

    def field_choices(self, field, request, model_admin):
        return [(section.pk, str(section)) for section in Section.objects.select_related("role")]


@admin.register(Item)
class ItemAdmin(ProfileHistoryAdmin):
    form = ItemForm
    formfield_overrides = COMPACT_TEXT
    list_display = ["code", "short_text", "kind", "trait", "section_title", "order"]
    list_display_links = ["code", "short_text"]
    list_editable = ["order"]
    list_filter = ["role", ("section", SectionListFilter), "kind", "trait"]
    list_select_related = ["trait", "section"]
    search_fields = ["code", "text", "text_en"]
    actions = ["delete_selected"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("role", "section"),
                    ("code", "kind", "order"),
                    ("text", "text_en"),
                ],
                "description": _(
                    "Pernyataan dan skenario mengukur satu sifat; skenario butuh 3 sampai 5 "
                    "pilihan berskor; preferensi butuh pilihan A dan B, tepat satu layanan "
                    "langsung; cek anggapan butuh anggapan dan jawaban yang benar."
                ),
            },
        ),
        (_("Pernyataan dan skenario"), {"fields": [("trait", "reverse_keyed")]}),
        (_("Cek anggapan"), {"fields": [("belief", "keyed_answer")]}),
    ]
    inlines = [OptionInline]

    @admin.display(description=_("teks"), ordering="text")
    def short_text(self, item):
        return short(item.text)

    @admin.display(description=_("bagian"), ordering="section__order")
    def section_title(self, item):
        return item.section.title

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "section":
            kwargs["queryset"] = Section.objects.select_related("role")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def delete_view(self, request, object_id, extra_context=None):
        item = self.get_object(request, unquote(object_id))
        if (
            item is not None
            and self.has_delete_permission(request, item)
            and self.refuse_deletion(request, [item])
        ):
            return HttpResponseRedirect(reverse("admin:assessments_item_change", args=[item.pk]))
        return super().delete_view(request, object_id, extra_context)

    @admin.action(permissions=["delete"], description=delete_selected_objects.short_description)
    def delete_selected(self, request, queryset):
        if self.refuse_deletion(request, queryset):
            return None
        return delete_selected_objects(self, request, queryset)

    def refuse_deletion(self, request, items) -> bool:
        """Tell HR, and refuse, when deleting ``items`` would break a published role."""
        problems = removal_problems(items)
        for problem in problems:
            self.message_user(
                request, _("Tidak dihapus: %(problem)s") % {"problem": problem}, messages.ERROR
            )
        return bool(problems)


# --- Results ------------------------------------------------------------------------------


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    """Results, read-only for everyone.

    The token is the visitor's private link to their result (and to deleting it), so it is
    shown nowhere here, cannot be searched or filtered on, and there is no "view on site".
    """

    list_display = ["created_at", "role", "status", "verdict", "overall_fit"]
    list_filter = ["status", "verdict", "role"]
    list_select_related = ["role"]
    date_hierarchy = "created_at"
    view_on_site = False
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("role", "role_version"),
                    ("status", "language"),
                    ("verdict", "overall_fit"),
                    ("created_at", "completed_at", "updated_at"),
                    ("consent_version", "consented_at"),
                ]
            },
        ),
        (_("Jawaban dan hasil"), {"fields": ["answers", "result"], "classes": ["collapse"]}),
        (_("Snapshot profil"), {"fields": ["snapshot"], "classes": ["collapse"]}),
    ]
    readonly_fields = [
        "role",
        "role_version",
        "status",
        "language",
        "verdict",
        "overall_fit",
        "created_at",
        "completed_at",
        "updated_at",
        "consent_version",
        "consented_at",
        "answers",
        "result",
        "snapshot",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def lookup_allowed(self, lookup, value, request=None):
        # ?token__startswith=... would let a user read tokens out one character at a time.
        if lookup.split(LOOKUP_SEP)[0] == "token":
            return False
        return super().lookup_allowed(lookup, value, request)
