"""The HR admin of the questionnaire: traits, sections, beliefs, items and their options."""

from django.contrib import admin, messages
from django.db import models
from django.forms import TextInput
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from ..models import (
    Belief,
    Item,
    Option,
    Section,
    Trait,
)
from ..publishing import item_translation_problems
from .forms import (
    ITEM_KIND_FIELDS,
    KIND_DEPENDENT_FIELDS,
    OPTION_KIND_FIELDS,
    ItemForm,
    OptionFormSet,
    SizedTextarea,
    TraitForm,
)
from .history import ProfileHistoryAdmin
from .roles import COMPACT_TEXT, TRAIT_FIELDS, LabelledInlineMixin, short


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


class OptionInline(LabelledInlineMixin, admin.TabularInline):
    model = Option
    formset = OptionFormSet
    # The columns share the page's width (static/css/admin.css lays the table out): the
    # text boxes fill their column and grow with their text.
    formfield_overrides = {
        models.CharField: {"widget": TextInput(attrs={"size": 3})},
        models.TextField: {"widget": SizedTextarea(attrs={"cols": 24})},
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
        "rationale",
    ]


class SectionListFilter(admin.RelatedFieldListFilter):
    """Sections by name, which includes the role's: one query, not one per section."""

    def field_choices(self, field, request, model_admin):
        return [(section.pk, str(section)) for section in Section.objects.select_related("role")]


@admin.register(Item)
class ItemAdmin(ProfileHistoryAdmin):
    """An item, with the fields its kind uses (the page's script hides the others)."""

    form = ItemForm
    change_form_template = "admin/assessments/item/change_form.html"
    formfield_overrides = {models.TextField: {"widget": SizedTextarea(attrs={"cols": 40})}}
    list_display = ["code", "short_text", "kind", "trait", "section_title", "order"]
    list_display_links = ["code", "short_text"]
    list_editable = ["order"]
    list_filter = ["role", ("section", SectionListFilter), "kind", "trait"]
    list_select_related = ["trait", "section"]
    search_fields = ["code", "text", "text_en"]
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
                    "Pilih jenis butir dulu: halaman ini hanya menampilkan kolom yang dipakai "
                    "jenis itu. Pernyataan, skenario dan soal pengetahuan mengukur satu sifat; "
                    "skenario butuh 3 sampai 5 pilihan berskor 0 sampai 4; soal pengetahuan "
                    "3 sampai 5 pilihan, tepat satu benar (skor 1, lainnya 0); preferensi "
                    "butuh pilihan A dan B, tepat satu layanan langsung; cek anggapan butuh "
                    "anggapan dan jawaban yang benar."
                ),
            },
        ),
        (
            _("Yang diukur"),
            {"fields": [("trait", "reverse_keyed", "reserve"), ("belief", "keyed_answer")]},
        ),
    ]
    inlines = [OptionInline]

    class Media:
        js = ["js/item-kind.js"]
        css = {"all": ["css/admin.css"]}

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

    def render_change_form(self, request, context, *args, **kwargs):
        # What the page's script shows for each kind, from the forms' own rules.
        context["item_kind_fields"] = {
            "item": {kind: ITEM_KIND_FIELDS[kind] for kind in ITEM_KIND_FIELDS},
            "dependent": KIND_DEPENDENT_FIELDS,
            "options": OPTION_KIND_FIELDS,
        }
        return super().render_change_form(request, context, *args, **kwargs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        missing = item_translation_problems(form.instance)
        if missing:
            self.message_user(
                request,
                gettext_now(
                    "Tersimpan di draf, tetapi teks bahasa Inggris belum lengkap; jabatan "
                    "tidak bisa diterbitkan sebelum dilengkapi: %(missing)s"
                )
                % {"missing": "; ".join(missing)},
                messages.WARNING,
            )
