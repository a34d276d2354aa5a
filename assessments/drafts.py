"""A role's working draft: its rows in the database, written from a profile document,
compared with and restored from its live version.

Visitors see a role's live version (a stored profile document); the role's own rows are
what HR edits in the admin, so they are the next version in the making. ``draft_state``
says whether they differ from the live version; ``discard_draft`` writes the live
version's document back into them; ``import_profile`` saves a profile file as a new role,
or into an existing role's draft.

A document is read (and checked) by ``files.profiles.read_profile`` into unsaved rows,
which are then written over the draft's rows in place, matched by their keys (a trait by
its key, an item by its code, an option by its code, the rest by position), so that a row
that did not change is not touched and every row that did gets one history record: each
part of a discard can be undone on its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from . import history, snapshots
from .banks import ROLE_TRAIT_VALUES
from .files.profiles import (
    PARTS,
    ProfileFileError,
    ProfileRowsToSave,
    content_fields,
    read_profile,
)
from .models import (
    BANK_TRAIT_FIELDS,
    Belief,
    ComparisonPoint,
    Duty,
    EducationField,
    Item,
    Option,
    ProfileVersion,
    Role,
    RoleTrait,
    Section,
    Trait,
)
from .publishing import (
    PublicationRefused,
    next_version_number,
    publish,
    questionnaire_items,
)

# Role fields a discard leaves alone: whether visitors see the role, its version number,
# and its slug (fixed once published: it is the public address).
ROLE_FIELDS_KEPT = ("status", "version", "slug")


@dataclass(frozen=True)
class DraftState:
    """How a role's rows stand against what visitors see."""

    role: Role
    live: ProfileVersion | None
    fingerprint: str

    @property
    def changed(self) -> bool:
        """True when the rows differ from the live version (or nothing was published yet)."""
        return self.live is None or self.live.fingerprint != self.fingerprint

    @cached_property
    def next_number(self) -> int:
        """The number publishing the draft gives it: ``publishing``'s rule, not a copy."""
        return next_version_number(self.role)


def draft_state(role: Role) -> DraftState:
    live = role.live_version if role.live_version_id else None
    return DraftState(role=role, live=live, fingerprint=snapshots.role_fingerprint(role))


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


def write_rows(role: Role, profile_doc: dict[str, Any], *, stored: bool = False) -> None:
    """Make the role's rows hold ``profile_doc``, changing only what differs.

    The document is checked first (``ProfileFileError`` lists every problem, and nothing is
    written); ``stored``: a version's document rather than a file. The role's status,
    version and slug stay as they are, and so do role fields the document leaves out.

    A role that uses a bank holds its questionnaire there: the document's sections and
    items are written into the bank's rows (the items this role asks; other roles' belief
    checks stay as they are), each trait's name, description and how to develop it into
    the bank's trait, and what the trait means for the role into its role trait. The bank
    is shared: the other roles' drafts read what is written there too.
    """
    owner = role.questionnaire_owner
    profile_rows = read_profile(
        profile_doc,
        current=role,
        stored=stored,
        bank_traits=frozenset(owner.traits.values_list("key", flat=True))
        if role.bank_id
        else frozenset(),
    )
    with transaction.atomic():
        _write(role, _without(profile_rows.role, role, ROLE_FIELDS_KEPT))
        written: dict[str, dict[int, models.Model]] = {}
        leftovers: list[models.Model] = []
        for name in PARTS:
            if name == "traits" and role.bank_id:
                continue
            holder = owner if name in QUESTIONNAIRE_PARTS else role
            saved = list(getattr(holder, name).all())
            pairs, left = _pair_up(saved, profile_rows.parts[name], PART_KEYS[name])
            written[name] = {id(row): _write(old, row, role=holder) for old, row in pairs}
            leftovers += left

        def written_as(name: str, row: models.Model | None) -> models.Model | None:
            return None if row is None else written[name][id(row)]

        if role.bank_id:
            traits, left_traits = _write_role_traits(role, owner, profile_rows.parts["traits"])
            leftovers += left_traits
        else:
            traits = {trait.key: trait for trait in written["traits"].values()}
        saved_items = questionnaire_items(role)
        pairs, left_items = _pair_up(saved_items, [item for item, *_ in profile_rows.items], _code)
        Item.objects.filter(pk__in=[item.pk for item in left_items]).delete()
        placed: dict[int, list[Item]] = {}
        for (old, _item), (item, options, references) in zip(
            pairs, profile_rows.items, strict=True
        ):
            if role.bank_id and old is not None:
                # The document numbers the role's items within its sections; the bank's
                # sections hold other roles' items too: placed after all are written.
                item.order = old.order
            item = _write(
                old,
                item,
                role=owner,
                section=written_as("sections", profile_rows.section_refs[references["section"]]),
                trait=traits.get(references["trait"]) if references["trait"] else None,
                belief=written_as(
                    "beliefs", profile_rows.belief_refs.get(references["belief"] or "")
                ),
            )
            saved_options = list(old.options.all()) if old is not None else []
            option_pairs, left_options = _pair_up(saved_options, options, _code)
            Option.objects.filter(pk__in=[option.pk for option in left_options]).delete()
            for old_option, option in option_pairs:
                _write(old_option, option, item=item)
            placed.setdefault(item.section_id, []).append(item)
        if role.bank_id:
            for section_id, wanted in placed.items():
                _place_in_section(section_id, wanted)
        # Last: nothing refers to them any more.
        for row in leftovers:
            row.delete()


