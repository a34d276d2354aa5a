"""The visitor's chosen interface language: which codes count, and remembering the choice."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.utils import translation


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
