"""The editions of a reference profile shipped with the app, and the upgrade to the newest.

``fixtures/kabag_kesra.json`` is the current edition: the item bank of social welfare roles,
the Kabag Kesra and the pekerja sosial that use it. The Kabag Kesra's earlier editions are
kept in ``fixtures/editions/`` as they stand in a database migrated to today's schema (the
third is the last one before the bank: the same questionnaire without the pekerja sosial's
items). An installed role whose content is still exactly an earlier edition (HR never
changed it) can be brought to the current one safely: its content is replaced the way an
HR import replaces a profile (``import_profile(..., replace=True)``, into the draft), then
published as a new version, so every past assessment keeps the version it was taken on
and its result. A role HR has edited is someone's work and is only replaced on request.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import serializers
from django.db import transaction

from .. import history
from ..banks import move_into_bank, move_out_of_bank
from ..drafts import import_profile
from ..models import (
    Belief,
    ComparisonPoint,
    Duty,
    EducationField,
    Item,
    Option,
    Role,
    RoleTrait,
    Section,
    Trait,
)
from ..publishing import publish
from ..snapshots import (
    ProfileRows,
    build_snapshot,
    content_fingerprint,
    document,
    rows_document,
)
from .profiles import FORMAT, PARTS

FIXTURES = Path(settings.SITE_DIR) / "fixtures"
# Per reference role: its current fixture, and its earlier editions, oldest first.
EDITIONS = {
    "kabag-kesra": (
        "kabag_kesra.json",
        (
            "editions/kabag_kesra_1.json",
            "editions/kabag_kesra_2.json",
            "editions/kabag_kesra_3.json",
        ),
    ),
}
# The last edition of the Kabag Kesra that is one role's own questionnaire: an earlier one
# is brought to it first, then the bank's newer rows are added (``add_missing_rows``).
BEFORE_THE_BANK = "editions/kabag_kesra_3.json"


class Edition(Enum):
    CURRENT = "current"
    EARLIER = "earlier"
    EDITED = "edited"


def fixture_rows(name: str, slug: str | None = None) -> ProfileRows:
    """The rows of one role of a fixture file (the only role, or ``slug``), unsaved, in the
    order the admin shows them; a role that uses a bank of the file reads its questionnaire
    from it, as ``snapshots.rows_of`` does."""
    text = (FIXTURES / name).read_text(encoding="utf-8")
    by_model: dict[type, list] = {}
    for deserialized in serializers.deserialize("json", text):
        by_model.setdefault(type(deserialized.object), []).append(deserialized.object)
    [role] = [
        row
        for row in by_model[Role]
        if row.kind == Role.Kind.ROLE and (slug is None or row.slug == slug)
    ]
    in_order = lambda row: (row.order, row.pk)  # noqa: E731

    def mine(model, owner):
        return sorted(
            (row for row in by_model.get(model, []) if row.role_id == owner), key=in_order
        )

    owner = role.bank_id or role.pk
    parts = {
        name: mine(model, owner if model in (Trait, Section) else role.pk)
        for name, model in PARTS.items()
    }
    items = [row for row in by_model.get(Item, []) if row.role_id == owner]
    options: dict[int, list] = {}
    for option in sorted(by_model.get(Option, []), key=lambda row: (row.order, row.code)):
        options.setdefault(option.item_id, []).append(option)
    bank_rows = None
    if role.bank_id:
        traits = {trait.pk: trait for trait in by_model.get(Trait, [])}
        for item in items:
            if item.trait_id is not None:
                item.trait = traits[item.trait_id]
        [bank] = [row for row in by_model[Role] if row.pk == role.bank_id]
        bank_rows = ProfileRows(
            role=bank,
            duties=[],
            traits=parts["traits"],
            education_fields=[],
            beliefs=[],
            comparison_points=[],
            sections=parts["sections"],
            items=items,
            options=options,
        )
        parts["traits"] = mine(RoleTrait, role.pk)
        for role_trait in parts["traits"]:
            role_trait.trait = traits[role_trait.trait_id]
        beliefs = {belief.pk for belief in parts["beliefs"]}
        items = [item for item in items if item.belief_id is None or item.belief_id in beliefs]
    return ProfileRows(role=role, **parts, items=items, options=options, bank=bank_rows)


def fixture_profile(name: str, slug: str | None = None) -> dict[str, Any]:
    """The profile file of a role of a fixture file, as ``export_profile`` writes it."""
    profile_rows = fixture_rows(name, slug)
    return {"format": FORMAT, **rows_document(profile_rows, profile_rows.role.version)}


def same_content(role: Role, name: str) -> bool:
    """Whether ``role`` holds exactly the content of the fixture ``name`` (with its status),
    whatever its version."""
    profile_rows = fixture_rows(name, role.slug)
    return role.status == profile_rows.role.status and content_fingerprint(
        build_snapshot(role)
    ) == content_fingerprint(document(profile_rows, profile_rows.role.version))


def edition_of(role: Role) -> Edition:
    """Whether ``role`` holds its current edition, an earlier one unchanged, or HR's edits."""
    current, earlier = EDITIONS[role.slug]
    if same_content(role, current):
        return Edition.CURRENT
    if any(same_content(role, name) for name in earlier):
        return Edition.EARLIER
    return Edition.EDITED


