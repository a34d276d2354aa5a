"""The only way between the ORM and plain data: profile documents and profile versions.

A role has three forms: its rows (``profile_rows``, what HR edits), its profile document
(``profile_doc``, called a snapshot where a version stores it: the profile and
questionnaire, texts in both languages, as JSON-ready data; the profile file holds the
same document), and its scoring profile (``profile``, a ``scoring.Profile``). Publishing
stores the document once as an immutable ``ProfileVersion``; an assessment references its
version, is shown from its document and scored from the profile made of it. Versions never
change, so the parsed document and its profile are cached per process by version id.

- ``build_snapshot(role)`` / ``document(profile_rows, number)``: rows to a document;
- ``store_version(role, ...)`` / ``live_version(role)``: the stored version of that content;
- ``version_data(version_id)``: a version's snapshot and profile, parsed once per process;
- ``profile_from_snapshot`` / ``score_snapshot``: from a snapshot to scoring;
- ``tr`` and the section readers: what pages read from a snapshot.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from dataclasses import dataclass, field
from threading import Lock
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.utils import translation

from . import scoring
from .models import Item, ProfileVersion, Role, pick_language

# 1: the first edition's documents (no behaviour share or per-trait floors, the
# direct-service threshold in percent); their results are shown as stored. 2: today's.
SNAPSHOT_SCHEMA = 2


# A profile document and its parts, as plain JSON-ready dicts. What each holds is said once,
# by the field names below that build it (and in docs/scoring.md).
Snapshot = dict[str, Any]
ItemDict = dict[str, Any]
TraitDict = dict[str, Any]


# --- From rows to the document -------------------------------------------------------------

# What the document holds of each row, besides its references (a trait by key, a belief by
# ``key``, an item by code) and its place (the order of the lists). Texts come in pairs
# (``name`` and ``name_en``). A field added to a model is carried by naming it here; the
# profile file reader (``files.profiles``) takes every content field it finds by name.
ROLE_TEXTS = ("title", "summary", "entry_path", "education_match_text", "education_mismatch_text")
ROLE_VALUES = (
    "fit_threshold",
    "partial_threshold",
    "behaviour_share",
    "min_match_fit",
    "min_match_partial",
)
SIMILAR_ROLE_TEXTS = ("name", "summary", "entry_path")
TRAIT_TEXTS = ("name", "description", "why_it_matters", "how_to_develop", "knockout_reason")
TRAIT_VALUES = ("weight", "required_level", "knockout_below", "asn_competency", "asn_level")
EDUCATION_VALUES = ("code", "preferred")
ITEM_VALUES = ("code", "kind", "reverse_keyed")
OPTION_TEXTS = ("text", "feedback")
OPTION_VALUES = ("code", "score", "direct_service")
# Carried only where set (not false or empty), so that the documents of versions stored
# before the field existed keep their fingerprint.
ITEM_SET_VALUES = ("reserve",)
OPTION_SET_VALUES = ("rationale",)


@dataclass
class ProfileRows:
    """A role and its parts as rows, in the order the document lists them.

    Saved rows (``rows_of``) or unsaved ones with their ids set (a fixture file); the
    options of each item are keyed by the item's id.
    """

    role: Role
    duties: list
    traits: list
    education_fields: list
    beliefs: list
    comparison_points: list
    sections: list
    items: list[Item]
    options: dict[int, list]
    # A role that uses a bank: the bank's own rows.
    bank: ProfileRows | None = None


def _texts(obj, *fields: str) -> dict[str, str]:
    data = {}
    for name in fields:
        data[name] = getattr(obj, name)
        data[f"{name}_en"] = getattr(obj, f"{name}_en")
    return data


def _values(obj, *fields: str) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in fields}


def _set_values(obj, *fields: str) -> dict[str, Any]:
    return {name: value for name in fields if (value := getattr(obj, name))}


# The parts a role holds itself, whether or not it uses a bank.
OWN_PARTS = ("duties", "education_fields", "beliefs", "comparison_points")
QUESTIONNAIRE_PARTS = (
    "traits",
    "sections",
    Prefetch("items", queryset=Item.objects.prefetch_related("options")),
)


def _own_rows(role: Role) -> ProfileRows:
    """The rows of a role (or bank) holding its own questionnaire, its parts prefetched."""
    items = list(role.items.all())
    return ProfileRows(
        role=role,
        duties=list(role.duties.all()),
        traits=list(role.traits.all()),
        education_fields=list(role.education_fields.all()),
        beliefs=list(role.beliefs.all()),
        comparison_points=list(role.comparison_points.all()),
        sections=list(role.sections.all()),
        items=items,
        options={item.pk: list(item.options.all()) for item in items},
    )


def _bank_rows(bank: Role) -> ProfileRows:
    """The rows of an item bank, its questionnaire prefetched: a bank holds no duties,
    education fields, beliefs or comparison of its own (its roles do)."""
    items = list(bank.items.all())
    return ProfileRows(
        role=bank,
        duties=[],
        traits=list(bank.traits.all()),
        education_fields=[],
        beliefs=[],
        comparison_points=[],
        sections=list(bank.sections.all()),
        items=items,
        options={item.pk: list(item.options.all()) for item in items},
    )


def rows_of(role: Role | int) -> ProfileRows:
    """The role's saved rows, read afresh in a fixed number of queries.

    A role that uses a bank reads its questionnaire from the bank: its traits are its role
    traits (the bank's trait with the role's weight and level), its sections and items the
    bank's, except the belief checks of other roles' beliefs. The bank's own rows come
    with them (``bank``), read in the same queries.
    """
    role = Role.objects.get(pk=role if isinstance(role, int) else role.pk)
    if role.is_bank:
        prefetch_related_objects([role], *QUESTIONNAIRE_PARTS)
        return _bank_rows(role)
    if role.bank_id is None:
        prefetch_related_objects([role], *OWN_PARTS, *QUESTIONNAIRE_PARTS)
        return _own_rows(role)
    prefetch_related_objects([role], *OWN_PARTS, "role_traits")
    bank = Role.objects.prefetch_related(*QUESTIONNAIRE_PARTS).get(pk=role.bank_id)
    role.bank = bank
    bank_rows = _bank_rows(bank)
    bank_traits = {trait.pk: trait for trait in bank_rows.traits}
    traits = list(role.role_traits.all())
    for role_trait in traits:
        role_trait.trait = bank_traits[role_trait.trait_id]
    beliefs = list(role.beliefs.all())
    own_beliefs = {belief.pk for belief in beliefs}
    items = [
        item for item in bank_rows.items if item.belief_id is None or item.belief_id in own_beliefs
    ]
    for item in items:
        if item.trait_id is not None:
            # An item of a trait the role does not weigh is named by the bank's trait.
            item.trait = bank_traits[item.trait_id]
    return ProfileRows(
        role=role,
        duties=list(role.duties.all()),
        traits=traits,
        education_fields=list(role.education_fields.all()),
        beliefs=beliefs,
        comparison_points=list(role.comparison_points.all()),
        sections=bank_rows.sections,
        items=items,
        options={item.pk: bank_rows.options[item.pk] for item in items},
        bank=bank_rows,
    )


def build_snapshot(role: Role | int, *, number: int | None = None) -> Snapshot:
    """The role's profile document as its rows are saved now.

    ``number`` is the version it is taken for (the role's current version by default). A
    role that uses a bank names it, with the fingerprint of the bank's content.
    """
    profile_rows = rows_of(role)
    return rows_document(profile_rows, profile_rows.role.version if number is None else number)


def rows_document(profile_rows: ProfileRows, number: int) -> Snapshot:
    """The profile document of ``profile_rows``, naming the bank its questionnaire is read
    from (with the fingerprint of the bank's content) when the role uses one."""
    snapshot = document(profile_rows, number)
    if profile_rows.bank is not None:
        bank_rows = profile_rows.bank
        snapshot["bank"] = {
            "slug": bank_rows.role.slug,
            "fingerprint": content_fingerprint(document(bank_rows, bank_rows.role.version)),
        }
    return snapshot


def document(profile_rows: ProfileRows, number: int) -> Snapshot:
    """The profile document of ``profile_rows``: what a version stores and a file holds.

    Built in the default language, since it carries a few translated labels: the same
    content always gives the same document.
    """
    with translation.override(settings.LANGUAGE_CODE):
        return _document(profile_rows, number)


def _document(rows: ProfileRows, number: int) -> Snapshot:
    role = rows.role
    section_index = {section.pk: index for index, section in enumerate(rows.sections)}
    items = sorted(
        rows.items, key=lambda item: (section_index[item.section_id], item.order, item.pk)
    )
    return {
        "schema": SNAPSHOT_SCHEMA,
        "slug": role.slug,
        "version": number,
        **_texts(role, *ROLE_TEXTS),
        **_values(role, *ROLE_VALUES),
        "similar_role": _similar_role(role),
        "duties": [_texts(duty, "text") for duty in rows.duties],
        "traits": [_trait(trait) for trait in rows.traits],
        "education_fields": [
            {**_values(field, *EDUCATION_VALUES), **_texts(field, "name")}
            for field in rows.education_fields
        ],
        "beliefs": [
            {"key": str(belief.pk), "kind": belief.kind, **_texts(belief, "belief", "correction")}
            for belief in rows.beliefs
        ],
        "comparison": [
            _texts(point, "aspect", "this_role", "other_role") for point in rows.comparison_points
        ],
        "sections": [
            {
                **_texts(section, "title", "intro"),
                "items": [item.code for item in items if item.section_id == section.pk],
            }
            for section in rows.sections
            if any(item.section_id == section.pk for item in items)
        ],
        "items": _items(items, rows),
    }


def _similar_role(role: Role) -> dict[str, Any]:
    texts = _texts(role, *(f"similar_role_{name}" for name in SIMILAR_ROLE_TEXTS))
    return {
        "slug": role.similar_role_slug,
        "direct_service_share_needed": [
            role.direct_service_share_numerator,
            role.direct_service_share_denominator,
        ],
        **{key.removeprefix("similar_role_"): value for key, value in texts.items()},
        # Carried only when it is not the default, so that older documents keep their
        # fingerprint.
        **(
            {"when": role.similar_role_when}
            if role.similar_role_when != Role.SuggestWhen.MORE_DIRECT
            else {}
        ),
    }


def _trait(trait) -> TraitDict:
    return {
        "key": trait.key,
        **_texts(trait, *TRAIT_TEXTS),
        **_values(trait, *TRAIT_VALUES),
        "asn_competency_label": str(trait.get_asn_competency_display())
        if trait.asn_competency
        else "",
    }


def _items(items: list[Item], rows: ProfileRows) -> list[ItemDict]:
    # By the trait's own id: a role trait stands for the bank trait it weighs.
    trait_keys = {getattr(trait, "trait_id", trait.pk): trait.key for trait in rows.traits}
    return [
        {
            **_values(item, *ITEM_VALUES),
            **_texts(item, "text"),
            # An item of a bank trait the role does not weigh is asked for the bank's other
            # roles, and not scored for this one (``profile_from_snapshot``).
            "trait": trait_keys.get(item.trait_id) or (item.trait.key if item.trait_id else None),
            "belief": str(item.belief_id) if item.belief_id else None,
            "keyed_answer": item.keyed_answer or None,
            "options": [
                {
                    **_values(option, *OPTION_VALUES),
                    **_texts(option, *OPTION_TEXTS),
                    **_set_values(option, *OPTION_SET_VALUES),
                }
                for option in rows.options.get(item.pk, [])
            ],
            **_set_values(item, *ITEM_SET_VALUES),
        }
        for item in items
    ]


def content_fingerprint(snapshot: Snapshot) -> str:
    """A hash of everything a visitor sees and is scored by: the snapshot without its number.

    Beliefs are keyed by position rather than by database id, so that the same content
    saved again (an import that replaces a profile) has the same fingerprint.
    """
    data = json.loads(json.dumps(snapshot))
    data.pop("version", None)
    # Which bank content a role's version was taken from: where it came from, not content
    # (the document holds every item it asks).
    data.pop("bank", None)
    positions = {belief["key"]: str(n) for n, belief in enumerate(data["beliefs"])}
    for belief in data["beliefs"]:
        belief["key"] = positions[belief["key"]]
    for item in data["items"]:
        item["belief"] = positions.get(item["belief"])
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def role_fingerprint(role: Role | int) -> str:
    """The fingerprint of a role's content as it is saved now."""
    return content_fingerprint(build_snapshot(role))


# --- Stored versions ----------------------------------------------------------------------


def store_version(role: Role, *, number: int | None = None, is_draft: bool = False):
    """The stored version of the role's content as it is now, under ``number``.

    Stored once: the same content under the same number is the same row.
    """
    snapshot = build_snapshot(role, number=number)
    fingerprint = content_fingerprint(snapshot)
    defaults = {"role": role, "snapshot": snapshot, "is_draft": is_draft}
    try:
        with transaction.atomic():
            version, _created = ProfileVersion.objects.get_or_create(
                number=snapshot["version"], fingerprint=fingerprint, defaults=defaults
            )
    except IntegrityError:
        # Stored by another request in the meantime.
        version = ProfileVersion.objects.get(number=snapshot["version"], fingerprint=fingerprint)
    return version


def live_version(role: Role):
    """What visitors of a published role see: its last published version.

    A role published before versions were stored (loaded from a fixture, say) gets its
    version stored on first use.
    """
    if role.live_version_id is not None:
        if not Role.live_version.is_cached(role):
            # Its snapshot is read through version_data, parsed once per process.
            role.live_version = ProfileVersion.objects.defer("snapshot").get(
                pk=role.live_version_id
            )
        return role.live_version
    version = store_version(role)
    Role.objects.filter(pk=role.pk, live_version__isnull=True).update(live_version=version)
    role.live_version = version
    return version


def version_for_visit(role: Role):
    """The version a new assessment of ``role`` is taken on: the live one, or for a draft
    role (HR staff trying it out) a draft version of its content as it is now."""
    if role.is_published:
        return live_version(role)
    return store_version(role, is_draft=True)


def visitor_snapshot(role: Role) -> Snapshot:
    """What a visitor of ``role`` is shown and scored by: the live version of a published
    role; for a draft, its content as saved now (built, stored nowhere)."""
    if role.is_published:
        # The version's id is enough (no query for the row) once it is stored.
        return version_data(role.live_version_id or live_version(role).pk).snapshot
    return build_snapshot(role)


@dataclass(frozen=True)
class VersionData:
    """A stored version, parsed: what pages and scoring read, built once per process."""

    id: int
    snapshot: Snapshot
    profile: scoring.Profile
    items_by_code: dict[str, ItemDict]
    traits_by_key: dict[str, TraitDict]
    # What pages work out from the snapshot once per process and language (a section's
    # progress and reading time: services.core_progress).
    derived: dict[Any, Any] = field(default_factory=dict, compare=False)


_CACHE_SIZE = 64
_cache: OrderedDict[int, VersionData] = OrderedDict()
_cache_lock = Lock()


def version_data(version_id: int) -> VersionData:
    """The version's parsed snapshot and scoring profile; versions never change."""
    with _cache_lock:
        data = _cache.get(version_id)
        if data is not None:
            _cache.move_to_end(version_id)
            return data
    snapshot = ProfileVersion.objects.values_list("snapshot", flat=True).get(pk=version_id)
    data = VersionData(
        id=version_id,
        snapshot=snapshot,
        profile=profile_from_snapshot(snapshot),
        items_by_code={item["code"]: item for item in snapshot["items"]},
        traits_by_key={trait["key"]: trait for trait in snapshot["traits"]},
    )
    with _cache_lock:
        _cache[version_id] = data
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return data


def snapshot_of(assessment) -> Snapshot:
    """The snapshot an assessment is shown and scored from (its version's, parsed once)."""
    return version_data(assessment.profile_version_id).snapshot


def clear_cache() -> None:
    """Forget every parsed version (tests, whose databases reuse ids)."""
    with _cache_lock:
        _cache.clear()


# --- To scoring ---------------------------------------------------------------------------


# The document's settings of today's rules. A first-edition document (schema 1) has none:
# an assessment still open on such a version is scored with ``scoring.Profile``'s defaults.
RULE_SETTINGS = ("behaviour_share", "min_match_fit", "min_match_partial")


def profile_from_snapshot(snapshot: Snapshot) -> scoring.Profile:
    """The scoring profile of a profile document, for today's rules."""
    similar = snapshot["similar_role"]
    rules = {name: snapshot[name] for name in RULE_SETTINGS if name in snapshot}
    if "direct_service_share_needed" in similar:
        rules["direct_service_share_needed"] = tuple(similar["direct_service_share_needed"])
    weighed = {trait["key"] for trait in snapshot["traits"]}
    if similar.get("when") == Role.SuggestWhen.LESS_DIRECT:
        rules["suggest_when_less_direct"] = True
    return scoring.Profile(
        slug=snapshot["slug"],
        version=snapshot["version"],
        traits=tuple(
            scoring.TraitSpec(
                key=trait["key"],
                weight=trait["weight"],
                required_level=trait["required_level"],
                knockout_below=trait["knockout_below"],
            )
            for trait in snapshot["traits"]
        ),
        items=tuple(
            scoring.ItemSpec(
                code=item["code"],
                kind=item["kind"],
                trait_key=item["trait"],
                reverse_keyed=item["reverse_keyed"],
                keyed_answer=item["keyed_answer"],
                reserve=item.get("reserve", False),
                options=tuple(
                    scoring.OptionSpec(
                        code=option["code"],
                        score=option["score"],
                        direct_service=option["direct_service"],
                    )
                    for option in item["options"]
                ),
            )
            for item in snapshot["items"]
        ),
        fit_threshold=snapshot["fit_threshold"],
        partial_threshold=snapshot["partial_threshold"],
        similar_role_slug=similar["slug"],
        education_fields=tuple(
            scoring.EducationSpec(code=field["code"], preferred=field["preferred"])
            for field in snapshot["education_fields"]
        ),
        sections=tuple(tuple(section["items"]) for section in snapshot["sections"]),
        unweighed_traits=frozenset(
            item["trait"] for item in snapshot["items"] if item["trait"] not in (None, *weighed)
        ),
        **rules,
    )


def score_snapshot(
    *,
    snapshot: Snapshot,
    answers: dict[str, Any],
    section_seconds: dict[int, float] | None = None,
) -> scoring.Result:
    return scoring.score(
        profile=profile_from_snapshot(snapshot), answers=answers, section_seconds=section_seconds
    )


# --- What pages read ----------------------------------------------------------------------


def tr(data: Any, name: str) -> str:
    """The text ``name`` of a snapshot dict (or a model row) in the active language."""
    if isinstance(data, dict):
        return pick_language(data.get(name) or "", data.get(f"{name}_en") or "")
    return pick_language(getattr(data, name, ""), getattr(data, f"{name}_en", ""))


def direct_service_threshold_percent(snapshot: Snapshot) -> float:
    """Where the similar role starts being suggested, as a percentage, for charts."""
    similar = snapshot["similar_role"]
    if "direct_service_share_needed" in similar:
        numerator, denominator = similar["direct_service_share_needed"]
        return 100 * numerator / denominator
    return float(similar["direct_service_threshold"])


def section_count(snapshot: Snapshot) -> int:
    return len(snapshot["sections"])


def section_items(snapshot: Snapshot, number: int) -> list[ItemDict]:
    """The items of section ``number`` (1-based), in order."""
    codes = snapshot["sections"][number - 1]["items"]
    by_code = {item["code"]: item for item in snapshot["items"]}
    return [by_code[code] for code in codes]


def items_before(snapshot: Snapshot, number: int) -> int:
    return sum(len(section["items"]) for section in snapshot["sections"][: number - 1])