def _place_in_section(section_id: int, wanted: list[Item]) -> None:
    """Order a bank section's items so that ``wanted`` (a role's, in its document's order)
    fill the places the role's items have, the other roles' items keeping theirs. Only the
    items whose number changes are saved."""
    mine = {item.pk for item in wanted}
    before = list(Item.objects.filter(section_id=section_id).order_by("order", "pk"))
    queue = iter(wanted)
    ordered = [next(queue) if item.pk in mine else item for item in before]
    numbers = sorted(item.order for item in before)
    if len(set(numbers)) != len(numbers):
        numbers = list(range(1, len(ordered) + 1))
    for item, number in zip(ordered, numbers, strict=True):
        if item.order != number:
            item.order = number
            item.save(update_fields=["order"])


# Parts of the questionnaire: a bank's, when the role uses one.
QUESTIONNAIRE_PARTS = ("traits", "sections")


def _write_role_traits(
    role: Role, bank: Role, wanted: list[Trait]
) -> tuple[dict[str, Trait], list[models.Model]]:
    """Write the document's traits of a role that uses ``bank``: the bank's part of each
    into the bank's trait of its key (a new trait into the bank), the role's part into the
    role's role trait. Returns every bank trait by key, and the role traits left over.

    A bank trait the document leaves out stays: other roles may weigh it.
    """
    bank_traits = {trait.key: trait for trait in bank.traits.all()}
    saved = {role_trait.trait_id: role_trait for role_trait in role.role_traits.all()}
    for trait in wanted:
        bank_trait = bank_traits.get(trait.key)
        if bank_trait is None:
            trait.role = bank
            trait.save()
            bank_trait = bank_traits[trait.key] = trait
        else:
            changed = False
            for name in BANK_TRAIT_FIELDS:
                if getattr(bank_trait, name) != getattr(trait, name):
                    setattr(bank_trait, name, getattr(trait, name))
                    changed = True
            if changed:
                bank_trait.save()
        role_trait = RoleTrait(
            order=trait.order, **{name: getattr(trait, name) for name in ROLE_TRAIT_VALUES}
        )
        _write(saved.pop(bank_trait.pk, None), role_trait, role=role, trait=bank_trait)
    return bank_traits, list(saved.values())


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
    with history.change_reason(history.stored_reason(history.DISCARDED, number=version.number)):
        write_rows(role, version.snapshot, stored=True)
    return version


# --- Importing a profile file ---------------------------------------------------------------


