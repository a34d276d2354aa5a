"""Public pages: role preview, consent, questionnaire sections, result, delete."""

import logging
from functools import wraps
from http import HTTPStatus
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import DatabaseError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_page, never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited
from django_ratelimit.decorators import ratelimit
from django_ratelimit.exceptions import Ratelimited

from careerfit.errors import RETRY_AFTER_SECONDS
from careerfit.languages import remember_language

from . import pdf, readiness, reading_time, resume_cookie, scoring, services, snapshots
from .forms import ConsentForm, DeleteForm, SectionForm
from .insights.rows import delete_assessments
from .models import Assessment, ResultShare, Role

logger = logging.getLogger(__name__)

# One rate-limit counter for every answer a visitor sends, by the section's form or its
# autosave: an address gets RATE_SUBMIT in all, not once for each way of sending.
limit_answers = ratelimit(
    group="assessments.answers",
    key="ip",
    rate=lambda group, request: settings.RATE_SUBMIT,
    method="POST",
)

# The value of a language button on a section page: "language:en".
LANGUAGE_ACTION = "language:"
# A role preview is kept in the PAGE_CACHE for visitors who carry no cookie but their
# language: its rendering is most of its cost (bench/profile_page.py), and a published
# version never changes. A new version is a new key at once; the time only bounds memory.
# Nothing kept there holds anything of one visitor.
PAGE_CACHE = "pages"
PREVIEW_SECONDS = 24 * 60 * 60


def posted(request):
    """The POST data, or None on GET: an empty POST is still a submitted form."""
    return request.POST if request.method == "POST" else None


def noindex(view):
    """Tells search engines to keep the page out of their index: it is behind a private link."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapped


def visible_role(request, slug: str) -> Role:
    """A published role, or any role for staff who may change roles (previewing a draft)."""
    may_preview = request.user.is_staff and request.user.has_perm("assessments.change_role")
    roles = Role.objects.all() if may_preview else Role.objects.published()
    return get_object_or_404(roles, slug=slug)


def private_link(request, assessment: Assessment) -> dict[str, str]:
    """The visitor's private link, and the WhatsApp link that shares it."""
    url = request.build_absolute_uri(assessment.private_url())
    text = _("Tautan pribadi CareerFit saya (untuk melanjutkan atau melihat hasil): %(url)s") % {
        "url": url
    }
    return {"private_url": url, "share_href": f"https://wa.me/?text={quote(text, safe='')}"}


def render_with_continue_prompt(request, template: str, context: dict):
    """A page that offers to continue the assessment this browser last started, if any.

    That offer holds the visitor's private link, so such a page is never stored anywhere.
    """
    remembered = resume_cookie.remembered(request)
    response = render(request, template, {**context, "continue_assessment": remembered})
    if remembered is not None:
        add_never_cache_headers(response)
    elif resume_cookie.cookie_name() in request.COOKIES:
        resume_cookie.forget(response)  # Deleted or purged since.
    return response


def home(request):
    """Lets a visitor pick a role to explore or to start, or continue where they left off."""
    roles = [
        (
            role,
            {
                **services.explain_preview(snapshots.visitor_snapshot(role)),
                "also_judged": services.also_judged(role),
            },
        )
        for role in Role.objects.published()
    ]
    return render_with_continue_prompt(request, "assessments/home.html", {"roles": roles})


def role_preview(request, slug):
    """Shows the realistic job preview of a role, with the way to start or to stop here."""
    if is_anonymous_first_visit(request):
        # The same page for every such visitor of this address: kept per profile version
        # (its id and content fingerprint in the key prefix), language and address (Django's
        # own cache key), see PREVIEW_SECONDS. Only the two columns the key needs are read:
        # a kept page is otherwise mostly the role's row made into a model.
        live = (
            Role.objects.published()
            .filter(slug=slug, live_version__isnull=False)
            .values_list("live_version_id", "published_fingerprint")[:1]
        )
        if live:
            version_id, fingerprint = live[0]
            key_prefix = f"preview-{version_id}-{fingerprint[:16]}"
            keep = cache_page(PREVIEW_SECONDS, cache=PAGE_CACHE, key_prefix=key_prefix)
            response = keep(render_preview)(request, slug)
            # Kept by the server, not by the browser: a language switch or a new version
            # shows at once.
            del response["Expires"]
            patch_cache_control(response, max_age=0, no_cache=True)
            return response
    return render_preview(request, slug)


