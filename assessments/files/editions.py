"""The editions of a reference profile shipped with the app, and the upgrade to the newest.

``fixtures/kabag_kesra.json`` is the current edition of the Kabag Kesra profile; the earlier
editions are kept in ``fixtures/editions/`` as they stand in a database migrated to today's
schema. An installed role whose content is still exactly an earlier edition (HR never
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

from ..drafts import import_profile
from ..models import Item, Option, Role, RoleTrait, Section, Trait
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
        ("editions/kabag_kesra_1.json", "editions/kabag_kesra_2.json"),
    ),
}


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


def fixture_profile(name: str) -> dict[str, Any]:
    """The profile file of a one-role fixture file, as ``export_profile`` writes it."""
    profile_rows = fixture_rows(name)
    return {"format": FORMAT, **rows_document(profile_rows, profile_rows.role.version)}


def same_content(role: Role, name: str) -> bool:
    """Whether ``role`` holds exactly the content of the fixture ``name`` (with its status),
    whatever its version."""
    profile_rows = fixture_rows(name)
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
    the version it was taken on, so no past result changes.
    """
    current, _earlier = EDITIONS[role.slug]
    # A role that uses a bank gets its questionnaire written into the bank's rows, and what
    # each trait means for it into its role traits (``drafts.write_rows``).
    role = import_profile(fixture_profile(current), replace=True)
    # The import writes the draft; publishing makes it what visitors see.
    publish(role)
    role.refresh_from_db()
    return role
