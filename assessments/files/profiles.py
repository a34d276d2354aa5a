"""A role profile with its questionnaire as a JSON file: exported, checked and imported.

The file moves a profile between installations, or lets HR draft one offline. It holds
every content field of the role and its parts (the fields HR edits in the admin), with the
parts referring to each other by key: items name their section and belief by a ``ref``
given in the file, and their trait by its key. Nothing else is in it: no database ids, no
results, no users.

``import_profile`` checks the whole file before it writes anything and reports every
problem it finds with where it is (``items[3] (L04) › kind: ...``), in the words the admin
shows; it then writes the profile in one transaction, so a refused file leaves nothing.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .. import history
from ..models import (
    Belief,
    ComparisonPoint,
    Duty,
    EducationField,
    Item,
    Option,
    Role,
    Section,
    Trait,
)
from ..publishing import PublicationRefused, publish
from .text import is_broken, shown

FORMAT = "careerfit-profile"
FORMAT_VERSION = 1
# The role's parts in the file, with the reference to the role they are saved with.
PARTS = {
    "duties": Duty,
    "traits": Trait,
    "education_fields": EducationField,
    "beliefs": Belief,
    "comparison_points": ComparisonPoint,
    "sections": Section,
}
ITEM_REFERENCES = ("section", "trait", "belief")
MAX_FILE_BYTES = 5 * 1024 * 1024
# Checked on the parsed file before any model is built. A profile is a few hundred objects
# (Kabag Kesra: 58 items, 48 options, 9 traits, 5 sections); a file far beyond that is
# broken or hostile, and is refused at once instead of being validated object by object.
MAX_PARTS = {
    "duties": 100,
    "traits": 50,
    "education_fields": 100,
    "beliefs": 100,
    "comparison_points": 100,
    "sections": 50,
    "items": 500,
}
MAX_OPTIONS = 20
MAX_TEXT_CHARS = 20_000
# Digits of an integer: beyond every field's range, far within what Python and the
# databases handle without trouble.
MAX_DIGITS = 18
# root › items › [n] › options › [n] is as deep as a profile goes.
MAX_DEPTH = 5
# Fields of one object (a role has about 30), and entries of any list.
MAX_KEYS = 100
MAX_LIST_ENTRIES = max(MAX_PARTS.values())
# Problems listed; the rest are counted.
MAX_PROBLEMS = 50


class ProfileFileError(ValueError):
    """The file cannot be imported; ``problems`` lists the reasons, ready to show.

    At most ``MAX_PROBLEMS`` are listed, then how many more there are (``more`` counts
    those a ``Problems`` collector did not even keep).
    """

    def __init__(self, problems: list[str], more: int = 0):
        problems = list(problems)
        rest = max(len(problems) - MAX_PROBLEMS, 0) + more
        if rest:
            problems = problems[:MAX_PROBLEMS] + [
                ngettext("… dan %(count)d masalah lain.", "… dan %(count)d masalah lain.", rest)
                % {"count": rest}
            ]
        self.problems = problems
        super().__init__("\n".join(self.problems))


class Problems:
    """Collects problems: the first ``MAX_PROBLEMS`` in full, the others only counted."""

    def __init__(self):
        self.listed: list[str] = []
        self.more = 0

    def add(self, text: str) -> None:
        if len(self.listed) < MAX_PROBLEMS:
            self.listed.append(text)
        else:
            self.more += 1

    def __bool__(self) -> bool:
        return bool(self.listed)

    def raise_any(self) -> None:
        if self.listed:
            raise ProfileFileError(self.listed, more=self.more)


def content_fields(model: type[models.Model]) -> list[models.Field]:
    """The fields HR edits: not the id, the references, or what the app keeps by itself."""
    return [
        field
        for field in model._meta.concrete_fields
        if field.editable and not field.primary_key and not field.is_relation
    ]


def _values(obj: models.Model) -> dict[str, Any]:
    return {field.name: field.value_from_object(obj) for field in content_fields(type(obj))}


# --- Export -------------------------------------------------------------------------------


def export_profile(role: Role) -> dict[str, Any]:
    """The role and its questionnaire as JSON-ready data (see the module docstring)."""
    beliefs = list(role.beliefs.all())
    sections = list(role.sections.all())
    belief_refs = {belief.pk: f"belief-{number}" for number, belief in enumerate(beliefs, 1)}
    section_refs = {section.pk: f"section-{number}" for number, section in enumerate(sections, 1)}
    items = role.items.select_related("trait").prefetch_related("options")
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "role": _values(role),
        "duties": [_values(duty) for duty in role.duties.all()],
        "traits": [_values(trait) for trait in role.traits.all()],
        "education_fields": [_values(field) for field in role.education_fields.all()],
        "beliefs": [{"ref": belief_refs[belief.pk], **_values(belief)} for belief in beliefs],
        "comparison_points": [_values(point) for point in role.comparison_points.all()],
        "sections": [{"ref": section_refs[section.pk], **_values(section)} for section in sections],
        "items": [
            {
                **_values(item),
                "section": section_refs[item.section_id],
                "trait": item.trait.key if item.trait_id else None,
                "belief": belief_refs.get(item.belief_id),
                "options": [_values(option) for option in item.options.all()],
            }
            for item in items
        ],
    }


def export_profile_json(role: Role) -> str:
    return json.dumps(export_profile(role), ensure_ascii=False, indent=2) + "\n"


def export_filename(role: Role) -> str:
    return f"{role.slug}-v{role.version}.json"


# --- Reading a file -----------------------------------------------------------------------


class _Unacceptable:
    """A number the parser met that no field can take; reported with its place later."""

    def __init__(self, message: str):
        self.message = message

    def __str__(self) -> str:
        return self.message


def _parse_int(text: str) -> int | _Unacceptable:
    if len(text.lstrip("-")) > MAX_DIGITS:
        return _Unacceptable(
            _("angka terlalu panjang (%(digits)d digit; maksimal %(max)d).")
            % {"digits": len(text.lstrip("-")), "max": MAX_DIGITS}
        )
    return int(text)


def _parse_float(text: str) -> float | _Unacceptable:
    value = float(text)
    if not math.isfinite(value) or len(text) > 2 * MAX_DIGITS + 8:
        return _Unacceptable(_("angka terlalu besar atau terlalu panjang."))
    return value


def _parse_constant(name: str) -> _Unacceptable:
    return _Unacceptable(_("“%(name)s” bukan angka yang sah.") % {"name": shown(name)})


def parse_profile_file(content: bytes) -> dict[str, Any]:
    """The JSON object in ``content``, or ``ProfileFileError`` saying why not."""
    if len(content) > MAX_FILE_BYTES:
        raise ProfileFileError(
            [_("Berkas terlalu besar (maksimal %(size)d MB).") % {"size": MAX_FILE_BYTES >> 20}]
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ProfileFileError([_("Berkas bukan teks UTF-8; ekspor ulang profilnya.")]) from None
    try:
        data = json.loads(
            text,
            parse_int=_parse_int,
            parse_float=_parse_float,
            parse_constant=_parse_constant,
        )
    except json.JSONDecodeError as error:
        raise ProfileFileError(
            [
                _("Berkas bukan JSON yang sah: %(error)s (baris %(line)d, kolom %(column)d).")
                % {"error": error.msg, "line": error.lineno, "column": error.colno}
            ]
        ) from None
    except RecursionError:
        raise ProfileFileError([_("Berkas JSON bersarang terlalu dalam.")]) from None
    if not isinstance(data, dict):
        raise ProfileFileError([_("Berkas harus berisi satu objek JSON profil jabatan.")])
    return data


def _count_problems(data: dict[str, Any], problems: Problems) -> None:
    """Lists longer than a profile ever needs, before anything else is looked at."""
    for key, limit in MAX_PARTS.items():
        entries = data.get(key)
        if isinstance(entries, list) and len(entries) > limit:
            problems.add(
                f"{key}: "
                + _("terlalu banyak (%(count)d; maksimal %(max)d).")
                % {"count": len(entries), "max": limit}
            )
    items = data.get("items")
    if isinstance(items, list) and len(items) <= MAX_PARTS["items"]:
        for index, item in enumerate(items):
            options = item.get("options") if isinstance(item, dict) else None
            if isinstance(options, list) and len(options) > MAX_OPTIONS:
                problems.add(
                    f"items[{index}] › options: "
                    + _("terlalu banyak (%(count)d; maksimal %(max)d).")
                    % {"count": len(options), "max": MAX_OPTIONS}
                )


def _text_problem(text: str) -> str | None:
    if len(text) > MAX_TEXT_CHARS:
        return _("teks terlalu panjang (%(length)d karakter; maksimal %(max)d).") % {
            "length": len(text),
            "max": MAX_TEXT_CHARS,
        }
    if "\x00" in text:
        return _("teks berisi karakter NUL.")
    if is_broken(text):
        return _("teks berisi karakter yang bukan Unicode sah (surrogate tunggal).")
    return None


def _value_problems(data: Any, problems: Problems) -> None:
    """Every value no field could take: long, NUL or broken text, unusable numbers, depth.

    Walked without recursion, so a deep file cannot exhaust the stack.
    """
    stack: list[tuple[str, Any, int]] = [("", data, 0)]
    while stack:
        path, value, depth = stack.pop()
        where = path or _("berkas")
        if isinstance(value, dict | list):
            if depth >= MAX_DEPTH:
                problems.add(f"{where}: " + _("bersarang terlalu dalam."))
                continue
            if isinstance(value, list) and len(value) > MAX_LIST_ENTRIES:
                problems.add(
                    f"{where}: "
                    + _("daftar terlalu panjang (%(count)d; maksimal %(max)d).")
                    % {"count": len(value), "max": MAX_LIST_ENTRIES}
                )
                continue
            if isinstance(value, dict) and len(value) > MAX_KEYS:
                problems.add(
                    f"{where}: "
                    + _("terlalu banyak kolom (%(count)d; maksimal %(max)d).")
                    % {"count": len(value), "max": MAX_KEYS}
                )
                continue
            if isinstance(value, list):
                children = [(f"{path}[{index}]", child) for index, child in enumerate(value)]
            else:
                children = []
                for key, child in value.items():
                    name = f"{path} › {shown(key)}" if path else shown(key)
                    if (problem := _text_problem(key)) is not None:
                        problems.add(f"{name}: {problem}")
                        continue
                    children.append((name, child))
            stack.extend((name, child, depth + 1) for name, child in reversed(children))
        elif isinstance(value, str):
            if (problem := _text_problem(value)) is not None:
                problems.add(f"{where}: {problem}")
        elif isinstance(value, _Unacceptable):
            problems.add(f"{where}: {value.message}")


@dataclass
class _Reader:
    """Turns the file's dicts into unsaved model objects, noting every problem on the way."""

    problems: Problems

    def problem(self, where: str, message: str) -> None:
        self.problems.add(f"{where}: {message}")

    def build(
        self, model: type[models.Model], data: Any, where: str, extra: tuple[str, ...] = ()
    ) -> models.Model | None:
        if not isinstance(data, dict):
            self.problem(where, _("harus berupa objek JSON."))
            return None
        fields = {field.name: field for field in content_fields(model)}
        for key in data:
            if key not in fields and key not in extra:
                self.problem(where, _("kolom “%(field)s” tidak dikenal.") % {"field": key})
        obj = model()
        for name, field in fields.items():
            if name not in data:
                if not (field.has_default() or field.blank or field.null):
                    self.problem(where, _("kolom wajib “%(field)s” tidak ada.") % {"field": name})
                continue
            value = data[name]
            if not self.type_ok(field, value):
                self.problem(
                    where,
                    _("kolom “%(field)s” harus berupa %(kind)s.")
                    % {"field": name, "kind": self.kind_name(field)},
                )
                continue
            setattr(obj, field.attname, value)
        return obj

    @staticmethod
    def type_ok(field: models.Field, value: Any) -> bool:
        if value is None:
            return field.null
        if isinstance(field, models.BooleanField):
            return isinstance(value, bool)
        if isinstance(field, models.IntegerField):
            return isinstance(value, int) and not isinstance(value, bool)
        if isinstance(field, models.FloatField):
            return isinstance(value, int | float) and not isinstance(value, bool)
        if isinstance(field, models.CharField | models.TextField):
            return isinstance(value, str)
        return True

    @staticmethod
    def kind_name(field: models.Field) -> str:
        if isinstance(field, models.BooleanField):
            return _("true atau false")
        if isinstance(field, models.IntegerField | models.FloatField):
            return _("angka")
        return _("teks")

    def clean(self, obj: models.Model | None, where: str, exclude: tuple[str, ...]) -> None:
        """Model validation (choices, ranges, lengths, constraints) of the object's own fields."""
        if obj is None:
            return
        try:
            obj.full_clean(exclude=list(exclude), validate_unique=False)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                label = "" if field == "__all__" else f" › {field}"
                for message in messages:
                    self.problem(f"{where}{label}", message)