def render_preview(request, slug):
    role = visible_role(request, slug)
    profile = snapshots.visitor_snapshot(role)
    return render_with_continue_prompt(
        request, "assessments/role_preview.html", preview_context(role, profile)
    )


def is_anonymous_first_visit(request) -> bool:
    """Whether the request carries nothing of its visitor that a preview shows: at most the
    chosen language and a CSRF cookie (the preview has no form); no session (staff,
    messages), no continue cookie. Its page is then the same for everyone."""
    return set(request.COOKIES) <= {settings.LANGUAGE_COOKIE_NAME, settings.CSRF_COOKIE_NAME}


def preview_context(role, profile) -> dict:
    return {
        "role": role,
        "profile": profile,
        # The comparison of the two roles side by side, which leads on to the other role.
        "similar_role_url": reverse("assessments:similar_role", kwargs={"slug": role.slug}),
        "also_judged": services.also_judged(role),
        **services.explain_preview(profile),
    }


def similar_role(request, slug):
    """Tells a visitor about the role the profile compares with (pekerja sosial): what it is,
    how it differs, how one gets there."""
    role = visible_role(request, slug)
    profile = snapshots.visitor_snapshot(role)
    if not profile["similar_role"].get("name"):
        raise Http404(_("Jabatan ini tidak dibandingkan dengan profesi lain."))
    # Back to the visitor's own result, when this browser holds one for this role.
    remembered = resume_cookie.remembered(request)
    own_result = remembered if remembered and remembered.role_id == role.pk else None
    context = {
        "role": role,
        "profile": profile,
        "own_result_url": own_result and own_result.is_completed and own_result.private_url(),
        # The other role itself, when it is a published role here.
        "other_role": Role.objects.published()
        .filter(slug=profile["similar_role"].get("slug"))
        .first(),
        # Where to read about the profession outside the app: its own text if there is one.
        "outside_steps": [
            f"assessments/similar_roles/{profile['similar_role'].get('slug') or 'default'}.html",
            "assessments/similar_roles/default.html",
        ],
    }
    return render(request, "assessments/similar_role.html", context)


@ratelimit(key="ip", rate=lambda group, request: settings.RATE_START, method="POST")
@require_http_methods(["GET", "POST"])
def consent(request, slug):
    """Shows the privacy notice and starts an assessment once the visitor agrees."""
    role = visible_role(request, slug)
    form = ConsentForm(posted(request))
    if form.is_valid():
        assessment = services.start_assessment(
            role=role,
            language=get_language(),
            consent_version=settings.CONSENT_NOTICE_VERSION,
        )
        response = redirect("assessments:section", token=assessment.token, number=1)
        resume_cookie.remember(response, assessment)
        return response
    return render(
        request,
        "assessments/consent.html",
        {
            "role": role,
            "form": form,
            "consent_version": settings.CONSENT_NOTICE_VERSION,
            "retention_days_completed": settings.RETENTION_DAYS_COMPLETED,
            "retention_days_abandoned": settings.RETENTION_DAYS_ABANDONED,
        },
    )


@never_cache
@noindex
def resume(request, token):
    """Takes a returning visitor to where they left off, or to their result."""
    assessment = get_object_or_404(Assessment, token=token)
    if assessment.is_completed:
        return redirect("assessments:result", token=token)
    number = services.first_open_section(assessment)
    if services.core_answered(assessment):
        # The second stage's page (or the result, if none is left) comes next.
        return redirect("assessments:extra", token=token, page=1)
    return redirect("assessments:section", token=token, number=number)


