"""What stops a role from being published, in words HR staff can act on.

The database enforces what one row can check (a scored item has a trait, a knockout sits
at or below the required level). These functions check what spans rows: how many items
measure a trait, a scenario's options and their scores, a preference pair, the role's
duties, sections and preferred education fields. Each returns a list of translated
messages, empty when all is well, so that the admin can raise them as validation errors and
tests can assert on them.

``publication_problems(role)`` reads everything from the database. The smaller functions
take the rows to check as arguments, so that a form can check the state it is about to
save (an inline formset's kept rows, an item as edited) rather than the saved one.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import snapshots
from .models import Duty, EducationField, Item, Option, Role, Section, Trait

MIN_ITEMS_PER_TRAIT = 3
MIN_SCENARIO_OPTIONS = 3
MAX_SCENARIO_OPTIONS = 5
PREFERENCE_OPTIONS = 2
SCORED_KINDS = frozenset({Item.Kind.LIKERT, Item.Kind.SCENARIO, Item.Kind.KNOWLEDGE})
KINDS_WITH_OPTIONS = frozenset({Item.Kind.SCENARIO, Item.Kind.KNOWLEDGE, Item.Kind.PREFERENCE})


def publication_problems(role: Role) -> list[str]:
    """Everything that stops ``role``, as saved, from being published; empty when it can be."""
    if role.pk is None:
        duties = sections = traits = education_fields = []
    else:
        duties = role.duties.all()
        sections = role.sections.all()
        traits = role.traits.all()
        education_fields = role.education_fields.all()
    items = questionnaire_items(role)
    return [
        *duty_problems(duties),
        *section_problems(sections),
        *trait_problems(traits, items),
        *education_problems(education_fields, items),
        *questionnaire_problems(items),
    ]


def questionnaire_items(role: Role) -> list[Item]:
    """The role's saved items with what the checks read, in a fixed number of queries."""
    if role.pk is None:
        return []
    return list(role.items.select_related("section", "trait", "belief").prefetch_related("options"))


def duty_problems(duties: Iterable[Duty]) -> list[str]:
    if not list(duties):
        return [_("Jabatan yang terbit harus punya minimal satu tugas.")]
    return []


def section_problems(sections: Iterable[Section]) -> list[str]:
    if not list(sections):
        return [_("Jabatan yang terbit harus punya minimal satu bagian kuesioner.")]
    return []


def trait_problems(traits: Iterable[Trait], items: Iterable[Item]) -> list[str]:
    """Each trait is measured by enough likert and scenario items, and can knock out sensibly.

    A trait that is not saved yet has no items.
    """
    traits = list(traits)
    if not traits:
        return [_("Jabatan yang terbit harus punya minimal satu sifat yang dibutuhkan.")]
    items_per_trait = Counter(
        item.trait_id for item in items if item.kind in SCORED_KINDS and item.trait_id
    )
    problems = []
    for trait in traits:
        count = items_per_trait[trait.pk] if trait.pk else 0
        if count < MIN_ITEMS_PER_TRAIT:
            problems.append(
                ngettext(
                    "Sifat “%(trait)s” baru diukur oleh %(count)d butir pernyataan atau "
                    "skenario; jabatan yang terbit butuh minimal %(minimum)d.",
                    "Sifat “%(trait)s” baru diukur oleh %(count)d butir pernyataan atau "
                    "skenario; jabatan yang terbit butuh minimal %(minimum)d.",
                    count,
                )
                % {"trait": trait.name, "count": count, "minimum": MIN_ITEMS_PER_TRAIT}
            )
        if knockout_above_required(trait):
            problems.append(knockout_above_required_message(trait))
    return problems


def knockout_above_required(trait: Trait) -> bool:
    return (
        trait.knockout_below is not None
        and trait.required_level is not None
        and trait.knockout_below > trait.required_level
    )


def knockout_above_required_message(trait: Trait) -> str:
    return _(
        "Sifat “%(trait)s”: batas gugur (%(knockout)d) tidak boleh di atas level yang "
        "dibutuhkan (%(required)d)."
    ) % {
        "trait": trait.name,
        "knockout": trait.knockout_below,
        "required": trait.required_level,
    }