def _where(section: str, index: int, data: Any, key: str) -> str:
    name = data.get(key) if isinstance(data, dict) else None
    return f"{section}[{index}]" + (f" ({shown(name)})" if isinstance(name, str) and name else "")


def _list(data: dict[str, Any], key: str, reader: _Reader) -> list:
    value = data.get(key)
    if value is None:
        reader.problem(key, _("bagian ini tidak ada."))
        return []
    if not isinstance(value, list):
        reader.problem(key, _("harus berupa daftar (array JSON)."))
        return []
    return value


@dataclass
class _Profile:
    role: Role
    parts: dict[str, list[models.Model]]
    belief_refs: dict[str, Belief]
    section_refs: dict[str, Section]
    # Each item with its options and the keys of what it refers to.
    items: list[tuple[Item, list[Option], dict[str, str | None]]]


def read_profile(data: dict[str, Any]) -> _Profile:
    """Every object of the file, unsaved and checked; ``ProfileFileError`` if any is wrong."""
    reader = _Reader(problems=Problems())
    if data.get("format") != FORMAT:
        raise ProfileFileError(
            [_("Ini bukan berkas profil CareerFit (kolom “format” harus “%s”).") % FORMAT]
        )
    if data.get("format_version") != FORMAT_VERSION:
        raise ProfileFileError(
            [
                _("Versi format berkas %(found)s tidak dikenal; yang didukung: %(supported)d.")
                % {"found": data.get("format_version"), "supported": FORMAT_VERSION}
            ]
        )
    # Sizes first, then every value, and only then the models: a huge or hostile file is
    # refused in milliseconds, before it costs a model validation per entry.
    problems = Problems()
    _count_problems(data, problems)
    problems.raise_any()
    _value_problems(data, problems)
    problems.raise_any()
    known = {"format", "format_version", "role", "items", *PARTS}
    for key in data:
        if key not in known:
            reader.problem(key, _("bagian ini tidak dikenal."))

    role = reader.build(Role, data.get("role"), "role")
    reader.clean(role, "role", exclude=())

    parts: dict[str, list[models.Model]] = {}
    refs: dict[str, dict[str, Any]] = {"beliefs": {}, "sections": {}}
    for key, model in PARTS.items():
        parts[key] = []
        has_ref = key in refs
        natural = {"traits": "key", "education_fields": "code"}.get(key, "ref")
        seen: set = set()
        for index, entry in enumerate(_list(data, key, reader)):
            where = _where(key, index, entry, natural)
            obj = reader.build(model, entry, where, extra=("ref",) if has_ref else ())
            reader.clean(obj, where, exclude=("role",))
            if obj is None:
                continue
            parts[key].append(obj)
            name = entry.get(natural)
            if natural in ("key", "code") or has_ref:
                if not isinstance(name, str) or not name:
                    reader.problem(where, _("kolom “%(field)s” wajib diisi.") % {"field": natural})
                elif name in seen:
                    reader.problem(
                        where, _("“%(name)s” dipakai lebih dari sekali.") % {"name": shown(name)}
                    )
                else:
                    seen.add(name)
                    if has_ref:
                        refs[key][name] = obj

    trait_keys = {trait.key for trait in parts["traits"]}
    items = []
    codes: set[str] = set()
    for index, entry in enumerate(_list(data, "items", reader)):
        where = _where("items", index, entry, "code")
        item = reader.build(Item, entry, where, extra=(*ITEM_REFERENCES, "options"))
        reader.clean(item, where, exclude=("role", *ITEM_REFERENCES))
        if item is None:
            continue
        if item.code in codes:
            reader.problem(
                where,
                _("kode butir “%(code)s” dipakai lebih dari sekali.") % {"code": shown(item.code)},
            )
        codes.add(item.code)
        references = {name: entry.get(name) for name in ITEM_REFERENCES}
        for name, value in references.items():
            if value is not None and not isinstance(value, str):
                reader.problem(where, _("kolom “%(field)s” harus berupa teks.") % {"field": name})
                references[name] = None
        if references["section"] not in refs["sections"]:
            reader.problem(
                where,
                _("bagian “%(ref)s” tidak ada di daftar sections.")
                % {"ref": shown(str(references["section"]))},
            )
        if references["trait"] is not None and references["trait"] not in trait_keys:
            reader.problem(
                where,
                _("sifat “%(key)s” tidak ada di daftar traits.")
                % {"key": shown(references["trait"])},
            )
        if references["belief"] is not None and references["belief"] not in refs["beliefs"]:
            reader.problem(
                where,
                _("anggapan “%(ref)s” tidak ada di daftar beliefs.")
                % {"ref": shown(references["belief"])},
            )
        options = []
        option_codes: set[str] = set()
        raw_options = entry.get("options", [])
        if not isinstance(raw_options, list):
            reader.problem(f"{where} › options", _("harus berupa daftar (array JSON)."))
            raw_options = []
        for number, option_entry in enumerate(raw_options):
            option_where = f"{where} › " + _where("options", number, option_entry, "code")
            option = reader.build(Option, option_entry, option_where)
            reader.clean(option, option_where, exclude=("item",))
            if option is None:
                continue
            if option.code in option_codes:
                reader.problem(
                    option_where,
                    _("kode pilihan “%(code)s” dipakai lebih dari sekali.")
                    % {"code": shown(option.code)},
                )
            option_codes.add(option.code)
            options.append(option)
        items.append((item, options, references))

    reader.problems.raise_any()
    return _Profile(
        role=role,
        parts=parts,
        belief_refs=refs["beliefs"],
        section_refs=refs["sections"],
        items=items,
    )


