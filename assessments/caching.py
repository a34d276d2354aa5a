"""Rendered pages and questions kept in Django's cache, so that each is rendered once.

Kept: a published role's preview; a questionnaire section's page around its questions, and
each question (per answer); a completed assessment's result page. What is kept never goes
stale, because every key names what the HTML was made from:

- the rendering: a fingerprint of the templates, the translation catalogs, the collected
  static files' manifest and this app's code, so a deploy that changes any of them starts
  afresh (``rendering_fingerprint``);
- the content: a profile version id (versions never change) or a completed assessment
  (kept with the moment it was last saved, and used only for that one), and the language.

Nothing that belongs to one visitor is kept across visitors: a page is rendered with
markers (``Slot``) where the CSRF token, the private link and the visitor's answers go,
and the real values are put in for each request; pages for signed-in staff, pages with
messages to show, requests with a query string and forms with errors are rendered as usual
and not kept.

The cache is the ``pages`` alias (see settings: this process's memory, or Redis with
REDIS_URL): kept apart from the default cache, whose rate-limit counters must not be
evicted by pages. What each part saves is measured by ``bench/profile_page.py``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field
from crispy_forms.templatetags.crispy_forms_utils import remove_spaces
from crispy_forms.utils import TEMPLATE_PACK, render_crispy_form
from django.conf import settings
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.db import connection
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template import Context, engines
from django.utils.html import escape
from django.utils.translation import get_language

from .models import Assessment, Role

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
FORM_SLOT = Slot("form")


# --- The rows a kept page is looked up by --------------------------------------------------
# A kept page still needs its row, to know it exists and what it shows: one indexed lookup
# of the few columns the page reads. Building and compiling that query through the ORM
# took three quarters of the time of a kept page (bench/profile_page.py), so it is sent as
# it is, and the row made into a model instance as the ORM would (its converters, then
# Model.from_db); the other columns are deferred, loaded if read.


def _raw_lookup(model, columns: tuple[str, ...], where: dict[str, Any]):
    meta = model._meta
    fields = [field for field in meta.concrete_fields if field.name in columns]
    quote = connection.ops.quote_name
    conditions = " AND ".join(f"{quote(meta.get_field(name).column)} = %s" for name in where)
    sql = (
        f"SELECT {', '.join(quote(field.column) for field in fields)} "
        f"FROM {quote(meta.db_table)} WHERE {conditions}"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                meta.get_field(name).get_db_prep_value(value, connection)
                for name, value in where.items()
            ],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    values = []
    for field, value in zip(fields, row, strict=True):
        column = field.get_col(meta.db_table)
        for converter in connection.ops.get_db_converters(column) + column.get_db_converters(
            connection
        ):
            value = converter(value, column, connection)
        values.append(value)
    return model.from_db(connection.alias, [field.attname for field in fields], values)


def published_role(slug: str) -> Role | None:
    """The published role with this slug: what its preview reads of the row."""
    return _raw_lookup(
        Role,
        ("id", "slug", "status", "live_version"),
        {"slug": slug, "status": Role.Status.PUBLISHED},
    )


def completed_assessment(token: str) -> Assessment | None:
    """The completed assessment with this token: what its kept result page needs."""
    return _raw_lookup(
        Assessment,
        ("id", "token", "status", "updated_at"),
        {"token": token, "status": Assessment.Status.COMPLETED},
    )


def open_assessment(token: str) -> Assessment | None:
    """The assessment with this token: what its questionnaire pages read of the row."""
    return _raw_lookup(
        Assessment,
        ("id", "token", "status", "role", "profile_version", "answers"),
        {"token": token},
    )


# --- Page keys --------------------------------------------------------------------------


def preview_key(request, version_id: int) -> str:
    """A published role's preview: one per version, language and path (the slug is in it)."""
    return (
        f"page:{rendering_fingerprint()}:preview:{version_id}:{get_language()}:"
        f"{_short_hash(request.path)}"
    )


def section_key(assessment: Assessment, number: int) -> str:
    """A questionnaire section's page around its questions: the same for every visitor."""
    return (
        f"page:{rendering_fingerprint()}:section:{assessment.profile_version_id}:{number}:"
        f"{get_language()}"
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
        and not has_messages(request)
    )


