"""Rendered pages and questions kept in Django's cache, so that each is rendered once.

What is kept never goes stale, because every key names what the HTML was made from:

- the rendering: a fingerprint of the templates, the translation catalogs, the collected
  static files' manifest and this app's code, so a deploy that changes any of them starts
  afresh (``rendering_fingerprint``);
- the content: a profile version id (versions never change) or a completed assessment
  (kept with the moment it was last saved, and used only for that one), and the language.

Nothing that belongs to one visitor is kept across visitors: a page is rendered with
markers (``Slot``) where the CSRF token and the private link go, and the real values are put
in for each request; pages for signed-in staff, pages with messages to show, and requests
with a query string are rendered as usual and not kept.

The cache is the ``pages`` alias (see settings: this process's memory, or Redis with
REDIS_URL): kept apart from the default cache, whose rate-limit counters must not be
evicted by pages.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field
from crispy_forms.utils import TEMPLATE_PACK
from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template import Context, engines
from django.utils.html import escape
from django.utils.translation import get_language

from .models import Assessment

PAGE_CACHE = "pages"
APP_DIR = Path(__file__).resolve().parent


def pages():
    return caches[PAGE_CACHE]


@lru_cache(maxsize=1)
def rendering_fingerprint() -> str:
    """A short hash of everything besides the content that decides a page's HTML."""
    import crispy_bootstrap5
    import crispy_forms
    import django

    digest = hashlib.sha256(
        f"{django.__version__} {crispy_forms.__version__} {crispy_bootstrap5.__version__}".encode()
    )
    files = [
        *sorted((settings.BASE_DIR / "templates").rglob("*.html")),
        *sorted((settings.BASE_DIR / "locale").rglob("*.mo")),
        *sorted(APP_DIR.rglob("*.py")),
        Path(settings.STATIC_ROOT) / "staticfiles.json",
    ]
    for path in files:
        try:
            content = path.read_bytes()
        except OSError:
            continue
        digest.update(str(path).encode())
        digest.update(hashlib.sha256(content).digest())
    return digest.hexdigest()[:16]


def _short_hash(text: str) -> str:
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()[:12]


# --- Whole pages with per-request slots ---------------------------------------------------


class Slot(str):
    """A marker rendered where a per-request value goes, swapped for it on every request.

    Plain letters and digits: autoescaping leaves it as it is, in text and in attributes.
    """

    def __new__(cls, name: str):
        return super().__new__(cls, f"cfslot{name}x7q2")


CSRF_SLOT = Slot("csrftoken")


def preview_key(request, version_id: int) -> str:
    """A published role's preview: one per version, language and path (the slug is in it)."""
    return (
        f"page:{rendering_fingerprint()}:preview:{version_id}:{get_language()}:"
        f"{_short_hash(request.path)}"
    )


def result_key(assessment: Assessment, language: str | None = None) -> str:
    """A completed assessment's result page, per language (see ``result_version``)."""
    return f"page:{rendering_fingerprint()}:result:{assessment.pk}:{language or get_language()}"


def result_version(assessment: Assessment) -> str:
    """When the assessment was last saved: a kept page of an earlier save is not used."""
    return assessment.updated_at.isoformat() if assessment.updated_at else ""


def is_cacheable(request) -> bool:
    """Whether the page of this request is the same for every visitor of its URL."""
    return (
        request.method in {"GET", "HEAD"}
        and not request.GET
        and not request.user.is_authenticated
        and not len(messages.get_messages(request))
    )


def _render_with_slots(request, template_name: str, context: dict[str, Any]) -> str:
    """The page as ``render`` would make it, but with the CSRF token left as a slot.

    The configured context processors run as usual; their per-visitor values (CSRF token,
    messages) are replaced, and the page is rendered without the request bound to it.
    """
    engine = engines["django"].engine
    values: dict[str, Any] = {}
    for processor in engine.template_context_processors:
        values.update(processor(request))
    values.update(context, csrf_token=CSRF_SLOT, messages=())
    return engine.get_template(template_name).render(Context(values, autoescape=engine.autoescape))


def render_page(
    request,
    template_name: str,
    *,
    key: str | None,
    context: Callable[[], dict[str, Any]],
    per_request: Mapping[str, str] | None = None,
    version: str = "",
) -> HttpResponse:
    """Render ``template_name``, or take it from the cache under ``key``.

    ``context`` builds the page's context; it is called only when the page is rendered.
    ``per_request`` are the values (strings) that differ between visitors of the same page:
    they are never kept, but put into the kept HTML for each request. A kept page is used
    only if it was kept with the same ``version``.
    """
    per_request = dict(per_request or {})
    if key is None or not is_cacheable(request):
        return render(request, template_name, {**context(), **per_request})
    cache = pages()
    kept = cache.get(key)
    if kept is not None and kept[0] == version:
        html = kept[1]
    else:
        slots = {name: Slot(name) for name in per_request}
        html = _render_with_slots(request, template_name, {**context(), **slots})
        cache.set(key, (version, html))
    if CSRF_SLOT in html:
        # As rendering {% csrf_token %} does: a fresh masked token, and the cookie set.
        html = html.replace(CSRF_SLOT, get_token(request))
    for name, value in per_request.items():
        html = html.replace(Slot(name), escape(value))
    return HttpResponse(html)


@receiver(post_delete, sender=Assessment, dispatch_uid="careerfit-drop-cached-result")
def drop_cached_result(sender, instance: Assessment, **kwargs) -> None:
    """A deleted assessment's result page goes with it, in every language."""
    pages().delete_many([result_key(instance, code) for code, _name in settings.LANGUAGES])


# --- Questions of a section ---------------------------------------------------------------


def _question_key(form, name: str, scope: str) -> str | None:
    """The key of one question as rendered: its version, language, text, and answer.

    None when the question shows errors: those renderings are not kept.
    """
    bound = form[name]
    if form.is_bound and bound.errors:
        return None
    value = bound.value()
    values = [str(code) for code, _label in bound.field.choices]
    answer = values.index(str(value)) if value is not None and str(value) in values else "-"
    return (
        f"q:{rendering_fingerprint()}:{scope}:{get_language()}:{name}:"
        f"{_short_hash(str(bound.label))}:{answer}"
    )


class CachedQuestionsHelper(FormHelper):
    """A form helper that takes its questions' HTML from the cache, all in one lookup.

    ``scope`` names the content the questions come from (a profile version id): a question's
    HTML is the same for every form of that scope with the same language and answer.
    """

    def __init__(self, *args, scope: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope

    def render_layout(self, form, context, template_pack=TEMPLATE_PACK):
        keys = {name: _question_key(form, name, self.scope) for name in form.fields}
        form.cached_questions = pages().get_many([key for key in keys.values() if key])
        form.question_keys = keys
        form.rendered_questions = {}
        html = super().render_layout(form, context, template_pack)
        if form.rendered_questions:
            pages().set_many(form.rendered_questions)
        return html


class CachedQuestion(Field):
    """One question, rendered once per (version, language, answer) and then kept."""

    def render(self, form, context, template_pack=TEMPLATE_PACK, extra_context=None, **kwargs):
        (name,) = self.fields
        key = getattr(form, "question_keys", {}).get(name)
        if key is None:
            return super().render(form, context, template_pack, extra_context, **kwargs)
        html = form.cached_questions.get(key)
        if html is None:
            html = super().render(form, context, template_pack, extra_context, **kwargs)
            form.rendered_questions[key] = html
        else:
            form.rendered_fields.add(name)
        return html
