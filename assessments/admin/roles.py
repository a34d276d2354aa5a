"""The HR admin of role profiles and their parts (duties, traits, fields, beliefs, ...)."""

from django.contrib import admin
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext_lazy as _

from .. import drafts
from ..models import (
    Belief,
    ComparisonPoint,
    Duty,
    EducationField,
    Item,
    Role,
    RoleTrait,
    Section,
    Trait,
)
from .forms import RoleForm, RoleTraitForm, SizedTextarea, TraitForm
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


# A bank's trait: what it is and how to develop it. What it means for a role (weight,
# level, knockout, why it matters) is each role's, in its role traits.
BANK_TRAIT_FIELDS = [
    ("name", "name_en"),
    ("key", "order"),
    ("description", "description_en"),
    ("how_to_develop", "how_to_develop_en"),
    ("asn_competency", "asn_level"),
]


def trait_fields(role: Role | None) -> list:
    return BANK_TRAIT_FIELDS if role is not None and role.is_bank else TRAIT_FIELDS


class TraitInline(admin.StackedInline):
    model = Trait
    form = TraitForm
    formfield_overrides = COMPACT_TEXT
    extra = 0
    classes = ["collapse"]
    prepopulated_fields = {"key": ["name"]}
    fields = TRAIT_FIELDS
    show_change_link = True

    def get_fields(self, request, obj=None):
        return trait_fields(obj)


