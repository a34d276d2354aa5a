"""The URLs the public templates link to, while HR previews a role in the admin.

The preview renders the public templates themselves (role preview, sections, result) from a
snapshot that is stored nowhere. Their links are ``{% url "assessments:..." %}``, so while
one renders, ``admin/preview.py`` makes this the URL configuration: the same names, with
the same arguments, leading to the preview's pages instead of starting a real assessment.
In the preview a "token" is the role's slug and the mode ("draft" or "live"), and nothing
with a token is stored.
"""

from django.urls import include, path, reverse

from careerfit import urls as site_urls
from careerfit.languages import switch_language

# Where the role admin's preview pages are (admin/preview.py), e.g. "admin/assessments/role/".
PREFIX = reverse("admin:assessments_role_changelist", urlconf=site_urls).lstrip("/")


def _unreachable(request, *args, **kwargs):  # pragma: no cover - only reversed, never routed
    raise AssertionError("preview URLs are resolved by the site's URL configuration")


preview_patterns = (
    [
        path("", _unreachable, name="home"),
        path("healthz", _unreachable, name="health"),
        path("preview/<slug:slug>/", _unreachable, name="role"),
        path("preview/<slug:slug>/start/", _unreachable, name="consent"),
        path("preview/run/<slug:token>/", _unreachable, name="resume"),
        path("preview/run/<slug:token>/section/<int:number>/", _unreachable, name="section"),
        path("preview/run/<slug:token>/result/", _unreachable, name="result"),
        path("preview/run/<slug:token>/delete/", _unreachable, name="delete"),
        # Not pages of the preview: answers stay in HR's session when each section is sent.
        path("preview/run/<slug:token>/section/<int:number>/save/", _unreachable, name="autosave"),
        path("preview/<slug:slug>/similar/", _unreachable, name="similar_role"),
    ],
    "assessments",
)

urlpatterns = [
    path("bahasa/<str:code>/", switch_language, name="switch_language"),
    path(PREFIX, include(preview_patterns)),
]
