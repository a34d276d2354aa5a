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
from ..models import Item, Option, Role
from ..publishing import publish
from ..snapshots import ProfileRows, build_snapshot, content_fingerprint, document
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


def fixture_rows(name: str) -> ProfileRows:
    """The rows of a one-role fixture file, unsaved, in the order the admin shows them."""
    text = (FIXTURES / name).read_text(encoding="utf-8")
    by_model: dict[type, list] = {}
    for deserialized in serializers.deserialize("json", text):
        by_model.setdefault(type(deserialized.object), []).append(deserialized.object)
    [role] = by_model[Role]
    in_order = lambda row: (row.order, row.pk)  # noqa: E731
    parts = {name: sorted(by_model.get(model, []), key=in_order) for name, model in PARTS.items()}
    options: dict[int, list] = {}
    for option in sorted(by_model.get(Option, []), key=lambda row: (row.order, row.code)):
        options.setdefault(option.item_id, []).append(option)
    return ProfileRows(role=role, **parts, items=by_model.get(Item, []), options=options)


def fixture_profile(name: str) -> dict[str, Any]:
    """The profile file of a one-role fixture file, as ``export_profile`` writes it."""
    profile_rows = fixture_rows(name)
    return {"format": FORMAT, **document(profile_rows, profile_rows.role.version)}


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
    role = import_profile(fixture_profile(current), replace=True)
    # The import writes the draft; publishing makes it what visitors see.
    publish(role)
    role.refresh_from_db()
    return role