def import_profile(
    profile_doc: dict[str, Any], *, as_draft: bool = False, replace: bool = False, slug: str = ""
) -> Role:
    """Save the profile file's document ``profile_doc`` and return its role.

    ``slug`` imports it under another slug. A role with the same slug is an error, unless
    ``replace``: then that role keeps its id, its results, its status and its versions, and
    the file's content becomes its draft, which HR publishes as its next version (visitors
    see no change until then). ``as_draft`` saves a new role as a draft whatever the file
    says; otherwise a new role is published at once (its first version), after the same
    checks as publishing in the admin.
    """
    profile_rows = read_profile(profile_doc)
    role = profile_rows.role
    if slug:
        role.slug = slug
        try:
            Role._meta.get_field("slug").clean(slug, role)
        except ValidationError as error:
            raise ProfileFileError([f"slug: {message}" for message in error.messages]) from None
    if as_draft:
        role.status = Role.Status.DRAFT
    existing = Role.objects.filter(slug=role.slug).first()
    if existing is not None and not replace:
        raise ProfileFileError(
            [
                _(
                    "Sudah ada jabatan dengan slug “%(slug)s”. Impor dengan slug lain, atau "
                    "centang “ganti draf jabatan yang ada”."
                )
                % {"slug": role.slug}
            ]
        )
    reason = history.change_reason(history.stored_reason(history.IMPORTED))
    if existing is not None:
        # Written over the draft in place: unchanged rows keep their history.
        with reason:
            write_rows(existing, profile_doc)
        return existing
    # A document holds no status: a new role from it is published unless as_draft.
    publish_now = not as_draft and (role.is_published or "schema" in profile_doc)
    with reason:
        _save_new_role(role, profile_rows, publish_now=publish_now)
    return role


def _save_new_role(role: Role, profile_rows: ProfileRowsToSave, *, publish_now: bool) -> None:
    """Save the role and its parts in one transaction, and publish it if asked: a refusal
    leaves nothing saved."""
    try:
        with transaction.atomic():
            role.status = Role.Status.DRAFT
            role.save()
            _save_parts(role, profile_rows)
            if publish_now:
                try:
                    publish(role)
                except PublicationRefused as refused:
                    raise ProfileFileError(
                        [
                            _(
                                "Profil ini belum bisa terbit; impor sebagai draf atau "
                                "perbaiki berkasnya:"
                            ),
                            *refused.problems,
                        ]
                    ) from None
                role.refresh_from_db()
    except IntegrityError as error:
        raise ProfileFileError(
            [_("Basis data menolak profil ini: %(error)s") % {"error": error}]
        ) from None


def _save_parts(role: Role, profile_rows: ProfileRowsToSave) -> None:
    for objects in profile_rows.parts.values():
        for obj in objects:
            obj.role = role
            obj.save()
    traits = {trait.key: trait for trait in profile_rows.parts["traits"]}
    for item, options, references in profile_rows.items:
        item.role = role
        item.section = profile_rows.section_refs[references["section"]]
        item.trait = traits.get(references["trait"]) if references["trait"] else None
        item.belief = (
            profile_rows.belief_refs.get(references["belief"]) if references["belief"] else None
        )
        item.save()
        for option in options:
            option.item = item
            option.save()


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
    changes = [
        f"{_('Jabatan')} · {change}"
        for change in _field_changes(Role, old, new, skip=("schema", "version", "slug"))
    ]
    changes += _similar_role_changes(old.get("similar_role", {}), new.get("similar_role", {}))
    changes += _keyed_changes(old, new)
    if [s["items"] for s in old.get("sections", [])] != [
        s["items"] for s in new.get("sections", [])
    ]:
        changes.append(_("Urutan butir atau pembagian bagian kuesioner berubah"))
    return changes + _positional_changes(old, new)


def _similar_role_changes(old_similar: dict[str, Any], new_similar: dict[str, Any]) -> list[str]:
    changes = []
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
    return changes


def _keyed_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Traits, education fields and items (with their options) added, removed or changed."""
    changes = []
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
    return changes


def _positional_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Duties, beliefs, comparison points and sections, compared by position and count."""
    changes = []
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
