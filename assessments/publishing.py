"""What stops a role from being published, in words HR staff can act on.

The database enforces what one row can check (a scored item has a trait, a knockout sits
at or below the required level). These functions check what spans rows: how many items
measure a trait, a scenario's options and their scores, a preference pair, the role's
duties, sections and preferred education fields. Each returns a list of translated
messages, empty when all is well, so that the admin can raise them as validation errors and
tests can assert on them.

``publication_problems(role)`` reads everything from the database. The smaller functions
take the rows to check as arguments, so that a form can check the state it is about to
save (an item's options as edited) rather than the saved one.

A role's rows are its working draft (visitors see its live version), so saving an
incomplete draft is allowed; ``publish`` refuses it, with these problems and every missing
English text (``translation_problems``), and otherwise stores the next version.
"""

from collections import Counter
from collections.abc import Iterable

from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.db.models import Max, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from . import content_bar, history, snapshots
from .models import (
    Belief,
    ComparisonPoint,
    Duty,
    EducationField,
    Item,
    Option,
    ProfileVersion,
    Role,
    Section,
    Trait,
)

MIN_ITEMS_PER_TRAIT = 3
MIN_SCENARIO_OPTIONS = 3
MAX_SCENARIO_OPTIONS = 5
PREFERENCE_OPTIONS = 2
MIN_KNOWLEDGE_OPTIONS = MIN_SCENARIO_OPTIONS
MAX_KNOWLEDGE_OPTIONS = MAX_SCENARIO_OPTIONS
# The kinds that measure a trait: self-report (likert) and behaviour (scenario, knowledge).
SCORED_KINDS = frozenset({Item.Kind.LIKERT, Item.Kind.SCENARIO, Item.Kind.KNOWLEDGE})
KINDS_WITH_OPTIONS = frozenset({Item.Kind.SCENARIO, Item.Kind.KNOWLEDGE, Item.Kind.PREFERENCE})


def publication_problems(role: Role, items: list[Item] | None = None) -> list[str]:
    """Everything that stops ``role``, as saved, from being published; empty when it can be.

    ``items``: the role's ``questionnaire_items`` when the caller has them already.
    """
    if role.pk is None:
        duties = sections = traits = education_fields = []
    else:
        duties = role.duties.all()
        sections = role.questionnaire_owner.sections.all()
        # A role that uses a bank is checked on the traits it weighs.
        traits = role.role_traits.select_related("trait") if role.bank_id else role.traits.all()
        education_fields = role.education_fields.all()
    if items is None:
        items = questionnaire_items(role)
    return [
        *duty_problems(duties),
        *section_problems(sections),
        *trait_problems(traits, items),
        *education_problems(education_fields, items),
        *completeness_problems(role, items),
        *questionnaire_problems(items),
    ]


def completeness_problems(role: Role, items: Iterable[Item]) -> list[str]:
    """What a visitor's result needs from every role: the education question, at least one
    misconception that an item tests, and the comparison with the similar role."""
    items = list(items)
    problems = []
    if not any(item.kind == Item.Kind.BACKGROUND for item in items):
        problems.append(
            _(
                "Kuesioner belum punya pertanyaan pendidikan (butir jenis “Latar belakang "
                "pendidikan”): hasil tidak bisa membandingkan bidang pendidikan peserta."
            )
        )
    if not any(
        item.kind == Item.Kind.BELIEF
        and item.belief_id
        and item.belief.kind == Belief.Kind.MISCONCEPTION
        for item in items
    ):
        problems.append(
            _(
                "Jabatan butuh minimal satu anggapan keliru jenis “Miskonsepsi” yang diuji oleh "
                "butir cek anggapan."
            )
        )
    has_points = role.pk is not None and role.comparison_points.exists()
    if not (role.similar_role_name or "").strip() or not has_points:
        problems.append(
            _(
                "Perbandingan dengan profesi lain belum lengkap: isi nama profesi pembanding "
                "(bagian “Perbandingan dengan profesi lain”) dan minimal satu poin perbandingan."
            )
        )
    return problems


# The content bar (docs/content.md): per trait a core of 4 statements (2 reverse-keyed) and
# 2 behaviour items, 8 statements and 4 behaviour items with the reserve; 4 misconception
# checks with both keys, 6 preference pairs. Below it the verdict is less precise, so the
# publish page says so; it does not stop publication (a small new role may start lower).
BAR_CORE_LIKERT = 4
BAR_CORE_REVERSE = 2
BAR_CORE_BEHAVIOUR = 2
BAR_LIKERT = 8
BAR_BEHAVIOUR = 4
BAR_BELIEF_ITEMS = 4
BAR_PREFERENCES = 6


