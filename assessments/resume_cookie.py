"""The "continue where you left off" cookie: the assessment this browser last started.

A first-party, HttpOnly cookie holding the assessment's private token, which this browser
already has (it is in the address of every questionnaire page). Set when an assessment
starts; the home and role pages read it to offer to continue; deleted with the assessment.
The privacy notice (consent.html) says so.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from .models import Assessment


def cookie_name() -> str:
    # __Host- cookies are only accepted over HTTPS, for this exact host: as the session's.
    return "__Host-resume" if settings.SESSION_COOKIE_SECURE else "careerfit_resume"


def remember(response: HttpResponse, assessment: Assessment) -> None:
    response.set_cookie(
        cookie_name(),
        assessment.token,
        # As long as a result can be kept; a purged assessment is no longer offered.
        max_age=settings.RETENTION_DAYS_COMPLETED * 24 * 60 * 60,
        path="/",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def forget(response: HttpResponse) -> None:
    response.delete_cookie(cookie_name(), path="/", samesite="Lax")


def remembered(request: HttpRequest) -> Assessment | None:
    """The assessment the cookie names, if it still exists."""
    token = request.COOKIES.get(cookie_name())
    if not token:
        return None
    return Assessment.objects.select_related("role").filter(token=token).first()
