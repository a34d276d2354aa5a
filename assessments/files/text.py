"""Text from a file someone else wrote: what no field may hold, and how to show it safely."""

import re

# Python strings can hold these, but UTF-8 (every database, every output file) cannot.
SURROGATE = re.compile("[\ud800-\udfff]")


def is_broken(text: str) -> bool:
    """Whether ``text`` holds NUL (which PostgreSQL refuses) or a lone surrogate."""
    return "\x00" in text or SURROGATE.search(text) is not None


def shown(text: str, limit: int = 60) -> str:
    """``text`` as it may be put in a message: cut short, and with lone surrogates, NUL and
    other control characters (a terminal's escape sequences) written as escapes."""
    cut = text[:limit] + ("…" if len(text) > limit else "")
    escaped = cut.encode("utf-8", "backslashreplace").decode("utf-8")
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in escaped)
