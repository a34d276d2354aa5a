"""Forms and inline formsets of the HR admin: the checks the database cannot make.

The admin supplies each form's model and fields (from the ModelAdmin's fieldsets), so the
forms here only add validation. The rules themselves live in ``publishing.py``.

The admin binds a change page's inline formsets to the page form's instance and validates
them after the form, so in a formset's ``clean`` ``self.instance`` already holds the posted
values: the role's new status, the item's new kind.
"""

import copy

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from ..models import Item, Role
from ..publishing import (
    duty_problems,
    education_problems,
    item_problems,
    knockout_above_required,
    knockout_above_required_message,
    option_problems,
    problems_introduced,
    questionnaire_items,
    questionnaire_problems,
    section_problems,
    trait_problems,
)


def kept_instances(formset: BaseInlineFormSet) -> list:
    """The rows a valid inline formset is about to save: filled in and not marked deleted."""
    return [
        form.instance
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


class RoleForm(forms.ModelForm):
    """The role's own fields; publishing is refused while a saved item is not ready."""

    def clean(self):
        cleaned_data = super().clean()
        fit_threshold = cleaned_data.get("fit_threshold")
        partial_threshold = cleaned_data.get("partial_threshold")
        if (
            fit_threshold is not None
            and partial_threshold is not None
            and partial_threshold > fit_threshold
        ):
            self.add_error(
                "partial_threshold",
                _("Ambang 'cukup cocok' tidak boleh di atas ambang 'cocok'."),
            )
        if cleaned_data.get("status") == Role.Status.PUBLISHED:
            # Items are edited on their own page, so the saved ones are the ones to check.
            problems = questionnaire_problems(questionnaire_items(self.instance))
            if problems:
                self.add_error(None, [_("Jabatan ini belum bisa diterbitkan."), *problems])
        return cleaned_data


class RolePartFormSet(BaseInlineFormSet):
    """An inline of the role page that checks its part of publication as it is about to be saved.

    Subclasses say what their kept rows must satisfy when the role is (or stays) published.
    """

    def clean(self):
        super().clean()
        if any(self.errors) or self.instance.status != Role.Status.PUBLISHED:
            return
        problems = self.publication_problems(kept_instances(self))
        if problems:
            raise ValidationError(problems)

    def publication_problems(self, kept: list) -> list[str]:
        raise NotImplementedError


class DutyFormSet(RolePartFormSet):
    def publication_problems(self, kept):
        return duty_problems(kept)


class SectionFormSet(RolePartFormSet):
    def publication_problems(self, kept):
        return section_problems(kept)


class TraitFormSet(RolePartFormSet):
    def publication_problems(self, kept):
        return trait_problems(kept, questionnaire_items(self.instance))


class EducationFieldFormSet(RolePartFormSet):
    def publication_problems(self, kept):
        return education_problems(kept, questionnaire_items(self.instance))


class TraitForm(forms.ModelForm):
    """A trait, inline on its role or on its own page."""

    def clean(self):
        cleaned_data = super().clean()
        trait = copy.copy(self.instance)
        trait.name = cleaned_data.get("name", trait.name)
        trait.required_level = cleaned_data.get("required_level")
        trait.knockout_below = cleaned_data.get("knockout_below")
        # The database refuses this too, but with an error HR cannot read.
        if knockout_above_required(trait):
            self.add_error("knockout_below", knockout_above_required_message(trait))
        role = cleaned_data.get("role")
        if self.instance.pk is None and role is not None and role.is_published:
            # Items can only measure a saved trait, so a new one has none yet.
            self.add_error(
                None,
                _(
                    "Jabatan “%(role)s” sudah terbit, dan sifat baru belum diukur butir apa "
                    "pun. Jadikan jabatan draf dulu, tambahkan sifat dan butirnya, lalu "
                    "terbitkan lagi."
                )
                % {"role": role.title},
            )
        if trait.knockout_below is not None and not cleaned_data.get("knockout_reason"):
            self.add_error(
                "knockout_reason",
                _("Tulis alasan gugur: peserta yang gugur karena sifat ini membacanya."),
            )
        return cleaned_data


class ItemForm(forms.ModelForm):
    """One questionnaire item: consistent in itself and, on a published role, harmless to it."""

    def clean(self):
        cleaned_data = super().clean()
        item = self.edited_item(cleaned_data)
        if item.role_id is None:
            return cleaned_data
        problems = item_problems(item)
        for role in self.published_roles_touched(item):
            items = [saved for saved in questionnaire_items(role) if saved.pk != item.pk]
            if item.role_id == role.pk:
                items.append(item)
            problems += problems_introduced(role, items)
        if problems:
            raise ValidationError(problems)
        return cleaned_data

    def edited_item(self, cleaned_data) -> Item:
        """The item as it would be saved, without touching the form's instance."""
        item = copy.copy(self.instance)
        for name, value in cleaned_data.items():
            setattr(item, name, value)
        return item

    def published_roles_touched(self, item: Item) -> list[Role]:
        """The published roles the edit changes: the item's role, and the one it leaves."""
        roles = {item.role.pk: item.role}
        if self.instance.pk and self.instance.role_id not in roles:
            roles[self.instance.role_id] = self.instance.role
        return [role for role in roles.values() if role.is_published]


class OptionFormSet(BaseInlineFormSet):
    """An item's options: as many as its kind needs, scored where it needs scores."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        problems = option_problems(self.instance, kept_instances(self))
        if problems:
            raise ValidationError(problems)