@never_cache
@noindex
@limit_answers
@require_http_methods(["GET", "POST"])
def section(request, token, number):
    """Lets the visitor answer one section; answers are saved as they move on or back.

    The language buttons on this page submit this form too, so switching keeps them.
    """
    assessment = get_object_or_404(Assessment, token=token)
    if assessment.is_completed:
        return redirect("assessments:result", token=token)
    version = snapshots.version_data(assessment.profile_version_id)
    snapshot = version.snapshot
    total = snapshots.section_count(snapshot)
    if not 1 <= number <= total:
        raise Http404(_("Bagian ini tidak ada."))
    items = services.core_items(snapshot, number)
    progress = services.core_progress(version, number)
    later = [n for n in range(number + 1, total + 1) if services.core_items(snapshot, n)]
    if not items:
        # A section of reserve items only: the second stage asks them, if at all.
        if later:
            return redirect("assessments:section", token=token, number=later[0])
        return redirect("assessments:resume", token=token)
    form = SectionForm(
        posted(request),
        items=items,
        education_fields=snapshot["education_fields"],
        first_number=progress["first"],
        shuffle_key=assessment.token,
        initial=assessment.answers,
    )
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action.startswith(LANGUAGE_ACTION):
            # The language buttons submit this form, so answers ticked here are not lost.
            services.save_answers(assessment, form.answered())
            response = redirect("assessments:section", token=token, number=number)
            remember_language(response, action.removeprefix(LANGUAGE_ACTION))
            return response
        if action == "back":
            services.save_answers(assessment, form.answered())
            if number == 1:
                return redirect(assessment.role or "assessments:home")
            return redirect("assessments:section", token=token, number=number - 1)
        if form.is_valid():
            if later:
                services.save_answers(assessment, form.cleaned_data, section=number)
                return redirect("assessments:section", token=token, number=later[0])
            return finish_core(request, assessment, form.cleaned_data, section=number)
    return render(
        request,
        "assessments/section.html",
        {
            "assessment": assessment,
            "form": form,
            "section": snapshot["sections"][number - 1],
            "number": number,
            "total": total,
            "is_last": not later,
            "progress": progress,
            **private_link(request, assessment),
        },
    )


def finish_core(request, assessment: Assessment, answers: dict, *, section: int | None):
    """After the last core section: the result, or the second stage's first open page."""
    try:
        services.complete_assessment(assessment, answers, section=section)
    except scoring.InvalidAnswers:
        # An earlier section has a gap (e.g. the visitor skipped ahead by URL).
        services.save_answers(assessment, answers)
        messages.warning(request, _("Masih ada pertanyaan yang belum dijawab."))
        return redirect("assessments:resume", token=assessment.token)
    except services.StageTwoOpen as open_page:
        return redirect("assessments:extra", token=assessment.token, page=open_page.page)
    return redirect("assessments:result", token=assessment.token)


def open_stage_two(assessment: Assessment, page: int):
    """The second stage's state and the items of ``page``, or None when the visitor should
    be elsewhere (a core question open, or no such page yet)."""
    try:
        stage = services.stage_two(assessment)
    except scoring.InvalidAnswers:
        return None, None
    if not 1 <= page <= len(stage.pages):
        return stage, None
    by_code = {item["code"]: item for item in snapshots.snapshot_of(assessment)["items"]}
    return stage, [by_code[code] for code in stage.pages[page - 1]]


