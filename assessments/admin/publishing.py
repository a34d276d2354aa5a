"""The publish page of a role: what its draft changes, what would stop it, what it would do
to past verdicts, and the buttons to publish it, discard it, or hide the role.

The page only orchestrates: the state comes from ``drafts``, the checks from
``publishing``, the re-scored verdicts from ``insights.impact``.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import drafts, publishing, scoring, snapshots
from ..files.records import verdict_label
from ..insights import impact
from ..insights.dashboard import SMALL_SAMPLE

MAX_IMPACT_DAYS = 3650


def impact_days_default() -> int:
    return int(getattr(settings, "CAREERFIT_IMPACT_DAYS", impact.DEFAULT_DAYS))


class ImpactForm(forms.Form):
    days = forms.IntegerField(
        label=gettext_lazy("Hasil selesai dalam berapa hari terakhir"),
        min_value=1,
        max_value=MAX_IMPACT_DAYS,
    )


class RolePublishingMixin:
    """Adds the publish page (``<id>/publish/``) to the role admin."""

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/publish/",
                self.admin_site.admin_view(self.publish_view),
                name="{}_{}_publish".format(*info),
            ),
            *super().get_urls(),
        ]

    def publish_view(self, request, object_id):
        """Lets HR see what the draft would change and publish it, discard it or hide the role."""
        role = self.get_object(request, unquote(object_id))
        if role is None:
            raise Http404
        if not self.has_view_or_change_permission(request, role):
            raise PermissionDenied
        if role.is_bank:
            # A bank is published through its roles: nothing to publish by itself.
            if request.method != "GET":
                return HttpResponseNotAllowed(["GET"])
            return self.bank_publish_view(request, role)
        if request.method == "POST":
            if not self.has_change_permission(request, role):
                raise PermissionDenied
            return self.publish_action(request, role, request.POST.get("action", ""))
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET", "POST"])

        state = drafts.draft_state(role)
        draft_snapshot = snapshots.build_snapshot(role, number=state.next_number)
        items = publishing.questionnaire_items(role)
        problems = publishing.publication_problems(role, items)
        missing_english = publishing.translation_problems(role)
        stale_english = (
            publishing.stale_translations(state.live.snapshot, draft_snapshot)
            if state.live is not None and state.changed
            else []
        )
        form = ImpactForm(request.GET if "days" in request.GET else {"days": impact_days_default()})
        effect, impact_error = None, ""
        if form.is_valid():
            try:
                effect = impact.draft_impact(
                    role,
                    snapshots.profile_from_snapshot(draft_snapshot),
                    now=timezone.now(),
                    days=form.cleaned_data["days"],
                )
            except scoring.ProfileError as error:
                impact_error = str(error)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": role,
            "role": role,
            "title": _("Terbitkan: %(role)s") % {"role": role},
            "state": state,
            "changes": drafts.snapshot_changes(state.live.snapshot, draft_snapshot)
            if state.live
            else [],
            "problems": problems,
            "missing_english": missing_english,
            "stale_english": stale_english,
            "below_bar": publishing.content_bar_shortfalls(draft_snapshot),
            "can_publish": not problems
            and not missing_english
            and (state.changed or not role.is_published),
            "form": form,
            "impact": effect,
            "impact_changes": [
                (verdict_label(old), verdict_label(new), count)
                for old, new, count in (effect.changes if effect else [])
            ],
            "impact_error": impact_error,
            "small_sample": SMALL_SAMPLE,
            "has_change_permission": self.has_change_permission(request, role),
        }
        return TemplateResponse(request, "admin/assessments/role/publish.html", context)

    def bank_publish_view(self, request, bank):
        """What the bank's saved content would change for each role that uses it: a bank
        change re-publishes nothing by itself; each role takes it when its own draft is
        published, from its own publish page."""
        form = ImpactForm(request.GET if "days" in request.GET else {"days": impact_days_default()})
        days = form.cleaned_data["days"] if form.is_valid() else None
        roles = []
        for role in bank.roles.order_by("title"):
            state = drafts.draft_state(role)
            draft_snapshot = snapshots.build_snapshot(role, number=state.next_number)
            effect, impact_error = None, ""
            if days is not None:
                try:
                    effect = impact.draft_impact(
                        role,
                        snapshots.profile_from_snapshot(draft_snapshot),
                        now=timezone.now(),
                        days=days,
                    )
                except scoring.ProfileError as error:
                    impact_error = str(error)
            roles.append(
                {
                    "role": role,
                    "state": state,
                    "changes": drafts.snapshot_changes(state.live.snapshot, draft_snapshot)
                    if state.live and state.changed
                    else [],
                    "impact": effect,
                    "impact_changes": [
                        (verdict_label(old), verdict_label(new), count)
                        for old, new, count in (effect.changes if effect else [])
                    ],
                    "impact_error": impact_error,
                }
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": bank,
            "role": bank,
            "title": _("Terbitkan: %(role)s") % {"role": bank},
            "roles": roles,
            "form": form,
            "small_sample": SMALL_SAMPLE,
        }
        return TemplateResponse(request, "admin/assessments/role/bank_publish.html", context)

    def publish_action(self, request, role, action: str):
        page = reverse("admin:assessments_role_publish", args=[role.pk])
        if action in ("publish", "discard") and request.POST.get("confirmed") != "yes":
            return self.confirm_page(request, role, action)
        if action == "publish":
            try:
                version = publishing.publish(role)
            except publishing.PublicationRefused as refused:
                for problem in refused.problems:
                    messages.error(request, problem)
                return HttpResponseRedirect(page)
            messages.success(
                request, _("Versi %(number)d diterbitkan.") % {"number": version.number}
            )
            return HttpResponseRedirect(reverse("admin:assessments_role_change", args=[role.pk]))
        if action == "discard" and role.live_version_id:
            version = drafts.discard_draft(role)
            messages.success(
                request,
                _("Draf dibuang: isi jabatan kembali seperti versi %(number)d.")
                % {"number": version.number},
            )
            return HttpResponseRedirect(page)
        if action == "withdraw" and role.is_published:
            publishing.withdraw(role)
            messages.success(
                request,
                _(
                    "Jabatan ini tidak lagi ditampilkan kepada pengunjung. Terbitkan lagi "
                    "kapan saja."
                ),
            )
            return HttpResponseRedirect(page)
        messages.error(request, _("Tindakan ini tidak tersedia untuk jabatan ini sekarang."))
        return HttpResponseRedirect(page)

    def confirm_page(self, request, role, action: str):
        """Says what publishing or discarding will do, before it is done."""
        state = drafts.draft_state(role)
        if action == "discard" and not (state.live and state.changed):
            messages.error(request, _("Tindakan ini tidak tersedia untuk jabatan ini sekarang."))
            return HttpResponseRedirect(reverse("admin:assessments_role_publish", args=[role.pk]))
        changes = []
        if state.live is not None and state.changed:
            draft_snapshot = snapshots.build_snapshot(role, number=state.next_number)
            changes = drafts.snapshot_changes(state.live.snapshot, draft_snapshot)
        title = (
            _("Terbitkan draf “%(role)s”?") if action == "publish" else _("Buang draf “%(role)s”?")
        ) % {"role": role.title}
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": role,
            "role": role,
            "title": title,
            "action": action,
            "state": state,
            "changes": changes,
        }
        return TemplateResponse(request, "admin/assessments/role/publish_confirm.html", context)
