"""Item banks: a role's questionnaire moved into a bank, and back.

A bank is a role row of kind "bank" holding traits, sections and items that several roles
share (see ``models.Role``). Moving a role's questionnaire into a bank changes only who owns
the rows: ids, texts and values stay, and the role keeps, per trait, what the trait means
for it in a ``RoleTrait``. The role's profile document is the same before and after.
"""

from __future__ import annotations

from django.db import transaction

from .models import Item, Role, RoleTrait, Section, Trait

# What a trait means for a role: moved to its role trait, the rest stays the bank's.
ROLE_TRAIT_VALUES = (
    "why_it_matters",
    "why_it_matters_en",
    "weight",
    "required_level",
    "knockout_below",
    "knockout_reason",
    "knockout_reason_en",
)
QUESTIONNAIRE = (Trait, Section, Item)


@transaction.atomic
def move_into_bank(role: Role, bank: Role) -> None:
    """Give ``role``'s traits, sections and items to ``bank``; the role weighs them there."""
    traits = list(Trait.objects.filter(role=role))
    for model in QUESTIONNAIRE:
        model.objects.filter(role=role).update(role=bank)
    for trait in traits:
        RoleTrait.objects.create(
            role=role,
            trait=trait,
            order=trait.order,
            **{name: getattr(trait, name) for name in ROLE_TRAIT_VALUES},
        )
    role.bank = bank
    role.save(update_fields=["bank"])


@transaction.atomic
def move_out_of_bank(role: Role) -> Role:
    """Give the bank's questionnaire back to ``role``, its only user; returns the bank."""
    bank = role.bank
    if bank.roles.exclude(pk=role.pk).exists():
        raise ValueError(f"bank {bank.slug} is used by other roles too")
    for role_trait in RoleTrait.objects.filter(role=role).select_related("trait"):
        trait = role_trait.trait
        for name in ROLE_TRAIT_VALUES:
            setattr(trait, name, getattr(role_trait, name))
        trait.save()
    RoleTrait.objects.filter(role=role).delete()
    for model in QUESTIONNAIRE:
        model.objects.filter(role=bank).update(role=role)
    role.bank = None
    role.save(update_fields=["bank"])
    return bank
