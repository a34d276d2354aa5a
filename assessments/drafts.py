"""A role's working draft: its rows in the database, compared with and restored from its
live version.

Visitors see a role's live version (a stored snapshot); the role's own rows are what HR
edits in the admin, so they are the next version in the making. ``draft_state`` says
whether they differ from the live version; ``discard_draft`` writes the live version's
content back into them.

Restoring goes through the profile file: the snapshot becomes a profile file
(``profile_file_from_snapshot``), which ``files.profiles.read_profile`` checks and turns into
unsaved rows, as for an import. Those are then written over the draft's rows in place,
matched by their keys (a trait by its key, an item by its code, an option by its code,
the rest by position), so that a row that did not change is not touched and every row
that did gets one history record: each part of the discard can be undone on its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.utils.translation import gettext as _

from . import history, snapshots
from .files.profiles import FORMAT, FORMAT_VERSION, PARTS, content_fields, read_profile
from .models import Item, Option, ProfileVersion, Role

# Role fields a discard leaves alone: whether visitors see the role, its version number,
# and its slug (fixed once published: it is the public address).
ROLE_FIELDS_KEPT = ("status", "version", "slug")


@dataclass(frozen=True)
class DraftState:
    """How a role's rows stand against what visitors see."""

    live: ProfileVersion | None
    fingerprint: str

    @property
    def changed(self) -> bool:
        """True when the rows differ from the live version (or nothing was published yet)."""
        return self.live is None or self.live.fingerprint != self.fingerprint

    @property
    def next_number(self) -> int:
        return self.live.number + 1 if self.live else 1


def draft_state(role: Role) -> DraftState:
    live = role.live_version if role.live_version_id else None
    return DraftState(live=live, fingerprint=snapshots.role_fingerprint(role))


# --- From a snapshot to a profile file ------------------------------------------------------


def _pairs(data: dict[str, Any], *names: str) -> dict[str, Any]:
    values = {}
    for name in names:
        values[name] = data.get(name) or ""
        values[f"{name}_en"] = data.get(f"{name}_en") or ""
    return values


def profile_file_from_snapshot(snapshot: dict[str, Any], role: Role) -> dict[str, Any]:
    """The profile file (``files.profiles``'s format) holding the content of ``snapshot``.

    A snapshot holds what visitors see; what it lacks (the fields of an older schema) is
    taken from ``role`` as it is. Sections without items are not in a snapshot.
    """
    current = {field.name: field.value_from_object(role) for field in content_fields(Role)}
    similar = snapshot.get("similar_role", {})
    role_data = {
        **current,
        **{
            name: snapshot[name]
            for name in (
                "title",
                "title_en",
                "summary",
                "summary_en",
                "entry_path",
                "entry_path_en",
                "education_match_text",
                "education_match_text_en",
                "education_mismatch_text",
                "education_mismatch_text_en",
                "fit_threshold",
                "partial_threshold",
                "behaviour_share",
                "min_match_fit",
                "min_match_partial",
            )
            if name in snapshot
        },
        **{
            f"similar_role_{name}": similar[name]
            for name in (
                "name",
                "name_en",
                "slug",
                "summary",
                "summary_en",
                "entry_path",
                "entry_path_en",
            )
            if name in similar
        },
    }
    if "direct_service_share_needed" in similar:
        numerator, denominator = similar["direct_service_share_needed"]
        role_data["direct_service_share_numerator"] = numerator
        role_data["direct_service_share_denominator"] = denominator
    items = {item["code"]: item for item in snapshot["items"]}
    trait_fields = ("name", "description", "why_it_matters", "how_to_develop", "knockout_reason")
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "role": role_data,
        "duties": [
            {"order": n, **_pairs(duty, "text")} for n, duty in enumerate(snapshot["duties"], 1)
        ],
        "traits": [
            {
                "order": n,
                "key": trait["key"],
                **_pairs(trait, *trait_fields),
                "weight": trait["weight"],
                "required_level": trait["required_level"],
                "knockout_below": trait["knockout_below"],
                "asn_competency": trait.get("asn_competency") or "",
                "asn_level": trait.get("asn_level"),
            }
            for n, trait in enumerate(snapshot["traits"], 1)
        ],
        "education_fields": [
            {
                "order": n,
                "code": field["code"],
                **_pairs(field, "name"),
                "preferred": field["preferred"],
            }
            for n, field in enumerate(snapshot["education_fields"], 1)
        ],
        "beliefs": [
            {
                "ref": belief["key"],
                "order": n,
                "kind": belief["kind"],
                **_pairs(belief, "belief", "correction"),
            }
            for n, belief in enumerate(snapshot["beliefs"], 1)
        ],
        "comparison_points": [
            {"order": n, **_pairs(point, "aspect", "this_role", "other_role")}
            for n, point in enumerate(snapshot["comparison"], 1)
        ],
        "sections": [
            {"ref": f"section-{n}", "order": n, **_pairs(section, "title", "intro")}
            for n, section in enumerate(snapshot["sections"], 1)
        ],
        "items": [
            {
                "order": order,
                "code": code,
                "kind": items[code]["kind"],
                **_pairs(items[code], "text"),
                "reverse_keyed": items[code]["reverse_keyed"],
                "keyed_answer": items[code]["keyed_answer"] or "",
                "section": f"section-{n}",
                "trait": items[code]["trait"],
                "belief": items[code]["belief"],
                "reserve": items[code].get("reserve", False),
                "options": [
                    {
                        "order": position,
                        "code": option["code"],
                        **_pairs(option, "text", "feedback"),
                        "score": option["score"],
                        "direct_service": option["direct_service"],
                        "rationale": option.get("rationale", ""),
                    }
                    for position, option in enumerate(items[code]["options"], 1)
                ],
            }
            for n, section in enumerate(snapshot["sections"], 1)
            for order, code in enumerate(section["items"], 1)
        ],
    }


