"""The visitor's chosen interface language: which codes count, remembering the choice, and
the plain link that switches it.

The switch is a GET link (``/bahasa/en/?next=/the/page/``) rather than Django's
``set_language``, which only sets the language on a POST and so needs a CSRF token: a
page with no form of its own would carry one just for the switcher, and a page sent with
``Referrer-Policy: no-referrer`` (the result) makes Chromium post with ``Origin: null``,
which the CSRF check refuses. Choosing a language is no state worth protecting: at worst
another site flips a visitor's language. URLs keep no language prefix (no
``i18n_patterns``): private links, bookmarks and printed QR codes stay as they are.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def supported_language(code: str | None) -> str | None:
    """The entry of ``settings.LANGUAGES`` that ``code`` asks for, or None.

    ``check_for_language`` alone is not enough: it accepts any language Django itself has a
    catalog for (``fr``, ``de``, ...), which this site does not offer.
    """
    if not code or not translation.check_for_language(code):
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


def remember_language(response: HttpResponse, code: str | None) -> bool:
    """Set the language cookie on ``response`` as Django's ``set_language`` view does.

    An unsupported ``code`` is ignored; returns whether the cookie was set.
    """
    language = supported_language(code)
    if language is None:
        return False
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return True


def same_site_path(request, target: str | None) -> str:
    """``target`` if it is a path on this site, else the home page: never another site."""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("assessments:home")


@never_cache
@require_GET
def switch_language(request, code: str):
    """Switches the interface to language ``code`` and goes back to the page ``next``.

    A language the site does not offer leaves the choice as it was.
    """
    response = HttpResponseRedirect(same_site_path(request, request.GET.get("next")))
    remember_language(response, code)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
