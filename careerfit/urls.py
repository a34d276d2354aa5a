"""URL configuration: the public assessment pages, language switching and the HR admin."""

from django.contrib import admin
from django.urls import include, path

from careerfit.languages import switch_language

urlpatterns = [
    path("admin/", admin.site.urls),
    path("bahasa/<str:code>/", switch_language, name="switch_language"),
    path("", include("assessments.urls")),
]

# A database outage gets the 503 page, whichever part of the request ran into it.
handler500 = "careerfit.errors.server_error"