def content_bar_shortfalls(snapshot: dict) -> list[str]:
    """Where a profile snapshot (the draft's, say) is below the content bar, in words HR
    can act on; the counting is ``content_bar.trait_counts``, as the fixture's tests use."""
    shortfalls = []
    names = {trait["key"]: trait["name"] for trait in snapshot["traits"]}
    for key, parts in content_bar.trait_counts(snapshot).items():
        core, total = parts["core"], parts["core"] + parts["reserve"]
        counts = {
            "trait": names.get(key, key),
            "core_likert": core.statements,
            "core_reverse": core.reverse_keyed,
            "core_behaviour": core.behaviour,
            "likert": total.statements,
            "behaviour": total.behaviour,
        }
        if (
            core.statements < BAR_CORE_LIKERT
            or core.reverse_keyed < BAR_CORE_REVERSE
            or core.behaviour < BAR_CORE_BEHAVIOUR
            or total.statements < BAR_LIKERT
            or total.behaviour < BAR_BEHAVIOUR
        ):
            shortfalls.append(
                _(
                    "Sifat “%(trait)s”: inti %(core_likert)d pernyataan (%(core_reverse)d "
                    "dibalik) dan %(core_behaviour)d butir perilaku, seluruhnya %(likert)d "
                    "pernyataan dan %(behaviour)d butir perilaku; standar: inti 4 pernyataan "
                    "(2 dibalik) dan 2 butir perilaku, seluruhnya 8 pernyataan dan 4 butir "
                    "perilaku."
                )
                % counts
            )
    beliefs = content_bar.items_of(snapshot, Item.Kind.BELIEF)
    keys = {item["keyed_answer"] for item in beliefs}
    if len(beliefs) < BAR_BELIEF_ITEMS or len(keys) < 2:
        shortfalls.append(
            _(
                "%(count)d butir cek anggapan; standar: minimal 4, dengan kunci jawaban "
                "campuran (setuju dan tidak setuju)."
            )
            % {"count": len(beliefs)}
        )
    preferences = len(content_bar.items_of(snapshot, Item.Kind.PREFERENCE))
    if preferences < BAR_PREFERENCES:
        shortfalls.append(
            _("%(count)d pasangan preferensi; standar: minimal 6.") % {"count": preferences}
        )
    return shortfalls