# --- Writing rows in place ------------------------------------------------------------------


def _pair_up(
    saved: list[models.Model],
    wanted: list[models.Model],
    key: Callable[[models.Model], Any] | None,
) -> tuple[list[tuple[models.Model | None, models.Model]], list[models.Model]]:
    """Each wanted row with the saved row it replaces (or None), and the saved rows left.

    By ``key`` where given, else by position.
    """
    if key is None:
        pairs = [(saved[n] if n < len(saved) else None, row) for n, row in enumerate(wanted)]
        return pairs, saved[len(wanted) :]
    by_key = {key(row): row for row in saved}
    pairs = [(by_key.pop(key(row), None), row) for row in wanted]
    return pairs, list(by_key.values())


def _write(saved: models.Model | None, wanted: models.Model, **links) -> models.Model:
    """Save ``wanted``'s content into ``saved`` (only if it differs), or save it anew."""
    if saved is None:
        for name, value in links.items():
            setattr(wanted, name, value)
        wanted.save()
        return wanted
    changed = False
    for field in content_fields(type(wanted)):
        value = getattr(wanted, field.attname)
        if getattr(saved, field.attname) != value:
            setattr(saved, field.attname, value)
            changed = True
    for name, value in links.items():
        if getattr(saved, name) != value:
            setattr(saved, name, value)
            changed = True
    if changed:
        saved.save()
    return saved


# The keys rows are matched by; parts without one are matched by position.
PART_KEYS: dict[str, Callable[[models.Model], Any] | None] = {
    "duties": None,
    "traits": lambda trait: trait.key,
    "education_fields": lambda field: field.code,
    "beliefs": None,
    "comparison_points": None,
    "sections": None,
}


def write_rows(role: Role, data: dict[str, Any]) -> None:
    """Make the role's rows hold the profile file ``data``, changing only what differs.

    ``data`` is checked first (``ProfileFileError`` lists every problem, and nothing is
    written). The role's status, version and slug stay as they are.
    """
    profile = read_profile(data)
    with transaction.atomic():
        _write(role, _without(profile.role, role, ROLE_FIELDS_KEPT))
        written: dict[str, dict[int, models.Model]] = {}
        leftovers: list[models.Model] = []
        for name in PARTS:
            saved = list(getattr(role, name).all())
            pairs, left = _pair_up(saved, profile.parts[name], PART_KEYS[name])
            written[name] = {id(row): _write(old, row, role=role) for old, row in pairs}
            leftovers += left

        def written_as(name: str, row: models.Model | None) -> models.Model | None:
            return None if row is None else written[name][id(row)]

        traits = {trait.key: trait for trait in written["traits"].values()}
        saved_items = list(role.items.prefetch_related("options"))
        pairs, left_items = _pair_up(saved_items, [item for item, *_ in profile.items], _code)
        Item.objects.filter(pk__in=[item.pk for item in left_items]).delete()
        for (old, _item), (item, options, references) in zip(pairs, profile.items, strict=True):
            item = _write(
                old,
                item,
                role=role,
                section=written_as("sections", profile.section_refs[references["section"]]),
                trait=traits.get(references["trait"]) if references["trait"] else None,
                belief=written_as("beliefs", profile.belief_refs.get(references["belief"] or "")),
            )
            saved_options = list(old.options.all()) if old is not None else []
            option_pairs, left_options = _pair_up(saved_options, options, _code)
            Option.objects.filter(pk__in=[option.pk for option in left_options]).delete()
            for old_option, option in option_pairs:
                _write(old_option, option, item=item)
        # Last: nothing refers to them any more.
        for row in leftovers:
            row.delete()


def _code(row: models.Model) -> str:
    return row.code