def education_problems(
    education_fields: Iterable[EducationField], items: Iterable[Item]
) -> list[str]:
    """At most one background item, and a preferred field of study for it to match."""
    background_codes = [item.code for item in items if item.kind == Item.Kind.BACKGROUND]
    problems = []
    if len(background_codes) > 1:
        problems.append(
            _(
                "Kuesioner hanya boleh punya satu butir latar belakang pendidikan; "
                "sekarang ada %(count)d (%(codes)s)."
            )
            % {"count": len(background_codes), "codes": ", ".join(background_codes)}
        )
    if background_codes and not any(field.preferred for field in education_fields):
        problems.append(
            _(
                "Butir latar belakang pendidikan butuh minimal satu bidang pendidikan yang "
                "ditandai diutamakan."
            )
        )
    return problems


def questionnaire_problems(items: Iterable[Item]) -> list[str]:
    """The problems of each item and of its saved options."""
    problems = []
    for item in items:
        problems += item_problems(item)
        problems += option_problems(item, item.options.all())
    return problems


def item_problems(item: Item) -> list[str]:
    """What is wrong with one item's own fields, whatever the role's status.

    The database checks that a scored item has a trait and a belief item a belief; not that
    they, and the section, belong to the item's own role.
    """
    problems = []
    prefix = {"code": item.code}
    if item.section_id and item.section.role_id != item.role_id:
        problems.append(
            _("Butir %(code)s: bagian “%(section)s” milik jabatan lain.")
            % {**prefix, "section": item.section.title}
        )
    if item.kind in SCORED_KINDS:
        if item.trait_id is None:
            problems.append(
                _("Butir %(code)s: pernyataan dan skenario harus mengukur satu sifat.") % prefix
            )
        elif item.trait.role_id != item.role_id:
            problems.append(
                _("Butir %(code)s: sifat “%(trait)s” milik jabatan lain.")
                % {**prefix, "trait": item.trait.name}
            )
    elif item.trait_id is not None:
        problems.append(
            _(
                "Butir %(code)s: hanya pernyataan dan skenario yang mengukur sifat; "
                "kosongkan sifatnya."
            )
            % prefix
        )
    if item.kind == Item.Kind.BELIEF:
        if item.belief_id is None or not item.keyed_answer:
            problems.append(
                _("Butir %(code)s: cek anggapan harus punya anggapan dan jawaban yang benar.")
                % prefix
            )
        elif item.belief.role_id != item.role_id:
            problems.append(_("Butir %(code)s: anggapannya milik jabatan lain.") % prefix)
    elif item.belief_id is not None:
        problems.append(
            _("Butir %(code)s: hanya cek anggapan yang memakai anggapan; kosongkan anggapannya.")
            % prefix
        )
    return problems


def option_problems(item: Item, options: Iterable[Option]) -> list[str]:
    """Whether ``options``, the item's options as saved or as about to be saved, suit its kind."""
    options = list(options)
    count = len(options)
    prefix = {"code": item.code, "count": count}
    problems = []
    if item.kind == Item.Kind.SCENARIO:
        if not MIN_SCENARIO_OPTIONS <= count <= MAX_SCENARIO_OPTIONS:
            problems.append(
                _(
                    "Butir %(code)s: skenario harus punya %(minimum)d sampai %(maximum)d "
                    "pilihan jawaban; sekarang %(count)d."
                )
                % {**prefix, "minimum": MIN_SCENARIO_OPTIONS, "maximum": MAX_SCENARIO_OPTIONS}
            )
        unscored = [option.code for option in options if option.score is None]
        if unscored:
            problems.append(
                _(
                    "Butir %(code)s: setiap pilihan skenario harus punya skor 0 sampai 4; "
                    "pilihan %(options)s belum."
                )
                % {**prefix, "options": ", ".join(unscored)}
            )
    elif item.kind == Item.Kind.KNOWLEDGE:
        if not MIN_SCENARIO_OPTIONS <= count <= MAX_SCENARIO_OPTIONS:
            problems.append(
                _(
                    "Butir %(code)s: soal pengetahuan harus punya %(minimum)d sampai "
                    "%(maximum)d pilihan jawaban; sekarang %(count)d."
                )
                % {**prefix, "minimum": MIN_SCENARIO_OPTIONS, "maximum": MAX_SCENARIO_OPTIONS}
            )
        scores = [option.score for option in options]
        if scores.count(1) != 1 or scores.count(0) != count - 1:
            problems.append(
                _(
                    "Butir %(code)s: soal pengetahuan harus punya tepat satu jawaban benar "
                    "(skor 1); pilihan lainnya berskor 0."
                )
                % prefix
            )
    elif item.kind == Item.Kind.PREFERENCE:
        if count != PREFERENCE_OPTIONS:
            problems.append(
                _(
                    "Butir %(code)s: preferensi harus punya tepat dua pilihan (A dan B); "
                    "sekarang %(count)d."
                )
                % prefix
            )
        direct_service = sum(1 for option in options if option.direct_service)
        if direct_service != 1:
            problems.append(
                _(
                    "Butir %(code)s: tepat satu pilihan preferensi harus ditandai layanan "
                    "langsung; sekarang %(direct_service)d."
                )
                % {**prefix, "direct_service": direct_service}
            )
    elif count:
        problems.append(
            _("Butir %(code)s: jenis “%(kind)s” tidak memakai pilihan jawaban; hapus pilihannya.")
            % {**prefix, "kind": item.get_kind_display()}
        )
    return problems


