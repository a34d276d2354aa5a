"""The project's own middleware, for what no library covers: the visitor's language without
the browser's say, and bounds on what a request may carry when no proxy sets them.
(Database trouble has its own, in careerfit.errors.)
"""

import logging
from http import HTTPStatus

from django.conf import settings
from django.http import Http404
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.views.defaults import page_not_found

from .languages import supported_language

logger = logging.getLogger("careerfit.requests")

BODILESS_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
URLENCODED = "application/x-www-form-urlencoded"


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Like Django's LocaleMiddleware, but ignores the browser's Accept-Language header.

    Why our own: Django has no setting to ignore that header, and the product speaks
    Indonesian by default, even on a phone set to English; a visitor who picks English with
    the language switcher gets English from then on (a cookie).
    """

    def process_request(self, request):
        # A cookie naming a language the site does not offer (e.g. "fr") is ignored.
        chosen = supported_language(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
        language = chosen or settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        # The language comes from the cookie alone (no language in URLs, no Accept-Language):
        # LocaleMiddleware's checks for language-prefixed URLs never apply here.
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


class BoundedInputMiddleware:
    """Refuses request bodies the pages have no use for, before anything reads them.

    Why our own: nginx bounds bodies in production, but the app may run without it (the
    embedded setup), and Django's own limits apply only once it parses a body. Every public
    form is a small urlencoded form, so a public request with a body of any other type
    (multipart, JSON, ...) gets a 400, and one longer than ``PUBLIC_MAX_BODY_BYTES`` a 413,
    without a byte of it being read: no temporary file, no worker busy parsing. The admin
    keeps multipart for the profile import, bounded by ``ADMIN_MAX_BODY_BYTES``. A body
    without a Content-Length (chunked) is refused too: Django would silently read it as
    empty.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refusal = self.refusal(request)
        if refusal is not None:
            status, reason = refusal
            logger.warning("Refused a request body (%s): %s %s", reason, request.method, status)
            return render(request, f"{status}.html", status=status)
        return self.get_response(request)

    @staticmethod
    def refusal(request) -> tuple[int, str] | None:
        if request.method in BODILESS_METHODS:
            return None
        if request.META.get("HTTP_TRANSFER_ENCODING"):
            return HTTPStatus.BAD_REQUEST, "no Content-Length"
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return HTTPStatus.BAD_REQUEST, "malformed Content-Length"
        if length < 0:
            return HTTPStatus.BAD_REQUEST, "malformed Content-Length"
        admin = request.path_info.startswith(reverse("admin:index"))
        limit = settings.ADMIN_MAX_BODY_BYTES if admin else settings.PUBLIC_MAX_BODY_BYTES
        if length > limit:
            return HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"{length} bytes, at most {limit}"
        if not admin and length and request.content_type != URLENCODED:
            return HTTPStatus.BAD_REQUEST, f"content type {request.content_type[:60]!r}"
        return None


class AppNotFoundPageMiddleware:
    """The app's own 404 page for the app's pages under DEBUG too (``make run``).

    Django answers a 404 with its technical page while DEBUG is on: for a deleted result's
    link, a visitor trying the app locally would see every URL pattern of the site instead
    of the page that says what happened. Off DEBUG, Django's handler404 does this already;
    the admin and unknown addresses keep the technical page for developers.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not (settings.DEBUG and isinstance(exception, Http404)):
            return None
        match = request.resolver_match
        if match is None or match.namespace != "assessments":
            return None
        return page_not_found(request, exception)