@never_cache
@noindex
@ratelimit(key="ip", rate=lambda group, request: settings.RATE_SUBMIT, method="POST")
@require_http_methods(["GET", "POST"])
def extra(request, token, page):
    """Lets the visitor answer a short extra page of questions on the traits their answers
    left uncertain (the adaptive second stage); saved like any section."""
    assessment = get_object_or_404(Assessment, token=token)
    if assessment.is_completed:
        return redirect("assessments:result", token=token)
    stage, items = open_stage_two(assessment, page)
    if stage is None:
        return redirect("assessments:resume", token=token)
    if items is None:
        if stage.complete:
            return finish_core(request, assessment, {}, section=None)
        return redirect("assessments:extra", token=token, page=stage.open_page)
    version = snapshots.version_data(assessment.profile_version_id)
    snapshot = version.snapshot
    total_sections = snapshots.section_count(snapshot)
    core = services.core_progress(version, total_sections)["total"]
    before = core + sum(len(codes) for codes in stage.pages[: page - 1])
    form = SectionForm(
        posted(request),
        items=items,
        education_fields=snapshot["education_fields"],
        first_number=before + 1,
        shuffle_key=assessment.token,
        initial=assessment.answers,
    )
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action.startswith(LANGUAGE_ACTION):
            services.save_answers(assessment, form.answered())
            response = redirect("assessments:extra", token=token, page=page)
            remember_language(response, action.removeprefix(LANGUAGE_ACTION))
            return response
        if action == "back":
            services.save_answers(assessment, form.answered())
            if page == 1:
                return redirect("assessments:section", token=token, number=total_sections)
            return redirect("assessments:extra", token=token, page=page - 1)
        if form.is_valid():
            return finish_core(request, assessment, form.cleaned_data, section=None)
    total = before + len(items)
    return render(
        request,
        "assessments/section.html",
        {
            "assessment": assessment,
            "form": form,
            "section": {
                "title": _("Beberapa pertanyaan tambahan"),
                "intro": _(
                    "Jawaban Anda sejauh ini belum cukup untuk menyimpulkan beberapa sifat "
                    "dengan pasti. Pertanyaan berikut membantu memastikannya."
                ),
            },
            "number": total_sections + page,
            "total": total_sections + len(stage.pages),
            "is_last": False,
            "is_extra": True,
            "progress": {
                "first": before + 1,
                "last": total,
                "done": before,
                "total": total,
                "minutes_left": reading_time.minutes(
                    sum(
                        reading_time.item_seconds(item, snapshot["education_fields"])
                        for item in items
                    )
                ),
            },
            "autosave_url": reverse(
                "assessments:extra_autosave", kwargs={"token": token, "page": page}
            ),
            **private_link(request, assessment),
        },
    )


@never_cache
@noindex
@ratelimit(key="ip", rate=lambda group, request: settings.RATE_SUBMIT, method="POST")
@require_POST
def extra_autosave(request, token, page):
    """Saves the answers ticked so far on a second-stage page (the page's script)."""
    assessment = get_object_or_404(Assessment, token=token)
    if assessment.is_completed:
        return HttpResponse(status=HTTPStatus.CONFLICT)
    _stage, items = open_stage_two(assessment, page)
    if items is None:
        raise Http404(_("Bagian ini tidak ada."))
    form = SectionForm(
        request.POST,
        items=items,
        education_fields=snapshots.snapshot_of(assessment)["education_fields"],
    )
    services.save_answers(assessment, form.answered())
    return HttpResponse(status=HTTPStatus.NO_CONTENT)


@never_cache
@noindex
@limit_answers
@require_POST
def autosave(request, token, number):
    """Saves the answers ticked so far on a section, as the visitor ticks them (the page's
    script calls this); the section's own form still saves them all when it is sent."""
    assessment = get_object_or_404(Assessment, token=token)
    snapshot = snapshots.snapshot_of(assessment)
    if not 1 <= number <= snapshots.section_count(snapshot):
        raise Http404(_("Bagian ini tidak ada."))
    if assessment.is_completed:
        return HttpResponse(status=HTTPStatus.CONFLICT)
    form = SectionForm(
        request.POST,
        items=services.core_items(snapshot, number),
        education_fields=snapshot["education_fields"],
    )
    services.save_answers(assessment, form.answered())
    return HttpResponse(status=HTTPStatus.NO_CONTENT)


@never_cache
@noindex
def result(request, token):
    """Shows the visitor's result: verdict, every trait, every mismatch explained."""
    assessment = get_object_or_404(Assessment, token=token)
    if not assessment.is_completed:
        return redirect("assessments:resume", token=token)
    response = render(
        request,
        "assessments/result.html",
        {
            **result_context(request, assessment, read_only=False),
            **private_link(request, assessment),
        },
    )
    response["Referrer-Policy"] = "no-referrer"
    return response


