"""The HR admin of the questionnaire: traits, sections, beliefs, items and their options."""

from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count, Max
from django.forms import ModelChoiceField, TextInput
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect, QueryDict
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .. import history
from ..models import (
    Belief,
    Item,
    Option,
    Role,
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
from .roles import COMPACT_TEXT, TRAIT_FIELDS, LabelledInlineMixin, short, trait_fields

# --- Working inside one role ---------------------------------------------------------------
# Every list, filter and dropdown of a role's parts shows one role's rows once HR is working
# in that role: the role of the row being edited, or the one a link or a filter names. Where
# no role is known yet, each choice carries its role's title, so that two "Empati" of two
# roles cannot be confused.

ROLE_FILTER = "role__id__exact"


def role_in_query(request) -> Role | None:
    """The role a page was asked for: ``?role=``, a section's role (``?section=``), the role
    filter of the list HR came from, or on a save the posted role."""
    query = request.GET
    preserved = QueryDict(query.get("_changelist_filters", ""))
    role_id = (
        request.POST.get("role")
        or query.get("role")
        or query.get(ROLE_FILTER)
        or preserved.get(ROLE_FILTER)
    )
    section_id = query.get("section") or preserved.get("section__id__exact")
    try:
        if role_id:
            return Role.objects.filter(pk=int(role_id)).first()
        if section_id:
            return Role.objects.filter(sections__pk=int(section_id)).first()
    except (TypeError, ValueError):
        return None
    return None


def part_label(part) -> str:
    """A trait, section or belief by its own name (a section's ``str`` adds its role)."""
    return part.title if isinstance(part, Section) else str(part)


class LocalChoice(ModelChoiceField):
    """A trait, section or belief of the role being edited, by its own name."""

    def label_from_instance(self, obj):
        return short(part_label(obj), 90)


class ChoiceWithRole(ModelChoiceField):
    """A trait, section or belief named with its role: ``Empati — Kabag Kesra``."""

    def label_from_instance(self, obj):
        return f"{short(part_label(obj), 70)} — {obj.role.title}"


def scoped_foreign_key(db_field, role: Role | None, kwargs: dict) -> dict:
    """Limit a dropdown of a role's parts to ``role``'s, or name each choice's role.

    A bank's belief checks test the beliefs of the roles that use it: those, each named
    with its role.
    """
    related = db_field.related_model
    queryset = related.objects.select_related("role")
    if role is not None and role.is_bank and related is Belief:
        kwargs["queryset"] = queryset.filter(role__bank=role)
        kwargs["form_class"] = ChoiceWithRole
        where = _("Pilihan dari jabatan yang memakai bank butir “%(bank)s”.") % {"bank": role.title}
        kwargs["help_text"] = f"{db_field.help_text} {where}".strip()
    elif role is not None:
        kwargs["queryset"] = queryset.filter(role=role)
        kwargs["form_class"] = LocalChoice
        where = _("Pilihan dari jabatan “%(role)s”.") % {"role": role.title}
        kwargs["help_text"] = f"{db_field.help_text} {where}".strip()
    else:
        kwargs["queryset"] = queryset
        kwargs["form_class"] = ChoiceWithRole
    return kwargs


class RoleScopedFilter(admin.RelatedFieldListFilter):
    """A filter on a role's part (trait, section) that lists the filtered role's only, and
    names each one's role while the list spans roles. One query, not one per choice."""

    def field_choices(self, field, request, model_admin):
        queryset = field.related_model.objects.select_related("role")
        role_id = request.GET.get(ROLE_FILTER)
        if role_id and role_id.isdigit():
            # A role that uses a bank: its questionnaire's parts are the bank's.
            owner = Role.objects.filter(pk=int(role_id)).values_list("bank_id", flat=True).first()
            return [
                (part.pk, short(part_label(part), 60))
                for part in queryset.filter(role_id=owner or int(role_id))
            ]
        return [
            (part.pk, f"{short(part_label(part), 50)} — {part.role.title}") for part in queryset
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

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "role":
            # A link from a role's page names the role: the new part is that role's.
            role = role_in_query(request)
            if role is not None:
                kwargs["queryset"] = Role.objects.filter(pk=role.pk)
                kwargs["initial"] = role.pk
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Trait)
class TraitAdmin(RolePartAdmin):
    form = TraitForm
    list_display = ["name", "role", "weight", "required_level", "knockout_below", "order"]
    list_filter = ["role", "weight"]
    search_fields = ["name", "name_en", "key", "description"]
    prepopulated_fields = {"key": ["name"]}
    fields = ["role", *TRAIT_FIELDS]

    def get_fields(self, request, obj=None):
        role = obj.role if obj is not None else role_in_query(request)
        return ["role", *trait_fields(role)]


@admin.register(Section)
class SectionAdmin(RolePartAdmin):
    """A section's page lists its items in order: add, edit, move up or down."""

    change_form_template = "admin/assessments/section/change_form.html"
    list_display = ["title", "role", "order", "item_count"]
    search_fields = ["title", "title_en"]
    fields = ["role", "order", ("title", "title_en"), ("intro", "intro_en")]

    class Media:
        css = {"all": ["css/admin.css"]}
        js = ["js/section-items.js"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(item_total=Count("items"))

    @admin.display(description=_("butir"), ordering="item_total")
    def item_count(self, section):
        return section.item_total

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/move-item/",
                self.admin_site.admin_view(self.move_item_view),
                name="{}_{}_move_item".format(*info),
            ),
            path(
                "<path:object_id>/reorder-items/",
                self.admin_site.admin_view(self.reorder_items_view),
                name="{}_{}_reorder_items".format(*info),
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, **kwargs):
        section = context.get("original")
        if section is not None and section.pk:
            item_admin = self.admin_site._registry[Item]
            context["section_items"] = list(
                section.items.select_related("trait").order_by("order", "pk")
            )
            context["can_change_items"] = item_admin.has_change_permission(request)
            context["can_add_items"] = item_admin.has_add_permission(request)
            context["item_add_url"] = "{}?{}".format(
                reverse("admin:assessments_item_add"),
                urlencode({"role": section.role_id, "section": section.pk}),
            )
            # Back to this section's items after saving an item opened from here.
            context["item_filters"] = urlencode(
                {"_changelist_filters": urlencode({"section__id__exact": section.pk})}
            )
        return super().render_change_form(request, context, add, change, **kwargs)

    def move_item_view(self, request, object_id):
        """Moves one of the section's items up or down by one place (a plain form post)."""
        section = self.get_object(request, unquote(object_id))
        if section is None:
            raise Http404
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.admin_site._registry[Item].has_change_permission(request):
            raise PermissionDenied
        page = reverse("admin:assessments_section_change", args=[section.pk]) + "#section-items"
        items = list(section.items.order_by("order", "pk"))
        # One form, a pair of buttons per item: the pressed one posts "<item id>:up|down".
        item_id, _sep, direction = request.POST.get("move", "").partition(":")
        item_id = int(item_id) if item_id.isdigit() else None
        position = next((n for n, item in enumerate(items) if item.pk == item_id), None)
        step = {"up": -1, "down": 1}.get(direction)
        if position is None or step is None or not 0 <= position + step < len(items):
            messages.error(request, _("Butir ini tidak bisa dipindah ke arah itu."))
            return HttpResponseRedirect(page)
        moved = items[position]
        items[position], items[position + step] = items[position + step], moved
        with history.change_reason(history.stored_reason(history.EDITED)):
            renumber(items)
        self.message_user(
            request,
            (
                _("Butir %(code)s dipindah satu tempat ke atas.")
                if step < 0
                else _("Butir %(code)s dipindah satu tempat ke bawah.")
            )
            % {"code": moved.code},
            messages.SUCCESS,
        )
        self.say_draft(request, section)
        return HttpResponseRedirect(page)

    def reorder_items_view(self, request, object_id):
        """Puts the section's items in the order posted (``order``: every item id, comma-
        separated), as the page's script sends it after a row was dragged."""
        section = self.get_object(request, unquote(object_id))
        if section is None:
            raise Http404
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.admin_site._registry[Item].has_change_permission(request):
            raise PermissionDenied
        page = reverse("admin:assessments_section_change", args=[section.pk]) + "#section-items"
        items = {item.pk: item for item in section.items.order_by("order", "pk")}
        posted = request.POST.get("order", "").split(",")
        wanted = [int(pk) for pk in posted if pk.isdigit()]
        if sorted(wanted) != sorted(items) or len(wanted) != len(posted):
            messages.error(
                request, _("Urutan ini tidak cocok dengan butir bagian ini; muat ulang.")
            )
            return HttpResponseRedirect(page)
        with history.change_reason(history.stored_reason(history.EDITED)):
            renumber([items[pk] for pk in wanted])
        self.message_user(request, _("Urutan butir disimpan."), messages.SUCCESS)
        self.say_draft(request, section)
        return HttpResponseRedirect(page)


def renumber(items: list[Item]) -> None:
    """Save ``items`` in the order given: each keeps its number where the order allows it,
    so a move touches (and records in the history) only the items that moved."""
    numbers = [item.order for item in items]
    if len(set(numbers)) != len(numbers):
        numbers = list(range(1, len(items) + 1))
    for item, number in zip(items, sorted(numbers), strict=True):
        if item.order != number:
            item.order = number
            item.save(update_fields=["order"])


@admin.register(Belief)
class BeliefAdmin(RolePartAdmin):
    list_display = ["short_belief", "kind", "role", "order"]
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


class CopyItemForm(forms.Form):
    """Where a copy of an item goes: a section of another role, under a code free there."""

    section = ChoiceWithRole(
        queryset=Section.objects.none(),
        label=_("Bagian tujuan"),
        help_text=_("Salinan masuk ke draf jabatan bagian ini, di urutan terakhir."),
    )
    code = forms.SlugField(label=_("Kode butir di jabatan tujuan"), max_length=30)

    def __init__(self, *args, item: Item, **kwargs):
        super().__init__(*args, **kwargs)
        self.item = item
        self.fields["section"].queryset = (
            Section.objects.exclude(role_id=item.role_id)
            .select_related("role")
            .order_by("role__title", "order", "pk")
        )
        self.fields["code"].initial = item.code

    def clean(self):
        cleaned_data = super().clean()
        section, code = cleaned_data.get("section"), cleaned_data.get("code")
        if section is None or not code:
            return cleaned_data
        role = section.role
        if Item.objects.filter(role=role, code=code).exists():
            self.add_error(
                "code",
                _("Jabatan “%(role)s” sudah punya butir %(code)s; pilih kode lain.")
                % {"role": role.title, "code": code},
            )
        if self.item.kind == Item.Kind.BELIEF:
            raise ValidationError(
                _(
                    "Cek anggapan menguji anggapan jabatannya sendiri: buat anggapannya di "
                    "jabatan tujuan, lalu tambahkan butirnya di sana."
                )
            )
        if self.item.trait_id:
            trait = Trait.objects.filter(role=role, key=self.item.trait.key).first()
            if trait is None:
                raise ValidationError(
                    _(
                        "Jabatan “%(role)s” tidak punya sifat dengan kunci “%(key)s” (%(name)s): "
                        "tambahkan sifat itu di sana dulu."
                    )
                    % {"role": role.title, "key": self.item.trait.key, "name": self.item.trait.name}
                )
            cleaned_data["trait"] = trait
        return cleaned_data


def copy_item(item: Item, *, section: Section, code: str, trait: Trait | None) -> Item:
    """A copy of ``item`` and its options at the end of ``section``, in that role's draft."""
    last = Item.objects.filter(section=section).aggregate(last=Max("order"))["last"] or 0
    copy = Item.objects.create(
        role=section.role,
        section=section,
        code=code,
        kind=item.kind,
        text=item.text,
        text_en=item.text_en,
        trait=trait,
        reverse_keyed=item.reverse_keyed,
        reserve=item.reserve,
        order=last + 1,
    )
    for option in item.options.all():
        option.pk = None
        option.item = copy
        option.save()
    return copy


@admin.register(Item)
class ItemAdmin(ProfileHistoryAdmin):
    """An item, with the fields its kind uses (the page's script hides the others).

    Its trait, section and belief are chosen among its own role's; its order within the
    section is changed on the section's page.
    """

    form = ItemForm
    change_form_template = "admin/assessments/item/change_form.html"
    formfield_overrides = {models.TextField: {"widget": SizedTextarea(attrs={"cols": 40})}}
    list_display = ["code", "short_text", "kind", "trait", "section_link", "order"]
    list_display_links = ["code", "short_text"]
    list_filter = [
        "role",
        ("section", RoleScopedFilter),
        "kind",
        ("trait", RoleScopedFilter),
    ]
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
    def section_link(self, item):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:assessments_section_change", args=[item.section_id]),
            item.section.title,
        )

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/copy/",
                self.admin_site.admin_view(self.copy_view),
                name="{}_{}_copy".format(*info),
            ),
            *super().get_urls(),
        ]

    def copy_view(self, request, object_id):
        """Lets HR copy an item, with its options, into another role's draft."""
        item = self.get_object(request, unquote(object_id))
        if item is None:
            raise Http404
        if not (
            self.has_view_or_change_permission(request, item) and self.has_add_permission(request)
        ):
            raise PermissionDenied
        form = CopyItemForm(request.POST or None, item=item)
        if request.method == "POST" and form.is_valid():
            with transaction.atomic(), history.change_reason(history.stored_reason(history.EDITED)):
                copy = copy_item(
                    item,
                    section=form.cleaned_data["section"],
                    code=form.cleaned_data["code"],
                    trait=form.cleaned_data.get("trait"),
                )
            self.message_user(
                request,
                _("Butir %(code)s disalin ke jabatan “%(role)s” sebagai %(copy)s.")
                % {"code": item.code, "role": copy.role.title, "copy": copy.code},
                messages.SUCCESS,
            )
            self.say_draft(request, copy)
            return HttpResponseRedirect(reverse("admin:assessments_item_change", args=[copy.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": item,
            "title": _("Salin butir %(code)s ke jabatan lain") % {"code": item.code},
            "form": form,
        }
        return TemplateResponse(request, "admin/assessments/item/copy.html", context)

    def get_readonly_fields(self, request, obj=None):
        # An item stays in its role: its trait, section and answers belong there.
        readonly_fields = super().get_readonly_fields(request, obj)
        return [*readonly_fields, "role"] if obj else readonly_fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        # The dropdowns below are built while the form class is made: say whose they are.
        # An item of a role that uses a bank is the bank's.
        role = obj.role if obj is not None else role_in_query(request)
        request.careerfit_role = role.questionnaire_owner if role is not None else None
        return super().get_form(request, obj, change, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        role = getattr(request, "careerfit_role", None)
        if db_field.name in ("trait", "section", "belief"):
            # A choice posted from another role's list is refused by the form's own check,
            # which names both roles, rather than as an unknown choice.
            kwargs = scoped_foreign_key(
                db_field, None if request.method == "POST" else role, kwargs
            )
        elif db_field.name == "role" and role is not None:
            kwargs["queryset"] = Role.objects.filter(pk=role.pk)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        role = getattr(request, "careerfit_role", None) or role_in_query(request)
        if role is not None:
            role = role.questionnaire_owner
        if role is not None:
            initial.setdefault("role", role.pk)
        if "section" in initial and "order" not in initial:
            # A new item goes to the end of its section.
            last = (
                Item.objects.filter(section_id=initial["section"]).aggregate(last=Max("order"))
            )["last"]
            initial["order"] = (last or 0) + 1
        return initial

    def render_change_form(self, request, context, *args, **kwargs):
        # What the page's script shows for each kind, from the forms' own rules.
        context["item_kind_fields"] = {
            "item": {kind: ITEM_KIND_FIELDS[kind] for kind in ITEM_KIND_FIELDS},
            "dependent": KIND_DEPENDENT_FIELDS,
            "options": OPTION_KIND_FIELDS,
        }
        return super().render_change_form(request, context, *args, **kwargs)

    def response_add(self, request, obj, post_url_continue=None):
        response = super().response_add(request, obj, post_url_continue)
        if "_addanother" in request.POST and IS_POPUP_VAR not in request.POST:
            # The next item most often goes to the same section, as the same kind.
            query = {"role": obj.role_id, "section": obj.section_id, "kind": obj.kind}
            filters = request.GET.get("_changelist_filters")
            if filters:
                query["_changelist_filters"] = filters
            return HttpResponseRedirect(
                "{}?{}".format(reverse("admin:assessments_item_add"), urlencode(query))
            )
        return response

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        missing = item_translation_problems(form.instance)
        if missing:
            self.message_user(
                request,
                _(
                    "Teks bahasa Inggris belum lengkap; jabatan tidak bisa diterbitkan "
                    "sebelum dilengkapi: %(missing)s"
                )
                % {"missing": "; ".join(missing)},
                messages.WARNING,
            )
