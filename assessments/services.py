"""What happens to an assessment: started, answered section by section, scored, explained."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import scoring
from .insights.rows import store_score_rows
from .models import Assessment, Role
from .snapshots import (
    direct_service_threshold_percent,
    live_version,
    section_count,
    version_data,
    version_for_visit,
)


def start_assessment(*, role: Role, language: str, consent_version: str) -> Assessment:
    """A new assessment on the role's live version (a draft version for a draft role)."""
    version = version_for_visit(role)
    now = timezone.now()
    return Assessment.objects.create(
        role=role,
        profile_version=version,
        role_version=version.number,
        # The role's state decides: a draft's content may equal a version once published
        # (a role taken back to draft), which is stored once and so not marked as a draft.
        on_draft=not role.is_published,
        language=language,
        consent_version=consent_version,
        consented_at=now,
        created_at=now,
    )


PAPER_CONSENT = "paper"


def record_paper_results(*, role: Role, answers: list[dict[str, str]]) -> int:
    """Store paper questionnaires as completed results of the role's live version.

    ``answers``: each respondent's answers as read from the file (``files.paper``), all
    of which must score; one transaction, so either every one is stored or none.
    Returns how many were stored.
    """
    from .files.paper import normalise

    version = live_version(role)
    profile = version_data(version.pk).profile
    with transaction.atomic():
        for given in answers:
            now = timezone.now()
            assessment = Assessment.objects.create(
                role=role,
                profile_version=version,
                role_version=version.number,
                source=Assessment.Source.PAPER,
                language=settings.LANGUAGE_CODE,
                consent_version=PAPER_CONSENT,
                consented_at=now,
                created_at=now,
            )
            complete_assessment(assessment, normalise(profile, given))
    return len(answers)


def first_open_section(assessment: Assessment) -> int:
    """The first section with an unanswered question, or the last section if none is open."""
    for number, section in enumerate(assessment.snapshot["sections"], start=1):
        if any(code not in assessment.answers for code in section["items"]):
            return number
    return section_count(assessment.snapshot)


def mark_section_saved(assessment: Assessment, number: int | None) -> None:
    """Remember when section ``number`` was first sent (the server's clock), once."""
    if number is not None:
        assessment.section_saved_at.setdefault(str(number), timezone.now().isoformat())


def section_seconds(assessment: Assessment) -> dict[int, float]:
    """Seconds spent on each section, from the previous one's first save (or the start).

    Only sections saved in order count: a visitor who came back to a section has already
    seen it, so its time says nothing about reading speed.
    """
    saved = assessment.section_saved_at or {}
    seconds = {}
    previous = assessment.created_at
    for number in range(1, section_count(assessment.snapshot) + 1):
        stamp = saved.get(str(number))
        if stamp is None:
            break
        moment = datetime.fromisoformat(stamp)
        seconds[number] = (moment - previous).total_seconds()
        previous = moment
    return seconds


def save_answers(
    assessment: Assessment, answers: dict[str, str], *, section: int | None = None
) -> Assessment:
    """Merge ``answers`` into the stored ones; a completed assessment is never changed.

    ``section``: the number of the section whose form was sent complete, for its time.
    """
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if locked.is_completed:
            return locked
        locked.answers = {**locked.answers, **answers}
        mark_section_saved(locked, section)
        locked.save(update_fields=["answers", "section_saved_at", "updated_at"])
    return locked


def complete_assessment(
    assessment: Assessment, answers: dict[str, str], *, section: int | None = None
) -> Assessment:
    """Store the last answers, score them against the snapshot and store the result.

    Raises ``scoring.InvalidAnswers`` (and changes nothing) if any answer is missing.
    """
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if locked.is_completed:
            return locked
        all_answers = {**locked.answers, **answers}
        mark_section_saved(locked, section)
        result = scoring.score(
            profile=version_data(locked.profile_version_id).profile,
            answers=all_answers,
            section_seconds=section_seconds(locked),
        )
        locked.answers = all_answers
        locked.result = result.to_dict()
        locked.verdict = result.verdict
        locked.overall_fit = result.overall_fit
        locked.direct_service_share = result.direct_service_share
        locked.quality_flags = list(getattr(result, "quality_flags", ()))
        locked.status = Assessment.Status.COMPLETED
        locked.completed_at = timezone.now()
        locked.save()
        # The rows the HR dashboard and item statistics add up; deleted with the assessment.
        store_score_rows(locked, result)
    return locked


def rescore(assessment: Assessment) -> scoring.Result:
    """Score the stored answers against the stored version again."""
    return scoring.score(
        profile=version_data(assessment.profile_version_id).profile,
        answers=assessment.answers,
        section_seconds=section_seconds(assessment) if assessment.source == "web" else None,
    )


def explain_result(snapshot: dict[str, Any], result_data: dict[str, Any]) -> dict[str, Any]:
    """Everything the result page shows, joined from the stored result and snapshot."""
    result = scoring.result_from_dict(result_data)
    traits = {trait["key"]: trait for trait in snapshot["traits"]}
    items = {item["code"]: item for item in snapshot["items"]}
    beliefs = {belief["key"]: belief for belief in snapshot["beliefs"]}
    rows = [{**traits[trait.key], "result": trait} for trait in result.traits]
    by_key = {row["key"]: row for row in rows}
    scenario_feedback = []
    for code, option_code in result.scenario_choices:
        item = items[code]
        option = next(option for option in item["options"] if option["code"] == option_code)
        best = max(option["score"] for option in item["options"])
        scenario_feedback.append(
            {
                "item": item,
                "option": option,
                "trait": traits[item["trait"]],
                "is_best": option["score"] == best,
            }
        )
    education = None
    if result.education_field is not None:
        field = next(
            (f for f in snapshot["education_fields"] if f["code"] == result.education_field),
            None,
        )
        education = {"field": field, "match": result.education_match}
    return {
        "result": result,
        "traits": rows,
        "mismatches": [by_key[key] for key in result.mismatches],
        "strengths": [by_key[key] for key in result.strengths],
        "knockouts": [by_key[key] for key in result.knockouts],
        "misconceptions": [
            {"item": items[code], "belief": beliefs.get(items[code]["belief"] or "")}
            for code in result.misconceptions
        ],
        "scenario_feedback": scenario_feedback,
        "education": education,
        "direct_service_share": result.direct_service_share,
        "suggest_similar_role": bool(result.suggested_role),
        "direct_service_threshold": direct_service_threshold_percent(snapshot),
    }
