"""The profile file: a role's profile document (what a version stores) as a JSON file.

Export writes the document of the role's rows as they are saved (``snapshots``' format,
with ``"format": "careerfit-profile"``); the file moves a profile between installations, or
lets HR draft one offline. Nothing else is in it: no database ids but the beliefs' keys, no
results, no users.

Reading is separate from saving: ``parse_profile_file`` turns bytes into a document,
``read_profile`` checks the whole document and turns it into unsaved rows, reporting every
problem with where it is (``items[3] (L04) › kind: ...``) in the words the admin shows.
Saving those rows (a new role, or a role's draft) is ``drafts``' job.

A document lists rows in order and refers by key; the reader first spells it as rows with
references (``_row_values``: orders, section and belief refs), then builds and checks each
model object, taking every content field the model has by name, so a field added to a
model and to the document needs nothing here. Files of the first format (rows with refs,
``"format_version": 1``) are still read.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
from ..snapshots import SNAPSHOT_SCHEMA, build_snapshot
from .text import is_broken, shown

FORMAT = "careerfit-profile"
# The first format: rows with refs, every content field by name (read, no longer written).
ROWS_FORMAT_VERSION = 1
# The role's parts in the file, with the reference to the role they are saved with.
PARTS = {
    "duties": Duty,
    "traits": Trait,
    "education_fields": EducationField,
    "beliefs": Belief,
    "comparison_points": ComparisonPoint,
    "sections": Section,
}
# The document's name for each part, where it differs.
DOCUMENT_PARTS = {**{name: name for name in PARTS}, "comparison_points": "comparison"}
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
    "comparison": 100,
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


def field_values(obj: models.Model) -> dict[str, Any]:
    """The content fields of a row, by name."""
    return {field.name: field.value_from_object(obj) for field in content_fields(type(obj))}


# --- Export -------------------------------------------------------------------------------


def export_profile(role: Role) -> dict[str, Any]:
    """The profile file's content: the role's profile document as its rows are saved now."""
    return {"format": FORMAT, **build_snapshot(role)}


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
        self.problems.add(f"{where}: {message}" if where else message)

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
                place = where if field == "__all__" else " › ".join(filter(None, [where, field]))
                for message in messages:
                    self.problem(place, message)


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
class ProfileRowsToSave:
    """A profile document read into unsaved rows, checked, with what refers to what."""

    role: Role
    parts: dict[str, list[models.Model]]
    belief_refs: dict[str, Belief]
    section_refs: dict[str, Section]
    # Each item with its options and the keys of what it refers to.
    items: list[tuple[Item, list[Option], dict[str, str | None]]]


# --- From the document to rows with references ----------------------------------------------


def _numbered(entries: Any, convert) -> Any:
    """Each object of a list converted with its place (1-based); anything else as it is,
    for the reader to report."""
    if not isinstance(entries, list):
        return entries
    return [
        convert(entry, number) if isinstance(entry, dict) else entry
        for number, entry in enumerate(entries, 1)
    ]


def _without(entry: dict[str, Any], *names: str) -> dict[str, Any]:
    return {key: value for key, value in entry.items() if key not in names}


def _role_values(profile_doc: dict[str, Any], reader: _Reader) -> dict[str, Any]:
    """The role's fields: the document's top-level values and its similar role's."""
    values = {}
    for key, value in profile_doc.items():
        # "bank": which item bank a role's version was taken from (where its questionnaire
        # came from, not content of its own).
        if key in ("format", "schema", "items", "bank", *DOCUMENT_PARTS.values()):
            continue
        if key != "similar_role":
            values[key] = value
        elif not isinstance(value, dict):
            reader.problem("similar_role", _("harus berupa objek JSON."))
        else:
            for name, similar in value.items():
                if name == "direct_service_threshold":
                    continue  # the first edition's percentage: the share below replaced it
                if name != "direct_service_share_needed":
                    values[f"similar_role_{name}"] = similar
                elif (
                    isinstance(similar, list)
                    and len(similar) == 2
                    and all(isinstance(number, int) for number in similar)
                ):
                    numerator, denominator = similar
                    values["direct_service_share_numerator"] = numerator
                    values["direct_service_share_denominator"] = denominator
                else:
                    reader.problem(
                        "similar_role › direct_service_share_needed",
                        _("harus berupa dua angka [pembilang, penyebut]."),
                    )
    return values


