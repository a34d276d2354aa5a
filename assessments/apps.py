from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "assessments"
    verbose_name = _("Asesmen kecocokan karier")

    def ready(self):
        # Connect the signals that write a reason on every history record, and that drop a
        # deleted result's kept PDF files.
        from . import history, pdf  # noqa: F401
