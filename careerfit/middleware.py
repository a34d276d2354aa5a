"""Request middleware: the visitor's language, bounds on what a request may carry, and
cheaper versions of third-party middleware.

What each middleware adds to a trivial request is measured by
``bench/profile_page.py --middleware``.
"""

import logging
from functools import lru_cache
from http import HTTPStatus

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.messages.storage import default_storage
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import Http404
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject, empty
from django.views.defaults import page_not_found
from simple_history.middleware import HistoryRequestMiddleware

from .languages import supported_language

logger = logging.getLogger("careerfit.requests")

BODILESS_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
URLENCODED = "application/x-www-form-urlencoded"


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Like Django's LocaleMiddleware, but ignores the browser's Accept-Language header.

    The product speaks Indonesian by default, even on a phone set to English; a visitor who
    picks English with the language switcher gets English from then on (a cookie).
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


class LazyMessageMiddleware(MessageMiddleware):
    """Django's MessageMiddleware, opening the message storage only when a view or page uses it.

    Opening it (a cookie storage with its signer, and a session storage) on every request was
    a third of what the middleware stack adds to a trivial view.
    """

    def process_request(self, request):
        request._messages = SimpleLazyObject(lambda: default_storage(request))

    def process_response(self, request, response):
        storage = getattr(request, "_messages", None)
        if isinstance(storage, SimpleLazyObject) and storage._wrapped is empty:
            return response
        return super().process_response(request, response)


def AdminHistoryRequestMiddleware(get_response):
    """django-simple-history's request middleware, for the admin only.

    It hands the request to the history records (who made an edit). Only the admin edits
    recorded models, and setting the thread-local context costs every other request too.
    """
    record_user = HistoryRequestMiddleware(get_response)
    admin_prefix = reverse("admin:index")

    def middleware(request):
        if request.path_info.startswith(admin_prefix):
            return record_user(request)
        return get_response(request)

    return middleware


class FixedPolicyCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, with the policy header built once rather than per response.

    Upstream builds both headers (the policy and the report-only one) from the settings on
    every response, the largest part of what the middleware stack adds to a trivial view.
    The policy here uses no nonce and no view changes it, so the header is always the same;
    a response that does change it (``csp_update``, ``csp_replace``, ``csp_exempt``...) or
    a request that used a nonce gets upstream's treatment.
    """

    PER_RESPONSE = (
        "_csp_config",
        "_csp_update",
        "_csp_replace",
        "_csp_exempt",
        "_csp_config_ro",
        "_csp_update_ro",
        "_csp_replace_ro",
        "_csp_exempt_ro",
    )

    def process_response(self, request, response):
        if getattr(request, "_csp_nonce", None) is not None or any(
            hasattr(response, name) for name in self.PER_RESPONSE
        ):
            return super().process_response(request, response)
        if response.status_code in (HTTPStatus.INTERNAL_SERVER_ERROR, HTTPStatus.NOT_FOUND):
            if settings.DEBUG:
                return response
        for header, policy, prefixes in fixed_policies():
            if policy and header not in response and not request.path_info.startswith(prefixes):
                response[header] = policy
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response


@lru_cache(maxsize=1)
def fixed_policies() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """(header, value, excluded URL prefixes) of the policy and of the report-only one."""
    policies = []
    for header, setting, report_only in (
        (HEADER, "CONTENT_SECURITY_POLICY", False),
        (HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY", True),
    ):
        prefixes = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
        policies.append((header, build_policy(report_only=report_only), tuple(prefixes)))
    return tuple(policies)


@receiver(setting_changed)
def forget_fixed_policies(*, setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        fixed_policies.cache_clear()


class BoundedInputMiddleware:
    """Refuses request bodies the pages have no use for, before anything reads them.

    Every public form is a small urlencoded form, so a public request with a body of any
    other type (multipart, JSON, ...) gets a 400, and one longer than
    ``PUBLIC_MAX_BODY_BYTES`` a 413, without a byte of it being read: no temporary file,
    no worker busy parsing. The admin keeps multipart for the profile import, bounded by
    ``ADMIN_MAX_BODY_BYTES``. A body without a Content-Length (chunked) is refused too:
    Django would silently read it as empty.
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
