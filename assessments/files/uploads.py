"""A paper upload kept between its scoring page and its downloads: a private temporary file.

A file of paper answers may hold a respondent column with a name or an NIK, and every
answer. It is kept out of the session (which the database keeps for weeks) and out of the
cache: it is written to a file of its own, readable by the app's user only, and the session
holds just that file's random name. The file is removed

- when HR stores the results (they are then the record),
- when HR uploads another file,
- at the latest ``KEEP_SECONDS`` after the upload: a download after that asks for the file
  again, and every visit to a paper page and the daily ``purge_expired`` delete what is older.

The folder is ``CAREERFIT_PAPER_UPLOAD_DIR`` when set, else ``careerfit-paper-uploads`` in the
system's temporary folder.
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
import time
from pathlib import Path

from django.conf import settings

KEEP_SECONDS = 3600
NAME = re.compile(r"^[A-Za-z0-9_-]{24}$")
SUFFIX = ".upload"


def upload_dir() -> Path:
    configured = getattr(settings, "CAREERFIT_PAPER_UPLOAD_DIR", "")
    folder = Path(configured or Path(tempfile.gettempdir()) / "careerfit-paper-uploads")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _path(name: str) -> Path | None:
    if not isinstance(name, str) or not NAME.match(name):
        return None
    return upload_dir() / f"{name}{SUFFIX}"


def keep(text: str) -> str:
    """Write ``text`` to a new private file; its name (for the session)."""
    purge_stale()
    name = secrets.token_urlsafe(18)
    path = upload_dir() / f"{name}{SUFFIX}"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text)
    return name


def read(name: str) -> str | None:
    """The text kept under ``name``; None when it is gone or past its time (then removed)."""
    path = _path(name)
    if path is None:
        return None
    try:
        if time.time() - path.stat().st_mtime > KEEP_SECONDS:
            path.unlink(missing_ok=True)
            return None
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


def remove(name: str) -> None:
    path = _path(name)
    if path is not None:
        path.unlink(missing_ok=True)


def purge_stale(*, now: float | None = None) -> int:
    """Delete every kept upload older than ``KEEP_SECONDS``; how many were deleted."""
    now = time.time() if now is None else now
    removed = 0
    for path in upload_dir().glob(f"*{SUFFIX}"):
        try:
            if now - path.stat().st_mtime > KEEP_SECONDS:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue
    return removed