def questionnaire_items(role: Role) -> list[Item]:
    """The role's saved items with what the checks read, in a fixed number of queries."""
    if role.pk is None:
        return []
    items = Item.objects.filter(role=role.questionnaire_owner)
    if role.bank_id:
        # The bank's items, less the belief checks of its other roles' beliefs.
        items = items.filter(Q(belief__isnull=True) | Q(belief__role=role))
    return list(
        items.select_related("section", "trait", "belief__role").prefetch_related("options")
    )


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
        # A role trait is counted by the bank trait it weighs.
        trait_id = getattr(trait, "trait_id", trait.pk)
        count = items_per_trait[trait_id] if trait_id else 0
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
            _(
                "Butir %(code)s: bagian “%(section)s” milik jabatan “%(other)s”; pilih salah "
                "satu bagian jabatan “%(role)s”."
            )
            % {
                **prefix,
                "section": item.section.title,
                "other": item.section.role.title,
                "role": item.role.title,
            }
        )
    if item.kind in SCORED_KINDS:
        if item.trait_id is None:
            problems.append(
                _(
                    "Butir %(code)s: pernyataan, skenario dan soal pengetahuan harus mengukur "
                    "satu sifat."
                )
                % prefix
            )
        elif item.trait.role_id != item.role_id:
            problems.append(
                _(
                    "Butir %(code)s: sifat “%(trait)s” milik jabatan “%(other)s”; pilih salah "
                    "satu sifat jabatan “%(role)s”."
                )
                % {
                    **prefix,
                    "trait": item.trait.name,
                    "other": item.trait.role.title,
                    "role": item.role.title,
                }
            )
    elif item.trait_id is not None:
        problems.append(
            _(
                "Butir %(code)s: hanya pernyataan, skenario dan soal pengetahuan yang mengukur "
                "sifat; kosongkan sifatnya."
            )
            % prefix
        )
    if item.kind == Item.Kind.BELIEF:
        if item.belief_id is None or not item.keyed_answer:
            problems.append(
                _("Butir %(code)s: cek anggapan harus punya anggapan dan jawaban yang benar.")
                % prefix
            )
        elif item.role_id not in (item.belief.role_id, item.belief.role.bank_id):
            # A bank's belief check tests a belief of one of the roles that use the bank.
            problems.append(
                _(
                    "Butir %(code)s: anggapannya milik jabatan “%(other)s”; pilih salah satu "
                    "anggapan jabatan “%(role)s”."
                )
                % {**prefix, "other": item.belief.role.title, "role": item.role.title}
            )
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
        if not MIN_KNOWLEDGE_OPTIONS <= count <= MAX_KNOWLEDGE_OPTIONS:
            problems.append(
                _(
                    "Butir %(code)s: soal pengetahuan harus punya %(minimum)d sampai "
                    "%(maximum)d pilihan jawaban; sekarang %(count)d."
                )
                % {**prefix, "minimum": MIN_KNOWLEDGE_OPTIONS, "maximum": MAX_KNOWLEDGE_OPTIONS}
            )
        correct = [option.code for option in options if option.score == 1]
        other = [option.code for option in options if option.score not in (0, 1)]
        if len(correct) != 1 or other:
            problems.append(
                _(
                    "Butir %(code)s: soal pengetahuan punya tepat satu jawaban benar (skor 1) "
                    "dan pilihan lain salah (skor 0); sekarang %(correct)d benar."
                )
                % {**prefix, "correct": len(correct)}
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


# --- Missing English texts -----------------------------------------------------------------


def translation_problems(role: Role) -> list[str]:
    """Every Indonesian text of the role's profile that has no English translation yet.

    English visitors would read Indonesian there, so a role is not published with one.
    """
    if role.pk is None:
        return []
    problems = []
    parts = [
        (_("Jabatan"), [role]),
        (_("Tugas"), role.duties.all()),
        (_("Sifat"), role.questionnaire_owner.traits.all()),
        *([(_("Sifat"), role.role_traits.select_related("trait"))] if role.bank_id else []),
        (_("Bidang pendidikan"), role.education_fields.all()),
        (_("Anggapan"), role.beliefs.all()),
        (_("Poin perbandingan"), role.comparison_points.all()),
        (_("Bagian kuesioner"), role.questionnaire_owner.sections.all()),
    ]
    for label, rows in parts:
        for number, row in enumerate(rows, start=1):
            where = label if row is role else f"{label} {number} ({short_name(row)})"
            problems += _missing_english(where, row)
    for item in questionnaire_items(role):
        problems += item_translation_problems(item)
    return problems


def item_translation_problems(item: Item) -> list[str]:
    """The item's and its options' Indonesian texts that have no English translation."""
    problems = _missing_english(_("Butir %(code)s") % {"code": item.code}, item)
    for option in item.options.all():
        where = _("Butir %(code)s, pilihan %(option)s") % {
            "code": item.code,
            "option": option.code,
        }
        problems += _missing_english(where, option)
    return problems


# --- English left behind --------------------------------------------------------------------
# An English text that was written once stays "present" when its Indonesian original is
# rewritten, so a missing-translation check alone lets English visitors read something else.
# Against the live version: an Indonesian text that changed while its English did not.

SNAPSHOT_PARTS = {
    # list in the snapshot -> (model, how a row is named, how rows are paired)
    "duties": (Duty, gettext_lazy("Tugas"), None),
    "traits": (Trait, gettext_lazy("Sifat"), "key"),
    "education_fields": (EducationField, gettext_lazy("Bidang pendidikan"), "code"),
    "beliefs": (Belief, gettext_lazy("Anggapan"), "key"),
    "comparison": (ComparisonPoint, gettext_lazy("Poin perbandingan"), None),
    "sections": (Section, gettext_lazy("Bagian kuesioner"), None),
}


def stale_translations(live: dict, draft: dict) -> list[str]:
    """Every English text of ``draft`` whose Indonesian original differs from ``live``'s
    while the English is the same (and not empty): it needs to be brought up to date."""
    problems = _stale(_("Jabatan"), Role, live, draft)
    problems += _stale(
        _("Jabatan"),
        Role,
        {f"similar_role_{k}": v for k, v in (live.get("similar_role") or {}).items()},
        {f"similar_role_{k}": v for k, v in (draft.get("similar_role") or {}).items()},
    )
    for part, (model, label, key) in SNAPSHOT_PARTS.items():
        for number, (before, after) in enumerate(_paired(live, draft, part, key), start=1):
            name = after.get("name") or after.get("title") or after.get("aspect") or ""
            where = f"{label} {number}" + (f" ({short_name(name)})" if name else "")
            problems += _stale(where, model, before, after)
    for before, after in _paired(live, draft, "items", "code"):
        where = _("Butir %(code)s") % {"code": after["code"]}
        problems += _stale(where, Item, before, after)
        for old, new in _paired(before, after, "options", "code"):
            where = _("Butir %(code)s, pilihan %(option)s") % {
                "code": after["code"],
                "option": new["code"],
            }
            problems += _stale(where, Option, old, new)
    return problems


def _paired(live: dict, draft: dict, part: str, key: str | None):
    """Rows of ``part`` in both snapshots: by ``key``, or by position where rows have none."""
    before, after = live.get(part) or [], draft.get(part) or []
    if key is None:
        return list(zip(before, after, strict=False))
    earlier = {row.get(key): row for row in before}
    return [(earlier[row.get(key)], row) for row in after if row.get(key) in earlier]


def _stale(where: str, model, before: dict, after: dict) -> list[str]:
    problems = []
    for name, english in after.items():
        if not name.endswith("_en") or not isinstance(english, str) or not english.strip():
            continue
        original = name.removesuffix("_en")
        if (
            original in after
            and after.get(original) != before.get(original, after.get(original))
            and before.get(name) == english
        ):
            try:
                field = model._meta.get_field(original).verbose_name
            except FieldDoesNotExist:  # a snapshot's own name: shown as it is
                field = original
            problems.append(
                _(
                    "%(where)s: “%(field)s (Inggris)” perlu diperbarui: teks bahasa Indonesianya "
                    "berubah, terjemahannya belum."
                )
                % {"where": where, "field": field}
            )
    return problems


def stale_in_form(form) -> list[str]:
    """The English fields of an edited form whose Indonesian original was changed in it
    while the English was left as it was."""
    changed = set(form.changed_data)
    return [
        str(form.fields[name].label or name)
        for name in sorted(changed)
        if f"{name}_en" in form.fields
        and f"{name}_en" not in changed
        and (form.cleaned_data.get(f"{name}_en") or "").strip()
        and form.initial.get(name) not in (None, "")
    ]


def short_name(row) -> str:
    return str(row)[:40]


def _missing_english(where: str, row) -> list[str]:
    problems = []
    for field in type(row)._meta.concrete_fields:
        if not field.name.endswith("_en"):
            continue
        original = field.name.removesuffix("_en")
        if (getattr(row, original, "") or "").strip() and not (
            getattr(row, field.name) or ""
        ).strip():
            problems.append(
                _("%(where)s: “%(field)s” belum ada terjemahan bahasa Inggrisnya.")
                % {"where": where, "field": type(row)._meta.get_field(original).verbose_name}
            )
    return problems


# --- Publishing -----------------------------------------------------------------------------
# A role's rows are its working draft: visitors see its live version, a stored snapshot.
# Saving in the admin changes only the draft; ``publish`` makes it the next version.


class PublicationRefused(Exception):
    """The draft cannot be published; ``problems`` says why, in words HR can act on."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


def content_fingerprint(role: Role) -> str:
    """The fingerprint of everything a visitor of ``role`` sees and is scored by, as saved."""
    return snapshots.role_fingerprint(role)


def next_version_number(role: Role) -> int:
    """The number the role's next publication gets: one more than its last published one.

    A role never published starts at its own version (1, or what an imported file said).
    """
    last = role.versions.filter(is_draft=False).aggregate(last=Max("number"))["last"]
    return last + 1 if last else role.version


def publish(role: Role) -> ProfileVersion:
    """Publish the role's draft as its next version, and show it to visitors.

    Refused (``PublicationRefused``) while ``publication_problems`` or missing English
    texts remain, or when the draft is the live version already and visitors see it. A
    role withdrawn from visitors with its draft unchanged is shown again with its version.
    """
    with transaction.atomic():
        role = Role.objects.select_for_update().get(pk=role.pk)
        problems = [*publication_problems(role), *translation_problems(role)]
        if problems:
            raise PublicationRefused(problems)
        live = role.live_version if role.live_version_id else None
        fingerprint = content_fingerprint(role)
        if live is not None and live.fingerprint == fingerprint:
            if role.is_published:
                raise PublicationRefused(
                    [
                        _("Tidak ada perubahan: versi %(number)d sudah tayang.")
                        % {"number": live.number}
                    ]
                )
            version = live
        else:
            version = snapshots.store_version(role, number=next_version_number(role))
            if version.is_draft:
                # HR tried this very content out before: the same snapshot, now published.
                ProfileVersion.objects.filter(pk=version.pk).update(is_draft=False)
                version.is_draft = False
        role.status = Role.Status.PUBLISHED
        role.version = version.number
        role.live_version = version
        role.published_fingerprint = version.fingerprint
        reason = history.stored_reason(history.PUBLISHED, number=version.number)
        with history.change_reason(reason):
            role.save()
    return version


def withdraw(role: Role) -> None:
    """Stop showing the role to visitors; its live version stays for when it is shown again."""
    with history.change_reason(history.stored_reason(history.WITHDRAWN)):
        role.status = Role.Status.DRAFT
        role.save()
