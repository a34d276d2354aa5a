"""The HR admin of the questionnaire: traits, sections, beliefs, items and their options."""

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as delete_selected_objects
from django.contrib.admin.utils import unquote
from django.db import models
from django.forms import Textarea, TextInput
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..models import (
    Belief,
    Item,
    Option,
    Section,
    Trait,
)
from ..publishing import removal_problems
from .forms import (
    ItemForm,
    OptionFormSet,
    TraitForm,
)
from .history import ProfileHistoryAdmin
from .roles import COMPACT_TEXT, TRAIT_FIELDS, short


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