def _without(wanted: Role, role: Role, kept: Iterable[str]) -> Role:
    for name in kept:
        setattr(wanted, name, getattr(role, name))
    return wanted


def discard_draft(role: Role) -> ProfileVersion:
    """Put the role's rows back as its live version has them; returns that version."""
    if role.live_version_id is None:
        raise ValueError("a role that was never published has no version to go back to")
    version = role.live_version
    data = profile_file_from_snapshot(version.snapshot, role)
    with history.change_reason(history.stored_reason(history.DISCARDED, number=version.number)):
        write_rows(role, data)
    return version


# --- What the draft changes -----------------------------------------------------------------


def _label(model: type[models.Model], name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def _shown(value: Any) -> str:
    text = "—" if value in (None, "") else str(value)
    return text if len(text) <= 60 else text[:59] + "…"


def _field_changes(
    model: type[models.Model], old: dict[str, Any], new: dict[str, Any], skip=()
) -> list[str]:
    changes = []
    for name, value in new.items():
        if name in skip or isinstance(value, list | dict) or old.get(name) == value:
            continue
        changes.append(
            _("%(field)s: %(old)s → %(new)s")
            % {"field": _label(model, name), "old": _shown(old.get(name)), "new": _shown(value)}
        )
    return changes


def snapshot_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """What differs between two snapshots of a role, as short sentences for HR.

    Thresholds and texts of the role, traits by key, items by code with their options;
    the other parts (duties, beliefs, comparison points, sections) by count and position.
    """
    from .models import Belief, ComparisonPoint, Duty, EducationField, Section, Trait

    changes = [
        f"{_('Jabatan')} · {change}"
        for change in _field_changes(Role, old, new, skip=("schema", "version", "slug"))
    ]
    old_similar, new_similar = old.get("similar_role", {}), new.get("similar_role", {})
    for name, value in new_similar.items():
        if old_similar.get(name) != value:
            changes.append(
                f"{_('Jabatan')} · "
                + _("%(field)s: %(old)s → %(new)s")
                % {
                    "field": _label(Role, f"similar_role_{name}")
                    if name != "direct_service_share_needed"
                    else _("ambang orientasi layanan langsung"),
                    "old": _shown(old_similar.get(name)),
                    "new": _shown(value),
                }
            )
    keyed = [
        ("traits", "key", Trait, _("Sifat")),
        ("education_fields", "code", EducationField, _("Bidang pendidikan")),
        ("items", "code", Item, _("Butir")),
    ]
    for part, key, model, label in keyed:
        before = {row[key]: row for row in old.get(part, [])}
        after = {row[key]: row for row in new.get(part, [])}
        for code in after.keys() - before.keys():
            changes.append(_("%(part)s %(code)s ditambahkan") % {"part": label, "code": code})
        for code in before.keys() - after.keys():
            changes.append(_("%(part)s %(code)s dihapus") % {"part": label, "code": code})
        for code in sorted(after.keys() & before.keys()):
            for change in _field_changes(model, before[code], after[code], skip=(key,)):
                changes.append(f"{label} {code} · {change}")
            if part == "items":
                changes += _option_changes(code, before[code]["options"], after[code]["options"])
    if [s["items"] for s in old.get("sections", [])] != [
        s["items"] for s in new.get("sections", [])
    ]:
        changes.append(_("Urutan butir atau pembagian bagian kuesioner berubah"))
    positional = [
        ("duties", Duty, _("Tugas")),
        ("beliefs", Belief, _("Anggapan")),
        ("comparison", ComparisonPoint, _("Poin perbandingan")),
        ("sections", Section, _("Bagian kuesioner")),
    ]
    for part, model, label in positional:
        before, after = old.get(part, []), new.get(part, [])
        for number, (was, now) in enumerate(zip(before, after, strict=False), start=1):
            for change in _field_changes(model, was, now, skip=("key", "items")):
                changes.append(f"{label} {number} · {change}")
        if len(after) != len(before):
            changes.append(
                _("%(part)s: %(old)d → %(new)d")
                % {"part": label, "old": len(before), "new": len(after)}
            )
    return changes


def _option_changes(code: str, before: list[dict], after: list[dict]) -> list[str]:
    old = {option["code"]: option for option in before}
    new = {option["code"]: option for option in after}
    changes = []
    for option in new.keys() - old.keys():
        changes.append(
            _("Butir %(code)s · pilihan %(option)s ditambahkan") % {"code": code, "option": option}
        )
    for option in old.keys() - new.keys():
        changes.append(
            _("Butir %(code)s · pilihan %(option)s dihapus") % {"code": code, "option": option}
        )
    for option in sorted(new.keys() & old.keys()):
        for change in _field_changes(Option, old[option], new[option], skip=("code",)):
            changes.append(
                _("Butir %(code)s · pilihan %(option)s · %(change)s")
                % {"code": code, "option": option, "change": change}
            )
    return changes