class RoleTraitInline(admin.StackedInline):
    """A trait of the role's item bank, with what it means for this role: its weight, the
    level needed, the knockout and why it matters. Its name, description and how to
    develop it are the bank's, edited on the bank's page."""

    model = RoleTrait
    form = RoleTraitForm
    formfield_overrides = COMPACT_TEXT
    extra = 0
    classes = ["collapse"]
    fields = [
        ("trait", "order"),
        ("weight", "required_level"),
        ("knockout_below", "knockout_reason", "knockout_reason_en"),
        ("why_it_matters", "why_it_matters_en"),
    ]

    def get_queryset(self, request):
        # Each row is named by its bank trait.
        return super().get_queryset(request).select_related("trait")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if obj is not None and obj.bank_id:
            traits = list(Trait.objects.filter(role_id=obj.bank_id).order_by("order", "pk"))
            field = formset.form.base_fields["trait"]
            field.queryset = Trait.objects.filter(pk__in=[trait.pk for trait in traits])
            field.help_text = _("Pilihan dari bank butir “%(bank)s”.") % {"bank": obj.bank.title}
            # One query for the page, not one per row.
            formset.form.trait_choices = [
                ("", "---------"),
                *((trait.pk, short(trait.name, 90)) for trait in traits),
            ]
        return formset


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
    list_display = ["title", "slug", "kind", "status", "version", "published_at"]
    list_filter = ["kind", "status"]
    search_fields = ["title", "title_en", "slug"]
    # Publishing sets the status and the version (publishing.publish), on the publish page.
    readonly_fields = ["status", "version", "published_at", "updated_at", "bank_items"]
    role_lookup = "pk"
    # An item bank: its name and summary; its traits and sections are its inlines.
    bank_fieldsets = [
        (
            None,
            {
                "fields": [("title", "title_en"), "slug", ("summary", "summary_en")],
                "description": _(
                    "Bank butir: sifat, bagian dan butir yang dipakai bersama oleh beberapa "
                    "jabatan. Pengunjung tidak melihat bank; perubahan di sini masuk ke draf "
                    "setiap jabatan yang memakainya."
                ),
            },
        ),
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("title", "title_en"),
                    "slug",
                    ("kind", "bank"),
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
    bank_inlines = [TraitInline, SectionInline]
    banked_role_inlines = [
        DutyInline,
        RoleTraitInline,
        EducationFieldInline,
        BeliefInline,
        ComparisonPointInline,
    ]

    class Media:
        css = {"all": ["css/admin.css"]}

    def get_queryset(self, request):
        # The live version's time without its (large) snapshot; the bank's name.
        return (
            super()
            .get_queryset(request)
            .select_related("bank")
            .annotate(published=F("live_version__created_at"))
        )

    @admin.display(description=_("terakhir diterbitkan"), ordering="published")
    def published_at(self, role):
        published = getattr(role, "published", None)
        if published is None and role.live_version_id:
            published = role.live_version.created_at
        if published is None:
            return _("belum pernah")
        return formats.date_format(timezone.localtime(published), "DATETIME_FORMAT")

    def get_inlines(self, request, obj):
        """A bank's traits and sections; a role that uses a bank, its own parts and how it
        weighs the bank's traits; any other role, its own whole questionnaire."""
        if obj is not None and obj.is_bank:
            return self.bank_inlines
        if obj is not None and obj.bank_id:
            return self.banked_role_inlines
        return self.inlines

    def get_fieldsets(self, request, obj=None):
        if obj is not None and obj.is_bank:
            return self.bank_fieldsets
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and obj.bank_id:
            fieldsets = [
                *fieldsets,
                (
                    _("Butir dari bank butir"),
                    {"fields": ["bank_items"], "classes": ["collapse"]},
                ),
            ]
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        readonly_fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.live_version_id:
            # The public address of a published role: links to it are out there.
            readonly_fields.append("slug")
        if obj is not None:
            # A role's rows belong to a role or to a bank from the start.
            readonly_fields.append("kind")
        if obj is not None and obj.bank_id and obj.live_version_id:
            # Its published versions were scored from this bank's items.
            readonly_fields.append("bank")
        return readonly_fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "bank":
            kwargs["queryset"] = Role.objects.banks()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("butir yang dipakai, per sifat"))
    def bank_items(self, role):
        """The bank's items this role asks (all but other roles' belief checks), by trait:
        the traits it weighs first, then those it does not, then items measuring none."""
        if not role.bank_id:
            return "—"
        weight = RoleTrait.objects.filter(role=role, trait=OuterRef("trait")).values("weight")
        items = (
            Item.objects.filter(role_id=role.bank_id)
            .filter(Q(belief__isnull=True) | Q(belief__role=role))
            .select_related("trait")
            .annotate(weight=Subquery(weight[:1]))
            .order_by("section__order", "order", "pk")
        )
        groups: dict[int | None, tuple[str, list[Item]]] = {}
        for item in items:
            if item.trait_id is None:
                label = _("Tidak mengukur sifat (cek, anggapan, preferensi, pendidikan)")
            elif item.weight is not None:
                label = _("%(trait)s (bobot %(weight)d)") % {
                    "trait": item.trait.name,
                    "weight": item.weight,
                }
            else:
                label = _("%(trait)s (tidak ditimbang jabatan ini)") % {"trait": item.trait.name}
            groups.setdefault(item.trait_id, (label, []))[1].append(item)

        def rank(entry):
            trait_id, (_label, items) = entry
            if trait_id is None:
                return (2, 0)
            return (0 if items[0].weight is not None else 1, items[0].trait.order)

        rows = []
        for _trait_id, (label, group) in sorted(groups.items(), key=rank):
            codes = format_html_join(
                ", ",
                '<a href="{}">{}</a>',
                (
                    (reverse("admin:assessments_item_change", args=[item.pk]), item.code)
                    for item in group
                ),
            )
            rows.append((label, len(group), codes))
        if not rows:
            return _("Bank butir ini belum punya butir.")
        return format_html(
            '<ul class="bank-items">{}</ul>',
            format_html_join("", "<li><strong>{}</strong> ({}): {}</li>", rows),
        )

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
        if role is not None and role.pk and role.is_bank:
            # A bank is no one's version: its changes are in the drafts of its roles.
            context["bank_roles"] = [
                (user, drafts.draft_state(user)) for user in role.roles.order_by("title")
            ]
        elif role is not None and role.pk:
            context["draft"] = drafts.draft_state(role)
        return super().render_change_form(request, context, add, change, **kwargs)