def upgrade(role: Role) -> Role:
    """Replace ``role``'s content with its current edition, published as a new version.

    The role keeps its id, its assessments and its version history; each assessment keeps
    the version it was taken on, so no past result changes. An edition before the last one
    of its own is first replaced the way an HR import replaces a profile; then the rows the
    current fixture adds to its bank (and the bank's other roles) are added.
    """
    current, _earlier = EDITIONS[role.slug]
    if not same_content(role, BEFORE_THE_BANK):
        bank = role.bank
        if bank is not None:
            # The profile file is the role's whole questionnaire: it is written into the
            # role's own rows, then given back to the bank.
            move_out_of_bank(role)
        role = import_profile(fixture_profile(BEFORE_THE_BANK), replace=True)
        if bank is not None:
            move_into_bank(role, bank)
    if role.bank_id is None:
        # A role installed before the bank (loaded from an edition file) joins the bank the
        # current edition puts it in.
        move_into_bank(role, fixture_bank(current, role.slug))
    added = add_missing_rows(current)
    role.refresh_from_db()
    # The import writes the draft; publishing makes it what visitors see.
    publish(role)
    for other in added:
        if other.is_published:
            publish(other)
        history.record_baseline(other)
    if role.bank_id:
        history.record_baseline(role.bank)
    role.refresh_from_db()
    return role


def fixture_bank(name: str, slug: str) -> Role:
    """The bank the fixture ``name`` puts role ``slug`` in, as saved here (saved first from
    the fixture if it is not)."""
    by_pk = {
        row.object.pk: row.object
        for row in serializers.deserialize("json", _text(name))
        if type(row.object) is Role
    }
    [role] = [row for row in by_pk.values() if row.slug == slug]
    bank = by_pk[role.bank_id]
    saved = Role.objects.filter(slug=bank.slug).first()
    if saved is None:
        bank.pk = None
        bank.live_version_id = None
        bank.save()
        saved = bank
    return saved


def _text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


# What identifies a row of a fixture in a database that has other ids: its owner and key.
# Rows of a role that is not new are HR's, and left as they are.
IDENTITY = {
    Role: ("slug",),
    Trait: ("role", "key"),
    Section: ("role", "title"),
    Item: ("role", "code"),
}
ORDER = (
    Role,
    Trait,
    Section,
    Duty,
    EducationField,
    Belief,
    ComparisonPoint,
    RoleTrait,
    Item,
    Option,
)


@transaction.atomic
def add_missing_rows(name: str) -> list[Role]:
    """Add to the database what the fixture ``name`` holds and it lacks: a bank's new
    traits, sections and items, and roles not installed yet with all their parts. Returns
    the roles added, stored as the fixture has them (published ones still to publish)."""
    text = (FIXTURES / name).read_text(encoding="utf-8")
    by_model: dict[type, list] = {}
    for deserialized in serializers.deserialize("json", text):
        by_model.setdefault(type(deserialized.object), []).append(deserialized.object)
    section_orders = [(section.pk, section.order) for section in by_model.get(Section, [])]
    # Banks before the roles that use them.
    by_model[Role] = sorted(by_model.get(Role, []), key=lambda role: role.kind != Role.Kind.BANK)
    ids: dict[tuple[type, int], int] = {}
    added_roles: list[Role] = []
    new_owners: set[int] = set()
    new_items: set[int] = set()
    for model in ORDER:
        for row in by_model.get(model, []):
            fixture_id = row.pk
            for field in row._meta.concrete_fields:
                if field.is_relation and field.attname != "id":
                    value = getattr(row, field.attname)
                    target = Role if field.related_model is Role else field.related_model
                    if value is not None:
                        setattr(row, field.attname, ids.get((target, value)))
            found = None
            if model in IDENTITY:
                found = model.objects.filter(
                    **{
                        field: getattr(row, "role_id" if field == "role" else field)
                        for field in IDENTITY[model]
                    }
                ).first()
            elif model is Option:
                found = Option.objects.filter(item_id=row.item_id, code=row.code).first()
            # The parts of a role already installed, and the options of an item already
            # there, are HR's.
            if model is Option and row.item_id not in new_items:
                continue
            if model not in IDENTITY and model is not Option and row.role_id not in new_owners:
                continue
            if found is not None:
                ids[(model, fixture_id)] = found.pk
                continue
            row.pk = None
            if model is Role:
                row.live_version_id = None
                row.published_fingerprint = ""
            row.save()
            ids[(model, fixture_id)] = row.pk
            if model is Item:
                new_items.add(row.pk)
            if model is Role:
                new_owners.add(row.pk)
                if row.kind == Role.Kind.ROLE:
                    added_roles.append(row)
    # Sections keep the fixture's order, new ones in their place.
    for fixture_id, order in section_orders:
        Section.objects.filter(pk=ids[(Section, fixture_id)]).update(order=order)
    return added_roles