def role_questionnaire_problems(role: Role, items: Iterable[Item]) -> list[str]:
    """The role-wide checks that depend on its items, for ``items`` in place of the saved ones."""
    items = list(items)
    return [
        *trait_problems(role.traits.all(), items),
        *education_problems(role.education_fields.all(), items),
    ]


def problems_introduced(role: Role, items: Iterable[Item]) -> list[str]:
    """Role-wide problems that the questionnaire ``items`` would have and the saved one has not.

    Used when an item of a published role is edited or deleted: the edit is refused if it
    breaks publication, but not for a problem that was there before it.
    """
    before = set(role_questionnaire_problems(role, questionnaire_items(role)))
    return [
        problem for problem in role_questionnaire_problems(role, items) if problem not in before
    ]


def removal_problems(items: Iterable[Item]) -> list[str]:
    """What deleting ``items`` would break in the published roles they belong to."""
    removed = {item.pk for item in items}
    roles = Role.objects.published().filter(items__pk__in=removed).distinct()
    problems = []
    for role in roles:
        kept = [item for item in questionnaire_items(role) if item.pk not in removed]
        problems += problems_introduced(role, kept)
    return problems


# --- Versions -----------------------------------------------------------------------------
# A published profile's version names its content: an assessment keeps the version it was
# scored against. Publishing different content therefore raises the version, once per save
# in the admin (not in Model.save(): loading fixtures or a migration publishes nothing).


def content_fingerprint(role: Role) -> str:
    """The fingerprint of everything a visitor of ``role`` sees and is scored by, as saved."""
    return snapshots.role_fingerprint(role)


@dataclass(frozen=True)
class PublicationBaseline:
    """A role before an edit: its version and the fingerprint of what it last published."""

    version: int
    fingerprint: str


def publication_baseline(role: Role) -> PublicationBaseline:
    """Taken before an admin save touches ``role`` (as saved in the database).

    A role published before fingerprints were kept (loaded from a fixture, say) has none
    stored: then the content it is published with right now is the baseline.
    """
    fingerprint = role.published_fingerprint
    if not fingerprint and role.is_published:
        fingerprint = content_fingerprint(role)
    return PublicationBaseline(version=role.version, fingerprint=fingerprint)


def publish_version(role_id: int, baseline: PublicationBaseline | None) -> int:
    """After an admin save: the version of the role, raised if it is published changed.

    Published with content other than ``baseline``'s last publication: version = the
    baseline's + 1. Published for the first time, or unchanged: the version stays. A draft
    keeps its fingerprint until it is published again. Comparing with the baseline of the
    request, not the stored row, keeps one save's several writes (an inline formset, a list
    of edited rows) to one raise.
    """
    role = Role.objects.get(pk=role_id)
    baseline = baseline or PublicationBaseline(version=role.version, fingerprint="")
    if not role.is_published:
        if baseline.fingerprint and not role.published_fingerprint:
            # Unpublished before its fingerprint was kept: keep what it was published as.
            Role.objects.filter(pk=role_id).update(published_fingerprint=baseline.fingerprint)
        return role.version
    fingerprint = content_fingerprint(role)
    changed = bool(baseline.fingerprint) and baseline.fingerprint != fingerprint
    version = baseline.version + 1 if changed else baseline.version
    stored = snapshots.store_version(role, number=version)
    if (version, fingerprint, stored.pk) != (
        role.version,
        role.published_fingerprint,
        role.live_version_id,
    ):
        # update(), not save(): no history record for the bookkeeping, no auto_now.
        Role.objects.filter(pk=role_id).update(
            version=version, published_fingerprint=fingerprint, live_version=stored
        )
    return version