@never_cache
@noindex
@require_http_methods(["GET", "POST"])
def delete(request, token):
    """Asks for confirmation, then deletes the visitor's assessment and every answer in it."""
    assessment = get_object_or_404(Assessment, token=token)
    form = DeleteForm(posted(request))
    if request.method == "POST" and form.is_valid():
        delete_assessments(Assessment.objects.filter(pk=assessment.pk))
        messages.success(request, _("Hasil dan semua jawaban Anda telah dihapus."))
        response = redirect("assessments:home")
        if request.COOKIES.get(resume_cookie.cookie_name()) == token:
            resume_cookie.forget(response)
        return response
    return render(request, "assessments/delete.html", {"assessment": assessment, "form": form})


@never_cache
@noindex
@require_GET
def role_result(request, token, slug):
    """The visitor's answers as judged for another role of the same item bank: the whole
    result page of that role, from the result stored when the questionnaire was finished."""
    assessment = completed_or_404(token)
    role_result = get_object_or_404(
        assessment.role_results.select_related("profile_version"),
        profile_version__role__slug=slug,
    )
    snapshot = snapshots.version_data(role_result.profile_version_id).snapshot
    context = {
        **services.explain_result(snapshot, role_result.result),
        "assessment": assessment,
        "profile": snapshot,
        "similar_role_url": services.similar_role_url(snapshot),
        "read_only": False,
        # Kept and deleted with the visitor's own result, from its page.
        "other_role_of": snapshots.version_data(assessment.profile_version_id).snapshot,
        "own_result_url": reverse("assessments:result", kwargs={"token": token}),
    }
    response = render(request, "assessments/result.html", context)
    response["Referrer-Policy"] = "no-referrer"
    return response


def result_context(request, assessment: Assessment, *, read_only: bool) -> dict:
    """What the result page (and its PDF) shows of a completed assessment. ``read_only``:
    for someone the visitor shared it with, without the private link, delete or share."""
    if read_only:
        token = assessment.share.token
        pdf_url = reverse("assessments:shared_result_pdf", kwargs={"token": token})
    else:
        pdf_url = reverse("assessments:result_pdf", kwargs={"token": assessment.token})
    share_url = reverse("assessments:share_result", kwargs={"token": assessment.token})
    snapshot = snapshots.snapshot_of(assessment)
    explained = services.explain_result(snapshot, assessment.result)
    # Side by side for whoever reads the result; the link to each in full needs the
    # private link.
    other_roles = services.other_roles(assessment, explained["result"], link=not read_only)
    similar_result = next(
        (role["url"] for role in other_roles if role["slug"] == explained["result"].suggested_role),
        None,
    )
    return {
        **explained,
        "other_roles": other_roles,
        # The suggested role's own result from the same answers, when there is one.
        "similar_role_result_url": None if read_only else similar_result,
        "assessment": assessment,
        "profile": snapshot,
        "similar_role_url": services.similar_role_url(snapshot),
        "read_only": read_only,
        "share_page_url": None if read_only else share_url,
        "pdf_url": pdf_url,
    }


def completed_or_404(token: str) -> Assessment:
    assessment = get_object_or_404(Assessment, token=token)
    if not assessment.is_completed:
        raise Http404(_("Hasil ini belum ada."))
    return assessment


def shared_or_404(token: str) -> Assessment:
    share = get_object_or_404(ResultShare.objects.select_related("assessment"), token=token)
    return share.assessment


