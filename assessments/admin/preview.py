"""A candidate's-eye preview of a role's draft or live version, for HR staff.

The public templates themselves render the preview (role preview, every section, a
result), from a snapshot built for the occasion (the draft) or stored (the live version).
Nothing is stored in the database and nothing is counted: no assessment is made. The
answers HR gives while previewing live in their own session, so that the result page can
score them; until every question is answered, it shows a sample result instead.

While a public template renders, its ``{% url "assessments:..." %}`` links are reversed with
``assessments.preview_urls``, so they lead through the preview rather than to the public
pages. A preview "token" names the mode and the role: ``draft-kabag-kesra``.
"""

from __future__ import annotations

from contextlib import contextmanager
from types import SimpleNamespace

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import get_urlconf, path, reverse, set_urlconf
from django.utils import timezone
from django.utils.translation import gettext as _

from careerfit.languages import remember_language

from .. import drafts, reading_time, scoring, services, snapshots
from ..forms import SectionForm
from ..models import Role

MODES = ("draft", "live")
PREVIEW_URLCONF = "assessments.preview_urls"
SESSION_MODES = "careerfit_preview_modes"
SESSION_ANSWERS = "careerfit_preview_answers"
LANGUAGE_ACTION = "language:"


@contextmanager
def preview_links():
    """Reverse the public pages' URL names to the preview while a template renders."""
    previous = get_urlconf()
    set_urlconf(PREVIEW_URLCONF)
    try:
        yield
    finally:
        set_urlconf(previous)


