from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "assessments"
    verbose_name = _("Asesmen kecocokan karier")

    def ready(self):
        # Connects the signal that drops a deleted assessment's cached result page.
        from . import caching  # noqa: F401
