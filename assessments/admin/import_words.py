"""A profile file's problems in the words of the admin's pages, for HR.

``files.profiles`` names where a problem is the way the file does (``traits[0] (empati) ›
required_level``), which is exact for whoever edits the JSON. HR fixing an export reads
the same place as the admin shows it: "Sifat ke-1 (empati) › level yang dibutuhkan". The
JSON parser's own English is put into words too. Only the wording changes: every problem
is still listed, with its place.
"""

from __future__ import annotations

import re

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy

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

PARTS = {
    "duties": (Duty, gettext_lazy("Tugas ke-%(number)d")),
    "traits": (Trait, gettext_lazy("Sifat ke-%(number)d")),
    "education_fields": (EducationField, gettext_lazy("Bidang pendidikan ke-%(number)d")),
    "beliefs": (Belief, gettext_lazy("Anggapan ke-%(number)d")),
    "comparison": (ComparisonPoint, gettext_lazy("Poin perbandingan ke-%(number)d")),
    "comparison_points": (ComparisonPoint, gettext_lazy("Poin perbandingan ke-%(number)d")),
    "sections": (Section, gettext_lazy("Bagian ke-%(number)d")),
    "items": (Item, gettext_lazy("Butir ke-%(number)d")),
    "options": (Option, gettext_lazy("pilihan ke-%(number)d")),
}
PART = re.compile(r"\b(" + "|".join(PARTS) + r")\[(\d+)\]")
# What Python's JSON parser says, and what it means for someone editing the file.
JSON_WORDS = {
    "Unterminated string starting at": gettext_lazy("teks tanpa tanda kutip penutup"),
    "Expecting ',' delimiter": gettext_lazy("kurang tanda koma di antara dua nilai"),
    "Expecting ':' delimiter": gettext_lazy("kurang tanda titik dua setelah nama kolom"),
    "Expecting property name enclosed in double quotes": gettext_lazy(
        "nama kolom harus diapit tanda kutip ganda (ada koma berlebih sebelum tanda tutup?)"
    ),
    "Expecting value": gettext_lazy("nilai tidak ada atau tidak sah"),
    "Extra data": gettext_lazy("ada isi lagi setelah akhir profil"),
    "Invalid control character at": gettext_lazy(
        "ada karakter kendali (misalnya tab) di dalam teks"
    ),
    "Invalid \\escape": gettext_lazy("garis miring terbalik yang tidak sah di dalam teks"),
}


def readable(problem: str) -> str:
    """``problem`` with its place named as the admin names it."""
    for english, words in JSON_WORDS.items():
        if english in problem:
            problem = re.sub(
                re.escape(english) + r"(: line \d+ column \d+ \(char \d+\))?", str(words), problem
            )
    model = Role
    parts = []
    position = 0
    for match in PART.finditer(problem):
        parts.append(problem[position : match.start()])
        section, index = match.group(1), int(match.group(2))
        model, label = PARTS[section]
        parts.append(str(label) % {"number": index + 1})
        position = match.end()
    parts.append(problem[position:])
    text = "".join(parts)
    # The field named last, before the message: the model's own name for it.
    head, colon, message = text.partition(": ")
    if not colon:
        return text
    *path, last = head.split(" › ")
    try:
        field = model._meta.get_field(last.strip())
    except FieldDoesNotExist:  # a part or a file-level place: left as it is
        return text
    return " › ".join([*path, str(field.verbose_name)]) + colon + message


def readable_problems(problems: list[str]) -> list[str]:
    return [readable(problem) for problem in problems]