def _row_values(profile_doc: dict[str, Any], reader: _Reader) -> dict[str, Any]:
    """The document spelled as rows: each with its order, items with their section's ref."""
    section_of: dict[str, tuple[str, int]] = {}

    def section(entry, number):
        ref = f"section-{number}"
        codes = entry.get("items")
        if not isinstance(codes, list):
            reader.problem(f"sections[{number - 1}] › items", _("harus berupa daftar kode butir."))
            codes = []
        for position, code in enumerate(codes, 1):
            if not isinstance(code, str) or code in section_of:
                reader.problem(
                    f"sections[{number - 1}] › items",
                    _("“%(code)s” bukan kode butir, atau tercantum lebih dari sekali.")
                    % {"code": shown(str(code))},
                )
            else:
                section_of[code] = (ref, position)
        return {**_without(entry, "items"), "ref": ref, "order": number}

    sections = _numbered(profile_doc.get("sections"), section)

    def item(entry, number):
        code = entry.get("code")
        ref, order = section_of.pop(code, (None, number)) if isinstance(code, str) else (None, 0)
        keyed = entry.get("keyed_answer", "")
        return {
            **_without(entry, "options"),
            "keyed_answer": "" if keyed is None else keyed,
            "section": ref,
            "order": order,
            "options": _numbered(
                entry.get("options", []), lambda option, n: {**option, "order": n}
            ),
        }

    items = _numbered(profile_doc.get("items"), item)
    for code in section_of:
        reader.problem(
            "sections", _("butir “%(code)s” tidak ada di items.") % {"code": shown(code)}
        )
    ordered = lambda entry, number: {**entry, "order": number}  # noqa: E731
    return {
        "role": _role_values(profile_doc, reader),
        "duties": _numbered(profile_doc.get("duties"), ordered),
        "traits": _numbered(
            profile_doc.get("traits"),
            lambda trait, n: {**_without(trait, "asn_competency_label"), "order": n},
        ),
        "education_fields": _numbered(profile_doc.get("education_fields"), ordered),
        "beliefs": _numbered(
            profile_doc.get("beliefs"),
            lambda belief, n: {**_without(belief, "key"), "ref": belief.get("key"), "order": n},
        ),
        "comparison_points": _numbered(profile_doc.get("comparison"), ordered),
        "sections": sections,
        "items": items,
    }


# --- Reading ----------------------------------------------------------------------------------


def _check_header(profile_doc: dict[str, Any]) -> None:
    if profile_doc.get("format") != FORMAT:
        raise ProfileFileError(
            [_("Ini bukan berkas profil CareerFit (kolom “format” harus “%s”).") % FORMAT]
        )
    if profile_doc.get("format_version") == ROWS_FORMAT_VERSION and "schema" not in profile_doc:
        return
    if profile_doc.get("schema") != SNAPSHOT_SCHEMA:
        raise ProfileFileError(
            [
                _("Versi format berkas %(found)s tidak dikenal; yang didukung: %(supported)d.")
                % {"found": profile_doc.get("schema"), "supported": SNAPSHOT_SCHEMA}
            ]
        )


def without_other_roles_items(profile_doc: dict[str, Any]) -> dict[str, Any]:
    """A document of a role of an item bank, read as a role of its own: without the items of
    the bank's traits the role does not weigh (asked only for the bank's other roles), and
    without a section left empty by that."""
    if not isinstance(profile_doc.get("items"), list) or not isinstance(
        profile_doc.get("traits"), list
    ):
        return profile_doc
    weighed = {trait.get("key") for trait in profile_doc["traits"] if isinstance(trait, dict)}
    dropped = {
        item.get("code")
        for item in profile_doc["items"]
        if isinstance(item, dict) and item.get("trait") not in (None, *weighed)
    }
    if not dropped:
        return profile_doc
    sections = []
    for section in profile_doc.get("sections") or []:
        if isinstance(section, dict) and isinstance(section.get("items"), list):
            section = {**section, "items": [c for c in section["items"] if c not in dropped]}
            if not section["items"]:
                continue
        sections.append(section)
    items = [
        item
        for item in profile_doc["items"]
        if not (isinstance(item, dict) and item.get("code") in dropped)
    ]
    return {**profile_doc, "items": items, "sections": sections}


