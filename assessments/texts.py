"""Plain-text helpers for showing profile texts briefly: a lead, and each text only once.

Pure functions on strings; the profile's texts are written by HR and may change at any time,
so these look for sentence boundaries and shared endings rather than known words.
"""

from __future__ import annotations

import os
import re

# A sentence ends with . ! or ? (perhaps inside a closing quote or bracket) followed by
# white space and a capital letter, digit or opening quote: "kota. Bagian ini ...".
SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’)]))\s+(?=[A-Z0-9“\"(])")
# A shared ending shorter than this is a coincidence of wording, not a repeated text.
MIN_SHARED_WORDS = 8


def sentences(text: str) -> list[str]:
    return [part.strip() for part in SENTENCE_END.split(text.strip()) if part.strip()]


def lead_and_rest(text: str, *, max_words: int = 30) -> tuple[str, str]:
    """The first sentences of ``text`` up to about ``max_words`` words, and the rest.

    At least one sentence is the lead, however long it is.
    """
    parts = _sentence_spans(text)
    if not parts:
        return "", ""
    end = parts[0][1]
    words = len(text[:end].split())
    for start, stop in parts[1:]:
        words += len(text[start:stop].split())
        if words > max_words:
            break
        end = stop
    return text[:end].strip(), text[end:].strip()


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    start = 0
    for match in SENTENCE_END.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


def without_repeats(texts: list[str]) -> list[str]:
    """Each of ``texts`` without the sentences an earlier one already said, so that texts
    read one after another (the reasons of several traits) never say a sentence twice.

    A text whose every sentence was said before is kept whole: nothing is left unexplained.
    """
    said: set[str] = set()
    shown = []
    for text in texts:
        parts = sentences(text)
        new = [part for part in parts if part not in said]
        shown.append(" ".join(new) if new else text)
        said.update(parts)
    return shown


def shared_ending(texts: list[str]) -> tuple[str, list[str]]:
    """The whole sentences that every one of ``texts`` (two or more) ends with, and each text
    without them: so a quotation repeated under each of several items can be shown once.

    ("", texts) when they share no ending of at least ``MIN_SHARED_WORDS`` words.
    """
    if len(texts) < 2:
        return "", list(texts)
    common = _common_suffix([text.rstrip() for text in texts])
    # Keep whole sentences only: the shared part must start a sentence in every text.
    for start, _stop in _sentence_spans(common):
        candidate = common[start:].lstrip()
        if all(_starts_a_sentence(text.rstrip(), candidate) for text in texts):
            if len(candidate.split()) >= MIN_SHARED_WORDS:
                return candidate.strip(), [
                    text.rstrip()[: -len(candidate)].strip() for text in texts
                ]
            break
    return "", list(texts)


def _common_suffix(texts: list[str]) -> str:
    # The common prefix of the reversed texts: that of the smallest and largest of them.
    return os.path.commonprefix([text[::-1] for text in texts])[::-1]


def _starts_a_sentence(text: str, ending: str) -> bool:
    before = text[: len(text) - len(ending)]
    return not before.strip() or bool(re.search(r"[.!?][\"”’)]?\s+$", before))