def has_messages(request) -> bool:
    """Messages wait in their cookie or in the session: without either there are none."""
    cookies = request.COOKIES
    if CookieStorage.cookie_name not in cookies and settings.SESSION_COOKIE_NAME not in cookies:
        return False
    return bool(len(messages.get_messages(request)))


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
    form=None,
    private: tuple[str, ...] = (),
) -> HttpResponse:
    """Render ``template_name``, or take it from the cache under ``key``.

    ``context`` builds the page's context; it is called only when the page is rendered.
    ``per_request`` are the values (strings) that differ between visitors of the same page:
    they are never kept, but put into the kept HTML for each request. A kept page is used
    only if it was kept with the same ``version``.

    ``form``, a form with a ``CachedQuestionsHelper``: what ``{% crispy form %}`` renders is
    left as a slot in the kept page and rendered for each request (its answers are the
    visitor's own), from questions kept one by one. A page in which any of ``private``
    appears (say, the visitor's token) is shown but not kept: kept pages must hold nothing
    of one visitor.
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
        if form is not None:
            form.helper.as_slot = True
        try:
            html = _render_with_slots(request, template_name, {**context(), **slots})
        finally:
            if form is not None:
                form.helper.as_slot = False
        if not any(text and text in html for text in private):
            cache.set(key, (version, html))
    if CSRF_SLOT in html:
        # As rendering {% csrf_token %} does: a fresh masked token, and the cookie set.
        html = html.replace(CSRF_SLOT, get_token(request))
    for name, value in per_request.items():
        html = html.replace(Slot(name), escape(value))
    if form is not None:
        html = html.replace(FORM_SLOT, form.helper.render_form(form))
    return HttpResponse(html)


@receiver(post_delete, sender=Assessment, dispatch_uid="careerfit-drop-cached-result")
def drop_cached_result(sender, instance: Assessment, **kwargs) -> None:
    """A deleted assessment's result page goes with it, in every language."""
    pages().delete_many([result_key(instance, code) for code, _name in settings.LANGUAGES])


# --- Questions of a section ---------------------------------------------------------------


def _question_key(form, name: str, scope: str, language: str) -> str | None:
    """The key of one question as rendered: its version, language, text, and answer.

    None when the question shows errors: those renderings are not kept.
    """
    bound = form[name]
    if form.is_bound and bound.errors:
        return None
    value = bound.value()
    values = [str(code) for code, _label in bound.field.choices]
    answer = values.index(str(value)) if value is not None and str(value) in values else "-"
    # The text, and the choices in their order (a situation's options are in an order of
    # each assessment's own).
    shown = f"{bound.label}|{','.join(values)}"
    return f"q:{rendering_fingerprint()}:{scope}:{language}:{name}:{_short_hash(shown)}:{answer}"


class CachedQuestionsHelper(FormHelper):
    """A form helper that takes its questions' HTML from the cache, all in one lookup.

    ``scope`` names the content the questions come from (a profile version id): a question's
    HTML is the same for every form of that scope with the same language and answer.
    """

    def __init__(self, *args, scope: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        # While a page around the form is rendered to be kept (see render_page).
        self.as_slot = False

    def question_keys(self, form) -> dict[str, str | None]:
        language = get_language()
        return {name: _question_key(form, name, self.scope, language) for name in form.fields}

    def render_layout(self, form, context, template_pack=TEMPLATE_PACK):
        if self.as_slot:
            return FORM_SLOT
        keys = self.question_keys(form)
        form.cached_questions = pages().get_many([key for key in keys.values() if key])
        form.question_keys = keys
        form.rendered_questions = {}
        html = super().render_layout(form, context, template_pack)
        if form.rendered_questions:
            pages().set_many(form.rendered_questions)
        return html

    def render_form(self, form) -> str:
        """What ``{% crispy form %}`` renders (less the blank lines around it).

        With every question kept, and nothing but the questions to render (no form tag,
        CSRF token, buttons or form-wide errors, which this helper's forms do not have),
        that is the kept questions joined as crispy joins and trims them: no template is
        rendered. Otherwise crispy renders the form, keeping the questions it renders.
        """
        plain = not (self.form_tag or not self.disable_csrf or self.inputs)
        if plain and not (form.is_bound and form.non_field_errors()):
            keys = self.question_keys(form)
            if None not in keys.values():
                kept = pages().get_many(list(keys.values()))
                if len(kept) == len(keys):
                    return remove_spaces("".join(kept[keys[name]] for name in form.fields).strip())
        return render_crispy_form(form, helper=self).strip()


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
