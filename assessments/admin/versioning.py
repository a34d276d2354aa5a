"""The HR admin of profile versions: what each publication froze, read-only.

A version is written only by publishing (``publishing.publish_version``) and never changed
or deleted afterwards: the database refuses both while an assessment uses it.
"""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from ..models import ProfileVersion


@admin.register(ProfileVersion)
class ProfileVersionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "role", "number", "is_draft", "created_at", "assessment_count"]
    list_filter = ["role", "is_draft"]
    list_select_related = ["role"]
    fields = ["role", "number", "is_draft", "created_at", "fingerprint", "snapshot"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(assessment_total=Count("assessments"))

    @admin.display(description=_("asesmen"), ordering="assessment_total")
    def assessment_count(self, version):
        return version.assessment_total

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
