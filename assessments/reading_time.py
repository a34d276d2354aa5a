"""How long a visit takes: reading-time estimates from a snapshot's texts."""

from __future__ import annotations

import math
from typing import Any

from . import scoring
from .snapshots import ItemDict, Snapshot, items_before, tr

# A usual silent-reading rate for plain prose, and the time to decide and tap an answer once
# the question is read. Estimates only: shown rounded up to whole minutes.
WORDS_PER_MINUTE = 200
SECONDS_PER_ANSWER = 4


def word_count(*texts: str) -> int:
    return sum(len(text.split()) for text in texts if text)


def _reading_seconds(words: int) -> float:
    return 60 * words / WORDS_PER_MINUTE


def item_seconds(item: ItemDict, education_fields: list[dict[str, Any]]) -> float:
    """Reading one question (and its own options, where they are texts) and answering it."""
    words = word_count(tr(item, "text"))
    words += word_count(*(tr(option, "text") for option in item["options"]))
    if item["kind"] == scoring.BACKGROUND:
        words += word_count(*(tr(field, "name") for field in education_fields))
    return _reading_seconds(words) + SECONDS_PER_ANSWER


def questionnaire_seconds(snapshot: Snapshot, *, from_section: int = 1) -> float:
    """The time the core questions of section ``from_section`` and every later one take.

    Reserve items are left out: only a second stage asks them, of the few who need it.
    """
    by_code = {item["code"]: item for item in snapshot["items"]}
    return sum(
        item_seconds(by_code[code], snapshot["education_fields"])
        for section in snapshot["sections"][from_section - 1 :]
        for code in section["items"]
        if not by_code[code].get("reserve")
    )


def preview_seconds(snapshot: Snapshot) -> float:
    """Reading every text of the role preview, folded parts included."""
    similar = snapshot["similar_role"]
    texts = [tr(snapshot, "summary"), tr(snapshot, "entry_path"), tr(similar, "summary")]
    texts += [tr(duty, "text") for duty in snapshot["duties"]]
    for trait in snapshot["traits"]:
        texts += [tr(trait, "name"), tr(trait, "description"), tr(trait, "knockout_reason")]
    for belief in snapshot["beliefs"]:
        texts += [tr(belief, "belief"), tr(belief, "correction")]
    for point in snapshot["comparison"]:
        texts += [tr(point, "aspect"), tr(point, "this_role"), tr(point, "other_role")]
    return _reading_seconds(word_count(*texts))


def minutes(seconds: float) -> int:
    """Whole minutes, rounded up: an estimate that errs on the long side."""
    return max(1, math.ceil(seconds / 60))


def section_progress(snapshot: Snapshot, number: int) -> dict[str, int]:
    """Where section ``number`` stands: its first and last question, of how many, and the
    minutes the questions from here to the end take."""
    before = items_before(snapshot, number)
    return {
        "first": before + 1,
        "last": before + len(snapshot["sections"][number - 1]["items"]),
        "done": before,
        "total": len(snapshot["items"]),
        "minutes_left": minutes(questionnaire_seconds(snapshot, from_section=number)),
    }