# --- Import -------------------------------------------------------------------------------


def import_profile(
    data: dict[str, Any], *, as_draft: bool = False, replace: bool = False, slug: str = ""
) -> Role:
    """Save the profile of ``data`` and return its role.

    ``slug`` imports it under another slug. A role with the same slug is an error, unless
    ``replace``: then that role keeps its id, its results, its status and its versions, and
    the file's content becomes its draft, which HR publishes as its next version (visitors
    see no change until then). ``as_draft`` saves a new role as a draft whatever the file
    says; a new role saved as published is published at once (its first version), after the
    same checks as publishing in the admin.
    """
    profile = read_profile(data)
    role = profile.role
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
        from ..drafts import write_rows

        with reason:
            write_rows(existing, data)
        return existing
    try:
        with transaction.atomic(), reason:
            publish_now = role.is_published
            role.status = Role.Status.DRAFT
            role.save()
            _save_parts(role, profile)
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
    return role


def _save_parts(role: Role, profile: _Profile) -> None:
    for objects in profile.parts.values():
        for obj in objects:
            obj.role = role
            obj.save()
    traits = {trait.key: trait for trait in profile.parts["traits"]}
    for item, options, references in profile.items:
        item.role = role
        item.section = profile.section_refs[references["section"]]
        item.trait = traits.get(references["trait"]) if references["trait"] else None
        item.belief = (
            profile.belief_refs.get(references["belief"]) if references["belief"] else None
        )
        item.save()
        for option in options:
            option.item = item
            option.save()
