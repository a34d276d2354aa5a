"""Every public page of the Kabag Kesra questionnaire, in each state a visitor can see.

Used by the checks that look at all pages at once: HTML validity, no inline code, and (in
the browser) accessibility. Assessments are made through ``services`` so a completed one has
exactly the result a visitor who gave those answers would get.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from assessments import services, snapshots
from assessments.models import Assessment, ResultShare, Role
from assessments.snapshots import score_snapshot
from tests.answers import answers_for, developing_candidate, honest_strong

VERDICTS = ("cocok", "cukup_cocok", "kurang_cocok", "tidak_cocok", "tidak_dapat_disimpulkan")


def answers_for_verdict(snapshot, verdict: str) -> dict[str, str]:
    """A complete set of answers that gets ``verdict`` on ``snapshot``.

    Besides the verdict, the sets differ in orientation and education, so the result pages
    between them show every optional block (the similar role suggested, an education
    mismatch, misconceptions held or not).
    """
    if verdict == "cocok":
        answers = answers_for(snapshot, level="best")
    elif verdict == "cukup_cocok":
        # A candidate still developing, who holds every misconception, prefers direct
        # service and studied another field.
        answers = answers_for(
            snapshot, level="middle", direct_service=True, education_preferred=False
        )
        developing = developing_candidate(snapshot)
        answers |= {
            item["code"]: developing[item["code"]]
            for item in snapshot["items"]
            if item["trait"] or item["kind"] == "check"
        }
    elif verdict == "kurang_cocok":
        # Every trait at its bottom except the knockout ones, which stay strong: far from
        # the post, but not disqualified.
        strong = honest_strong(snapshot)
        answers = answers_for(snapshot, level="worst", direct_service=True)
        knockout_traits = {
            trait["key"] for trait in snapshot["traits"] if trait["knockout_below"] is not None
        }
        for item in snapshot["items"]:
            if item["trait"] in knockout_traits:
                answers[item["code"]] = strong[item["code"]]
    elif verdict == "tidak_cocok":
        answers = answers_for(snapshot, level="worst", education_preferred=False)
    elif verdict == "tidak_dapat_disimpulkan":
        # The same rating for every statement (straight-lining): no reading of the person.
        answers = answers_for(snapshot, level="middle")
    else:
        raise ValueError(f"unknown verdict {verdict!r}")
    scored = score_snapshot(snapshot=snapshot, answers=answers).verdict
    assert scored == verdict, f"answers meant for {verdict} score {scored}"
    return answers


def started_assessment(role: Role, *, language: str = "id") -> Assessment:
    return services.start_assessment(
        role=role, language=language, consent_version=settings.CONSENT_NOTICE_VERSION
    )


def completed_assessment(role: Role, verdict: str, *, language: str = "id") -> Assessment:
    """An assessment whose stored result has ``verdict``."""
    assessment = started_assessment(role, language=language)
    return services.complete_assessment(
        assessment, answers_for_verdict(assessment.snapshot, verdict)
    )


def rushed_assessment(role: Role) -> Assessment:
    """A fitting assessment whose sections were each sent within moments: the result warns
    that it was answered too fast for the questions to have been read."""
    assessment = started_assessment(role)
    answers = answers_for_verdict(assessment.snapshot, "cocok")
    sections = assessment.snapshot["sections"]
    for number, section in enumerate(sections[:-1], start=1):
        services.save_answers(
            assessment, {code: answers[code] for code in section["items"]}, section=number
        )
    return services.complete_assessment(assessment, answers, section=len(sections))


def section_url(assessment: Assessment, number: int) -> str:
    return reverse("assessments:section", kwargs={"token": assessment.token, "number": number})


def section_post_missing_one(assessment: Assessment, number: int = 1) -> dict[str, str]:
    """The answers to section ``number`` (its core questions) with the second left out."""
    answers = answers_for(assessment.snapshot, level="best")
    codes = [item["code"] for item in services.core_items(assessment.snapshot, number)]
    data = {code: answers[code] for code in codes if code != codes[1]}
    data["action"] = "next"
    return data


def public_page_urls(role: Role) -> dict[str, str | tuple[str, dict]]:
    """Page name -> URL to GET, or (URL, data) to POST, for every public page and state."""
    in_progress = started_assessment(role)
    pages: dict[str, str | tuple[str, dict]] = {
        "home": reverse("assessments:home"),
        "preview": role.get_absolute_url(),
        "consent": reverse("assessments:consent", kwargs={"slug": role.slug}),
        "consent-error": (reverse("assessments:consent", kwargs={"slug": role.slug}), {}),
        "similar-role": reverse("assessments:similar_role", kwargs={"slug": role.slug}),
    }
    for other in services.also_judged(role):
        pages[f"preview-{other.slug}"] = other.get_absolute_url()
        pages[f"similar-role-{other.slug}"] = reverse(
            "assessments:similar_role", kwargs={"slug": other.slug}
        )
    for number in range(1, snapshots.section_count(in_progress.snapshot) + 1):
        pages[f"section-{number}"] = section_url(in_progress, number)
    pages["section-error"] = (section_url(in_progress, 1), section_post_missing_one(in_progress))
    for verdict in VERDICTS:
        assessment = completed_assessment(role, verdict)
        pages[f"result-{verdict}"] = reverse(
            "assessments:result", kwargs={"token": assessment.token}
        )
        # The same answers judged for each other role of the bank, on a page of its own.
        for other in assessment.role_results.select_related("profile_version__role"):
            slug = other.profile_version.role.slug
            pages[f"result-{verdict}-as-{slug}"] = reverse(
                "assessments:role_result", kwargs={"token": assessment.token, "slug": slug}
            )
    pages["result-too-fast"] = reverse(
        "assessments:result", kwargs={"token": rushed_assessment(role).token}
    )
    shared = ResultShare.objects.create(assessment=completed_assessment(role, "kurang_cocok"))
    pages["result-shared"] = shared.read_only_url()
    pages["share"] = reverse("assessments:share_result", kwargs={"token": shared.assessment.token})
    pages["delete"] = reverse("assessments:delete", kwargs={"token": in_progress.token})
    pages["404"] = "/a/no-such-token/hasil/"
    return pages


def fetch_public_pages(client, role: Role, *, languages=("id", "en")) -> dict[str, object]:
    """Page name (with ``@language`` unless Indonesian) -> the response, in each language."""
    urls = public_page_urls(role)
    responses = {}
    for language in languages:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        suffix = "" if language == settings.LANGUAGE_CODE else f"@{language}"
        for name, target in urls.items():
            if isinstance(target, tuple):
                response = client.post(*target)
            else:
                response = client.get(target)
            responses[name + suffix] = response
    return responses
