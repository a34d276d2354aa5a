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

import json
from collections import defaultdict
from enum import Enum
from pathlib import Path
from typing import Any

from django.conf import settings

from ..models import Item, Option, Role
from .profiles import (
    FORMAT,
    FORMAT_VERSION,
    PARTS,
    content_fields,
    export_profile,
    import_profile,
)

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
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


def fixture_profile(name: str) -> dict[str, Any]:
    """The profile of a one-role fixture file, in the form ``import_profile`` reads.

    Parts and items come in the order the admin and ``export_profile`` show them, and a
    field the file leaves out has its default, as ``loaddata`` would give it.
    """
    rows = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    by_model: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_model[row["model"].removeprefix("assessments.")].append(row)
    [role] = by_model["role"]
    parts = {
        key: sorted(by_model[model._meta.model_name], key=_in_order) for key, model in PARTS.items()
    }
    belief_refs = {row["pk"]: f"belief-{n}" for n, row in enumerate(parts["beliefs"], 1)}
    section_refs = {row["pk"]: f"section-{n}" for n, row in enumerate(parts["sections"], 1)}
    section_order = {row["pk"]: n for n, row in enumerate(parts["sections"])}
    trait_keys = {row["pk"]: row["fields"]["key"] for row in parts["traits"]}
    options = defaultdict(list)
    for row in by_model["option"]:
        options[row["fields"]["item"]].append(row["fields"])
    items = sorted(
        by_model["item"],
        key=lambda row: (section_order[row["fields"]["section"]], *_in_order(row)),
    )
    data = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "role": _values(Role, role["fields"]),
    }
    for key, model in PARTS.items():
        refs = {"beliefs": belief_refs, "sections": section_refs}.get(key)
        data[key] = [
            {**({"ref": refs[row["pk"]]} if refs else {}), **_values(model, row["fields"])}
            for row in parts[key]
        ]
    data["items"] = [
        {
            **_values(Item, row["fields"]),
            "section": section_refs[row["fields"]["section"]],
            "trait": trait_keys.get(row["fields"]["trait"]),
            "belief": belief_refs.get(row["fields"]["belief"]),
            "options": [
                _values(Option, fields)
                for fields in sorted(options[row["pk"]], key=lambda f: (f["order"], f["code"]))
            ],
        }
        for row in items
    ]
    return data


def _in_order(row: dict[str, Any]) -> tuple[int, int]:
    return row["fields"]["order"], row["pk"]


def _values(model, fields: dict[str, Any]) -> dict[str, Any]:
    return {
        field.name: fields[field.name] if field.name in fields else field.get_default()
        for field in content_fields(model)
    }


def same_content(role: Role, profile: dict[str, Any]) -> bool:
    """Whether ``role`` holds exactly the content of ``profile``, whatever its version."""
    installed = export_profile(role)
    wanted = {**profile, "role": dict(profile["role"])}
    installed["role"].pop("version")
    wanted["role"].pop("version")
    return json.loads(json.dumps(installed)) == json.loads(json.dumps(wanted))


def edition_of(role: Role) -> Edition:
    """Whether ``role`` holds its current edition, an earlier one unchanged, or HR's edits."""
    current, earlier = EDITIONS[role.slug]
    if same_content(role, fixture_profile(current)):
        return Edition.CURRENT
    if any(same_content(role, fixture_profile(name)) for name in earlier):
        return Edition.EARLIER
    return Edition.EDITED


def upgrade(role: Role) -> Role:
    """Replace ``role``'s content with its current edition, published as a new version.

    The role keeps its id, its assessments and its version history; each assessment keeps
    the version it was taken on, so no past result changes.
    """
    from ..publishing import publish

    current, _earlier = EDITIONS[role.slug]
    role = import_profile(fixture_profile(current), replace=True)
    # The import writes the draft; publishing makes it what visitors see.
    publish(role)
    role.refresh_from_db()
    return role