def render_preview(request, template: str, context: dict):
    with preview_links():
        response = render(request, template, context)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def sample_answers(snapshot: dict) -> dict[str, str]:
    """Answers of a candidate close to every level to every item: the result page's sample.

    Statements one step from the top (all "3" would rightly be read as straight-lining),
    check statements as almost anyone truthfully answers them.
    """
    answers = {}
    for item in snapshot["items"]:
        kind, options = item["kind"], item["options"]
        if kind == scoring.LIKERT:
            answers[item["code"]] = "2" if item["reverse_keyed"] else "4"
        elif kind == scoring.CHECK:
            answers[item["code"]] = "2" if item["reverse_keyed"] else "4"
        elif kind == scoring.BELIEF:
            answers[item["code"]] = item["keyed_answer"] or scoring.AGREE
        elif kind == scoring.BACKGROUND:
            fields = snapshot["education_fields"]
            answers[item["code"]] = next(
                (f["code"] for f in fields if f["preferred"]), fields[0]["code"] if fields else ""
            )
        elif options:
            ranked = sorted(options, key=lambda option: option["score"] or 0)
            answers[item["code"]] = ranked[len(ranked) // 2]["code"]
    return answers


class RolePreviewMixin:
    """Adds the preview pages to the role admin, under ``preview/``."""

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name

        def route(pattern, view, name):
            return path(
                pattern,
                self.admin_site.admin_view(view),
                name="{}_{}_preview_{}".format(*info, name),
            )

        return [
            route("preview/<slug:slug>/", self.preview_role_view, "role"),
            route("preview/<slug:slug>/start/", self.preview_start_view, "start"),
            route("preview/run/<slug:token>/", self.preview_resume_view, "resume"),
            route(
                "preview/run/<slug:token>/section/<int:number>/",
                self.preview_section_view,
                "section",
            ),
            route("preview/run/<slug:token>/result/", self.preview_result_view, "result"),
            route("preview/run/<slug:token>/delete/", self.preview_delete_view, "delete"),
            *super().get_urls(),
        ]

    # --- What is previewed --------------------------------------------------------------

    def preview_role(self, request, slug: str) -> Role:
        role = Role.objects.filter(slug=slug).select_related("live_version").first()
        if role is None:
            raise Http404
        if not self.has_view_or_change_permission(request, role):
            raise PermissionDenied
        return role

    def preview_snapshot(self, role: Role, mode: str) -> dict:
        if mode == "live":
            if role.live_version_id is None:
                raise Http404(_("Jabatan ini belum pernah terbit."))
            return snapshots.version_data(role.live_version_id).snapshot
        return snapshots.build_snapshot(role, number=drafts.draft_state(role).next_number)

    def parse_token(self, request, token: str) -> tuple[Role, str, dict]:
        mode, _dash, slug = token.partition("-")
        if mode not in MODES or not slug:
            raise Http404
        role = self.preview_role(request, slug)
        return role, mode, self.preview_snapshot(role, mode)

    def note(self, request, role: Role, snapshot: dict, mode: str) -> None:
        """The banner on every preview page (the public templates show messages)."""
        if mode == "draft":
            text = _(
                "Pratinjau draf “%(title)s” (calon versi %(number)d), seperti yang akan dilihat "
                "peserta. Tidak ada yang disimpan atau dihitung."
            )
        else:
            text = _(
                "Pratinjau versi %(number)d “%(title)s” yang sedang tayang. Tidak ada yang "
                "disimpan atau dihitung."
            )
        messages.info(request, text % {"title": snapshot["title"], "number": snapshot["version"]})

    def preview_answers(self, request, token: str) -> dict[str, str]:
        return dict(request.session.get(SESSION_ANSWERS, {}).get(token, {}))

    def keep_answers(self, request, token: str, snapshot: dict, answers: dict) -> None:
        codes = {item["code"] for item in snapshot["items"]}
        stored = request.session.get(SESSION_ANSWERS, {})
        merged = {**stored.get(token, {}), **answers}
        stored[token] = {code: value for code, value in merged.items() if code in codes}
        request.session[SESSION_ANSWERS] = stored

    def fake_assessment(self, token: str, snapshot: dict) -> SimpleNamespace:
        """What the public templates read of an assessment; the token is the preview's."""
        return SimpleNamespace(
            token=token,
            role_version=snapshot["version"],
            completed_at=timezone.now(),
            is_completed=False,
        )

    def preview_url(self, token: str) -> str:
        return reverse("admin:assessments_role_preview_resume", args=[token])

    # --- Pages --------------------------------------------------------------------------

    def preview_role_view(self, request, slug):
        """Shows HR the role's preview page as a candidate would see it."""
        role = self.preview_role(request, slug)
        modes = request.session.get(SESSION_MODES, {})
        mode = request.GET.get("mode") or modes.get(slug, "draft")
        if mode not in MODES:
            raise Http404
        snapshot = self.preview_snapshot(role, mode)
        request.session[SESSION_MODES] = {**modes, slug: mode}
        request.session.pop(SESSION_ANSWERS, None)
        self.note(request, role, snapshot, mode)
        context = {
            "role": role,
            "profile": snapshot,
            "similar_role_url": services.similar_role_url(snapshot),
            **services.explain_preview(snapshot),
        }
        return render_preview(request, "assessments/role_preview.html", context)

    def preview_start_view(self, request, slug):
        """The preview's "start" button: straight to the first section, no consent stored."""
        role = self.preview_role(request, slug)
        mode = request.session.get(SESSION_MODES, {}).get(slug, "draft")
        return redirect("admin:assessments_role_preview_section", f"{mode}-{role.slug}", 1)

    def preview_resume_view(self, request, token):
        self.parse_token(request, token)
        return redirect("admin:assessments_role_preview_section", token, 1)

    def preview_section_view(self, request, token, number):
        """Shows HR one section as a candidate would answer it; the answers stay in the session."""
        role, mode, snapshot = self.parse_token(request, token)
        total = snapshots.section_count(snapshot)
        if not 1 <= number <= total:
            raise Http404
        form = SectionForm(
            request.POST if request.method == "POST" else None,
            items=snapshots.section_items(snapshot, number),
            education_fields=snapshot["education_fields"],
            first_number=snapshots.items_before(snapshot, number) + 1,
            initial=self.preview_answers(request, token),
        )
        if request.method == "POST":
            action = request.POST.get("action", "")
            if action.startswith(LANGUAGE_ACTION):
                self.keep_answers(request, token, snapshot, form.answered())
                response = redirect("admin:assessments_role_preview_section", token, number)
                remember_language(response, action.removeprefix(LANGUAGE_ACTION))
                return response
            if action == "back":
                self.keep_answers(request, token, snapshot, form.answered())
                if number == 1:
                    return redirect("admin:assessments_role_preview_role", role.slug)
                return redirect("admin:assessments_role_preview_section", token, number - 1)
            if form.is_valid():
                self.keep_answers(request, token, snapshot, form.cleaned_data)
                if number < total:
                    return redirect("admin:assessments_role_preview_section", token, number + 1)
                return redirect("admin:assessments_role_preview_result", token)
        self.note(request, role, snapshot, mode)
        context = {
            "assessment": self.fake_assessment(token, snapshot),
            "form": form,
            "section": snapshot["sections"][number - 1],
            "number": number,
            "total": total,
            "is_last": number == total,
            "progress": reading_time.section_progress(snapshot, number),
            "private_url": request.build_absolute_uri(self.preview_url(token)),
        }
        return render_preview(request, "assessments/section.html", context)

    def preview_result_view(self, request, token):
        """Shows HR the result page: of their preview answers, or of a sample candidate."""
        role, mode, snapshot = self.parse_token(request, token)
        profile = snapshots.profile_from_snapshot(snapshot)
        answers = self.preview_answers(request, token)
        try:
            result = scoring.score(profile=profile, answers=answers)
        except scoring.InvalidAnswers:
            result = scoring.score(profile=profile, answers=sample_answers(snapshot))
            messages.warning(
                request,
                _(
                    "Belum semua pertanyaan dijawab di pratinjau ini, jadi yang tampil adalah "
                    "contoh hasil: jawaban tengah untuk setiap pertanyaan."
                ),
            )
        self.note(request, role, snapshot, mode)
        context = services.explain_result(snapshot, result.to_dict())
        context.update(
            assessment=self.fake_assessment(token, snapshot),
            profile=snapshot,
            private_url=request.build_absolute_uri(self.preview_url(token)),
            similar_role_url=services.similar_role_url(snapshot),
        )
        return render_preview(request, "assessments/result.html", context)

    def preview_delete_view(self, request, token):
        self.parse_token(request, token)
        messages.info(
            request, _("Ini pratinjau: tidak ada hasil yang disimpan, jadi tidak ada yang dihapus.")
        )
        return redirect("admin:assessments_role_preview_result", token)
