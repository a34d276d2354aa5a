"""The HR admin of results: assessments, read-only."""

from django.contrib import admin
from django.db.models.constants import LOOKUP_SEP
from django.utils.translation import gettext_lazy as _

from ..models import (
    Assessment,
)


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    """Results, read-only for everyone.

    The token is the visitor's private link to their result (and to deleting it), so it is
    shown nowhere here, cannot be searched or filtered on, and there is no "view on site".
    """

    list_display = ["created_at", "role", "status", "verdict", "overall_fit"]
    list_filter = ["status", "verdict", "role"]
    list_select_related = ["role"]
    date_hierarchy = "created_at"
    view_on_site = False
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("role", "profile_version", "role_version"),
                    ("source", "on_draft"),
                    ("status", "language"),
                    ("verdict", "overall_fit"),
                    ("created_at", "completed_at", "updated_at"),
                    ("consent_version", "consented_at"),
                ]
            },
        ),
        (
            _("Jawaban dan hasil"),
            {"fields": ["quality_flags", "answers", "result"], "classes": ["collapse"]},
        ),
    ]
    readonly_fields = [
        "role",
        "role_version",
        "status",
        "language",
        "verdict",
        "overall_fit",
        "created_at",
        "completed_at",
        "updated_at",
        "consent_version",
        "consented_at",
        "answers",
        "result",
        "profile_version",
        "source",
        "on_draft",
        "quality_flags",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def lookup_allowed(self, lookup, value, request=None):
        # ?token__startswith=... would let a user read tokens out one character at a time.
        if lookup.split(LOOKUP_SEP)[0] == "token":
            return False
        return super().lookup_allowed(lookup, value, request)
