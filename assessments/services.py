"""What happens to an assessment: started, answered section by section, scored, explained."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from . import scoring
from .insights import store_score_rows
from .models import Assessment, Role
from .profiles import load_role_for_snapshot, score_snapshot, snapshot_role


def start_assessment(*, role: Role, language: str, consent_version: str) -> Assessment:
    """A new assessment against a snapshot of the role as it is now."""
    snapshot = snapshot_role(load_role_for_snapshot(role.pk))
    now = timezone.now()
    return Assessment.objects.create(
        role=role,
        role_version=snapshot["version"],
        snapshot=snapshot,
        language=language,
        consent_version=consent_version,
        consented_at=now,
        created_at=now,
    )


def section_count(snapshot: dict[str, Any]) -> int:
    return len(snapshot["sections"])


def section_items(snapshot: dict[str, Any], number: int) -> list[dict[str, Any]]:
    """The items of section ``number`` (1-based), in order."""
    codes = snapshot["sections"][number - 1]["items"]
    by_code = {item["code"]: item for item in snapshot["items"]}
    return [by_code[code] for code in codes]


def items_before(snapshot: dict[str, Any], number: int) -> int:
    return sum(len(section["items"]) for section in snapshot["sections"][: number - 1])


def first_open_section(assessment: Assessment) -> int:
    """The first section with an unanswered question, or the last section if none is open."""
    for number, section in enumerate(assessment.snapshot["sections"], start=1):
        if any(code not in assessment.answers for code in section["items"]):
            return number
    return section_count(assessment.snapshot)


def save_answers(assessment: Assessment, answers: dict[str, str]) -> Assessment:
    """Merge ``answers`` into the stored ones; a completed assessment is never changed."""
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if locked.is_completed:
            return locked
        locked.answers = {**locked.answers, **answers}
        locked.save(update_fields=["answers", "updated_at"])
    return locked


def complete_assessment(assessment: Assessment, answers: dict[str, str]) -> Assessment:
    """Store the last answers, score them against the snapshot and store the result.

    Raises ``scoring.InvalidAnswers`` (and changes nothing) if any answer is missing.
    """
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if locked.is_completed:
            return locked
        all_answers = {**locked.answers, **answers}
        result = score_snapshot(snapshot=locked.snapshot, answers=all_answers)
        locked.answers = all_answers
        locked.result = result.to_dict()
        locked.verdict = result.verdict
        locked.overall_fit = result.overall_fit
        locked.direct_service_share = result.direct_service_share
        locked.status = Assessment.Status.COMPLETED
        locked.completed_at = timezone.now()
        locked.save()
        # The rows the HR dashboard and item statistics add up; deleted with the assessment.
        store_score_rows(locked, result)
    return locked


def rescore(assessment: Assessment) -> scoring.Result:
    """Score the stored answers against the stored snapshot again."""
    return score_snapshot(snapshot=assessment.snapshot, answers=assessment.answers)


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
    }
