"""The HR admin of results: assessments, read-only, as people read them.

An assessment's page shows its result as the job seeker reads it (verdict in words, every
trait against its level, what to develop, misconceptions, scenario choices, the comparison)
and each answer as the question's text with the answer chosen, from the version it was
taken on; scores are rounded, times in the site's time zone. Nothing here shows the token.
"""

from django.contrib import admin
from django.db.models.constants import LOOKUP_SEP
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from .. import services
from ..files.records import verdict_label
from ..forms import choices_for
from ..insights.rows import delete_assessments
from ..models import Assessment
from ..snapshots import tr, version_data


def answer_rows(snapshot: dict, answers: dict) -> list[dict]:
    """Each question in order with the answer chosen, as the job seeker saw them."""
    rows = []
    number = 0
    for section in snapshot["sections"]:
        for code in section["items"]:
            number += 1
            item = next(i for i in snapshot["items"] if i["code"] == code)
            value = answers.get(code)
            labels = dict(choices_for(item, snapshot["education_fields"]))
            rows.append(
                {
                    "number": number,
                    "code": code,
                    "section": tr(section, "title"),
                    "question": tr(item, "text"),
                    "value": value,
                    "answer": str(labels.get(str(value), value)) if value is not None else "",
                }
            )
    return rows


ANSWERS_PERMISSION = "assessments.view_answers"


def may_view_answers(user) -> bool:
    return user.has_perm(ANSWERS_PERMISSION)


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    """Results, read-only for everyone.

    The token is the visitor's private link to their result (and to deleting it), so it is
    shown nowhere here, cannot be searched or filtered on, and there is no "view on site".

    The raw answers (and the scenario options chosen, which the result repeats) are shown
    only to users with ``assessments.view_answers``, which the HR group does not have:
    what the consent notice tells visitors.
    """

    change_form_template = "admin/assessments/assessment/change_form.html"
    list_display = ["started", "role", "source", "status", "verdict_shown", "fit_shown"]
    list_filter = ["status", "verdict", "source", "on_draft", "role"]
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
                    ("verdict_shown", "fit_shown"),
                    ("started", "completed", "updated"),
                    ("consent_version", "consent_time"),
                ]
            },
        ),
    ]
    readonly_fields = [
        "role",
        "role_version",
        "status",
        "language",
        "verdict_shown",
        "fit_shown",
        "started",
        "completed",
        "updated",
        "consent_version",
        "consent_time",
        "profile_version",
        "source",
        "on_draft",
    ]

    class Media:
        css = {"all": ["css/insights.css", "css/admin.css"]}

    @staticmethod
    def local(moment):
        if moment is None:
            return "—"
        return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")

    @admin.display(description=_("dimulai"), ordering="created_at")
    def started(self, assessment):
        return self.local(assessment.created_at)

    @admin.display(description=_("selesai"), ordering="completed_at")
    def completed(self, assessment):
        return self.local(assessment.completed_at)

    @admin.display(description=_("diperbarui"), ordering="updated_at")
    def updated(self, assessment):
        return self.local(assessment.updated_at)

    @admin.display(description=_("waktu persetujuan"), ordering="consented_at")
    def consent_time(self, assessment):
        return self.local(assessment.consented_at)

    @admin.display(description=_("putusan"), ordering="verdict")
    def verdict_shown(self, assessment):
        return verdict_label(assessment.verdict) if assessment.verdict else "—"

    @admin.display(description=_("kecocokan keseluruhan"), ordering="overall_fit")
    def fit_shown(self, assessment):
        if assessment.overall_fit is None:
            return "—"
        return formats.number_format(round(assessment.overall_fit, 1), 1)

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        if obj is not None:
            snapshot = version_data(obj.profile_version_id).snapshot
            answers_shown = may_view_answers(request.user)
            context["answers_shown"] = answers_shown
            if answers_shown:
                context["answer_rows"] = answer_rows(snapshot, obj.answers or {})
            if obj.is_completed and obj.result:
                context["reading"] = services.explain_result(snapshot, obj.result)
                context["reading"]["profile"] = snapshot
                if not answers_shown:
                    # The options chosen and the field of study are answers as given.
                    context["reading"]["scenario_feedback"] = []
                    context["reading"]["education"] = None
                context["quality_flags"] = list(obj.quality_flags or [])
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    # Deleting takes the results out of the item sums too (insights.rows).
    def delete_model(self, request, obj):
        delete_assessments(Assessment.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        delete_assessments(queryset)

    def lookup_allowed(self, lookup, value, request=None):
        field = lookup.split(LOOKUP_SEP)[0]
        # ?token__startswith=... would let a user read tokens out one character at a time.
        if field == "token":
            return False
        # ?pk=7&answers__L01=5 would tell an answer one question at a time.
        if field in {"answers", "result"} and not (request and may_view_answers(request.user)):
            return False
        return super().lookup_allowed(lookup, value, request)
