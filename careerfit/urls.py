"""URL configuration: the public assessment pages, language switching and the HR admin."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("assessments.urls")),
]

# A database outage gets the 503 page, whichever part of the request ran into it.
handler500 = "careerfit.errors.server_error"
