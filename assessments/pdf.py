"""The result as a PDF file, made by the server with WeasyPrint: every folded part open,
both evidence parts of every trait, the comparison; nothing fetched from anywhere.

WeasyPrint needs Pango (and HarfBuzz, fontconfig) from the system: Debian's libpango-1.0-0
and libpangoft2-1.0-0, which ``.ci/run`` installs when they are missing.

Rendering a result takes 1.4-2.5 s of CPU (against 0.03 s for its page), so a file once
made is kept in the cache (per assessment, save and language) and a visitor's address may
have only so many made in a while (``settings.RATE_PDF``); a page too large to be a result
is refused.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

STYLESHEET = "css/result-pdf.css"
# A result page is about 100 000 characters; ten times that is not a result but a fault
# (or an attack through HR-edited texts), and would take a worker for a long time.
MAX_HTML_CHARS = 1_000_000
# Kept a day: long enough for the repeated downloads of one visit, short next to retention.
CACHE_SECONDS = 24 * 60 * 60


class TooLarge(Exception):
    """The page to render is larger than any result should be."""


class Unavailable(Exception):
    """WeasyPrint cannot run here: it, or a system library it needs (Pango), is missing."""


def refuse_fetching(url: str, *args, **kwargs):
    """WeasyPrint's URL fetcher: the PDF is made from the page alone, never from a URL that
    a text in the page could name (a file of the server, an address on its network)."""
    raise ValueError(f"not fetched: {url[:80]}")


def cache_key(assessment_pk: int, *, read_only: bool, language: str | None = None) -> str:
    # A completed result never changes (the stored result is the record), so the file of
    # one assessment, language and reader is the same for as long as it is kept.
    kind = "shared" if read_only else "own"
    return f"result-pdf:{assessment_pk}:{language or get_language()}:{kind}"


@receiver(post_delete, sender="assessments.Assessment")
def forget(sender, instance, **kwargs):
    """A deleted result's files go with it, whoever deleted it (visitor, HR, retention)."""
    cache.delete_many(
        [
            cache_key(instance.pk, read_only=read_only, language=code)
            for code, _name in settings.LANGUAGES
            for read_only in (False, True)
        ]
    )


def cached(assessment, *, read_only: bool) -> bytes | None:
    return cache.get(cache_key(assessment.pk, read_only=read_only))


def render(request, assessment, context: dict, *, read_only: bool) -> bytes:
    """The PDF of the result page's content as given by ``context`` (and keep it)."""
    try:
        from weasyprint import CSS, HTML
    except (OSError, ImportError) as error:  # It loads Pango when it is imported.
        raise Unavailable(str(error)) from error

    html = render_to_string("assessments/result_pdf.html", context, request=request)
    if len(html) > MAX_HTML_CHARS:
        raise TooLarge(f"{len(html)} characters")
    started = time.monotonic()
    document = HTML(
        string=html, base_url=request.build_absolute_uri("/"), url_fetcher=refuse_fetching
    )
    pdf = document.write_pdf(stylesheets=[CSS(filename=finders.find(STYLESHEET))])
    seconds = time.monotonic() - started
    if seconds > 5:
        logger.warning("A result PDF took %.1f s to make (%d bytes)", seconds, len(pdf))
    cache.set(cache_key(assessment.pk, read_only=read_only), pdf, CACHE_SECONDS)
    return pdf


def filename(assessment) -> str:
    date = assessment.completed_at.date().isoformat() if assessment.completed_at else "hasil"
    return f"careerfit-hasil-{date}.pdf"


def rate() -> str:
    return settings.RATE_PDF