def read_profile(
    profile_doc: dict[str, Any],
    *,
    current: Role | None = None,
    stored: bool = False,
    bank_traits: frozenset[str] = frozenset(),
) -> ProfileRowsToSave:
    """Every row of the document, unsaved and checked; ``ProfileFileError`` if any is wrong.

    ``current``: the role the rows are for, whose values stand for role fields the document
    leaves out. ``stored``: a version's stored document (any schema), not a file.
    ``bank_traits``: the trait keys of the bank the rows go into, which items may measure
    though the role weighs them not (they are asked for the bank's other roles).
    """
    if not stored:
        _check_header(profile_doc)
    if "bank" in profile_doc and not (current is not None and current.bank_id):
        profile_doc = without_other_roles_items(profile_doc)
    # Sizes first, then every value, and only then the models: a huge or hostile file is
    # refused in milliseconds, before it costs a model validation per entry.
    problems = Problems()
    _count_problems(profile_doc, problems)
    problems.raise_any()
    _value_problems(profile_doc, problems)
    problems.raise_any()
    reader = _Reader(problems=Problems())
    if "schema" in profile_doc or stored:
        data = _row_values(profile_doc, reader)
        data["role"] = {**(field_values(current) if current else {}), **data["role"]}
        return _rows(data, reader, role_where="", bank_traits=bank_traits)
    known = {"format", "format_version", "role", "items", *PARTS}
    for key in profile_doc:
        if key not in known:
            reader.problem(key, _("bagian ini tidak dikenal."))
    return _rows(profile_doc, reader, role_where="role", bank_traits=bank_traits)


def _rows(
    data: dict[str, Any],
    reader: _Reader,
    role_where: str,
    bank_traits: frozenset[str] = frozenset(),
) -> ProfileRowsToSave:
    """The objects of the document spelled as rows with references, built and checked."""
    role = reader.build(Role, data.get("role"), role_where)
    reader.clean(role, role_where, exclude=())
    parts, refs = _read_parts(data, reader)
    trait_keys = {trait.key for trait in parts["traits"]} | bank_traits
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
        references = _item_references(entry, where, reader, refs, trait_keys)
        items.append((item, _read_options(entry, where, reader), references))
    reader.problems.raise_any()
    return ProfileRowsToSave(
        role=role,
        parts=parts,
        belief_refs=refs["beliefs"],
        section_refs=refs["sections"],
        items=items,
    )


def _read_parts(data: dict[str, Any], reader: _Reader):
    """The role's parts, each checked, and the beliefs and sections by their refs."""
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
    return parts, refs


def _item_references(entry, where, reader, refs, trait_keys) -> dict[str, str | None]:
    """What an item refers to (its section, trait and belief), each checked."""
    references = {name: entry.get(name) for name in ITEM_REFERENCES}
    for name, value in references.items():
        if value is not None and not isinstance(value, str):
            reader.problem(where, _("kolom “%(field)s” harus berupa teks.") % {"field": name})
            references[name] = None
    if references["section"] is None:
        reader.problem(where, _("butir ini tidak ada di bagian kuesioner mana pun."))
    elif references["section"] not in refs["sections"]:
        reader.problem(
            where,
            _("bagian “%(ref)s” tidak ada di daftar sections.")
            % {"ref": shown(references["section"])},
        )
    if references["trait"] is not None and references["trait"] not in trait_keys:
        reader.problem(
            where,
            _("sifat “%(key)s” tidak ada di daftar traits.") % {"key": shown(references["trait"])},
        )
    if references["belief"] is not None and references["belief"] not in refs["beliefs"]:
        reader.problem(
            where,
            _("anggapan “%(ref)s” tidak ada di daftar beliefs.")
            % {"ref": shown(references["belief"])},
        )
    return references


def _read_options(entry, where, reader) -> list[Option]:
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
    return options