@never_cache
@noindex
@require_http_methods(["GET", "POST"])
def share_result(request, token):
    """Lets the holder of the private link make a read-only link to the result, see it, or
    revoke it (a new one has a new address).

    A page of its own, as deleting is: the result page sends no Referer (its address is the
    private link), so a browser sends its forms with the origin "null", which the CSRF
    check refuses.
    """
    assessment = completed_or_404(token)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            ResultShare.objects.get_or_create(assessment=assessment)
        elif action == "revoke":
            ResultShare.objects.filter(assessment=assessment).delete()
            messages.success(
                request, _("Tautan hanya-baca dicabut: tautan itu tidak berlaku lagi.")
            )
        else:
            return HttpResponse(
                _("Tindakan tidak dikenal."),
                status=HTTPStatus.BAD_REQUEST,
                content_type="text/plain",
            )
        return redirect("assessments:share_result", token=token)
    share = ResultShare.objects.filter(assessment=assessment).first()
    context = {
        "assessment": assessment,
        "share": share,
        "shared_url": share and request.build_absolute_uri(share.read_only_url()),
    }
    return render(request, "assessments/share.html", context)


@never_cache
@noindex
@require_GET
def shared_result(request, token):
    """Shows a result to someone the visitor shared it with: read only, no way to delete."""
    assessment = shared_or_404(token)
    response = render(
        request, "assessments/result.html", result_context(request, assessment, read_only=True)
    )
    response["Referrer-Policy"] = "no-referrer"
    return response


def pdf_response(
    request, assessment: Assessment, *, read_only: bool, page_url: str
) -> HttpResponse:
    """The result as a PDF download: kept once made; making one is rate-limited. Where no
    PDF can be made, back to the result's page (``page_url``) with a word on printing."""
    content = pdf.cached(assessment, read_only=read_only)
    if content is None:
        if is_ratelimited(request, group="result-pdf", key="ip", rate=pdf.rate(), increment=True):
            raise Ratelimited()
        context = {**result_context(request, assessment, read_only=read_only), "open_all": True}
        try:
            content = pdf.render(request, assessment, context, read_only=read_only)
        except pdf.TooLarge as error:
            logger.error("Result PDF refused: the page is too large (%s)", error)
            return render(request, "413.html", status=HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        except pdf.Unavailable as error:
            logger.error("Result PDF cannot be made on this server: %s", error)
            messages.error(
                request,
                _(
                    "PDF belum dapat dibuat di server ini. Gunakan menu Cetak pada browser "
                    "Anda: semua bagian hasil ikut tercetak."
                ),
            )
            return redirect(page_url)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf.filename(assessment)}"'
    return response


@never_cache
@noindex
@require_GET
def result_pdf(request, token):
    """Lets the visitor download their result as a complete PDF."""
    page_url = reverse("assessments:result", kwargs={"token": token})
    return pdf_response(request, completed_or_404(token), read_only=False, page_url=page_url)


@never_cache
@noindex
@require_GET
def shared_result_pdf(request, token):
    """Lets someone the result was shared with download it as a PDF (read only)."""
    page_url = reverse("assessments:shared_result", kwargs={"token": token})
    return pdf_response(request, shared_or_404(token), read_only=True, page_url=page_url)


def rate_limited(request, exception):
    """Tells a visitor who sent too many requests to wait a moment."""
    return render(request, "429.html", status=429)


@require_GET
def health(request):
    """Tells a load balancer the app is up (liveness); touches nothing else."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
@require_GET
def ready(request):
    """Tells a load balancer whether this server can take visitors: the database reads and
    writes (readiness). Redis is asked too, now: an outage is reported but is no reason to
    stop sending them.
    """
    try:
        readiness.check_database()
    except DatabaseError as error:
        logger.warning("Not ready: %s: %s", type(error).__name__, str(error)[:200])
        response = HttpResponse(
            "database unavailable\n",
            content_type="text/plain",
            status=HTTPStatus.SERVICE_UNAVAILABLE,
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response._has_been_logged = True  # logged above, without a traceback
        return response
    ping = getattr(cache, "ping", None)  # careerfit.cache.FallbackRedisCache's
    if ping is None:
        cache_state = "per-process (no REDIS_URL)"
    else:
        cache_state = "shared" if ping() else "per-process (Redis unreachable)"
    return HttpResponse(f"ok\ndatabase: ok\ncache: {cache_state}\n", content_type="text/plain")
