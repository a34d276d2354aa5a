"""What happens to an assessment: started, answered section by section, scored, explained."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language

from . import scoring, verdicts
from .insights.rows import store_score_rows
from .models import Assessment, ProfileVersion, Role, RoleResult
from .reading_time import minutes, preview_seconds, questionnaire_seconds, section_progress
from .snapshots import (
    VersionData,
    direct_service_threshold_percent,
    live_version,
    section_count,
    section_items,
    snapshot_of,
    tr,
    version_data,
    version_for_visit,
)
from .specs import ItemFigures
from .texts import lead_and_rest, shared_ending, without_repeats

# The first screen of the role preview says what the post is in about this many words.
LEAD_WORDS = 20


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
    """The first section with an unanswered core question, or the last section if none is
    open."""
    snapshot = snapshot_of(assessment)
    for number in range(1, section_count(snapshot) + 1):
        if any(item["code"] not in assessment.answers for item in core_items(snapshot, number)):
            return number
    return section_count(snapshot_of(assessment))


def core_answered(assessment: Assessment) -> bool:
    """Whether every core question has an answer (the second stage may follow)."""
    snapshot = snapshot_of(assessment)
    return all(
        item["code"] in assessment.answers
        for number in range(1, section_count(snapshot) + 1)
        for item in core_items(snapshot, number)
    )


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
    for number in range(1, section_count(snapshot_of(assessment)) + 1):
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


class StageTwoOpen(Exception):
    """The core is answered, but the second stage still has a page to ask."""

    def __init__(self, page: int):
        self.page = page
        super().__init__(f"second-stage page {page} is still open")


def version_figures(assessment: Assessment) -> scoring.ItemFigures:
    """The item figures the assessment's version holds (the prior until estimated)."""
    stored = (
        ProfileVersion.objects.filter(pk=assessment.profile_version_id)
        .values_list("item_figures", flat=True)
        .first()
    )
    return ItemFigures.from_dict(stored)


def stage_two(assessment: Assessment, answers: dict[str, str] | None = None) -> scoring.StageTwo:
    """Where the web assessment's second stage stands (its core must be answered:
    ``scoring.InvalidAnswers`` otherwise)."""
    return scoring.stage_two(
        version_data(assessment.profile_version_id).profile,
        assessment.answers if answers is None else answers,
        figures=version_figures(assessment),
        section_seconds=section_seconds(assessment),
    )


def core_items(snapshot: dict[str, Any], number: int) -> list[dict[str, Any]]:
    """The items of section ``number`` asked in the core (reserve items wait for the
    second stage)."""
    return [item for item in section_items(snapshot, number) if not item.get("reserve")]


def core_progress(data: VersionData, number: int) -> dict[str, int]:
    """``section_progress`` counting only the core's questions: the second stage's pages,
    if any, add theirs when they come. Worked out once per process, version, language and
    section: the reading time reads every later question's words."""
    key = ("core_progress", get_language(), number)
    if key not in data.derived:
        data.derived[key] = _core_progress(data.snapshot, number)
    return data.derived[key]


def _core_progress(snapshot: dict[str, Any], number: int) -> dict[str, int]:
    sizes = [
        sum(not item.get("reserve") for item in section_items(snapshot, n))
        for n in range(1, section_count(snapshot) + 1)
    ]
    before = sum(sizes[: number - 1])
    return {
        **section_progress(snapshot, number),
        "first": before + 1,
        "last": before + sizes[number - 1],
        "done": before,
        "total": sum(sizes),
    }


def complete_assessment(
    assessment: Assessment, answers: dict[str, str], *, section: int | None = None
) -> Assessment:
    """Store the last answers, score them against the snapshot and store the result.

    On paper every item is answered and scored. On the web the answers that count are the
    core and the second stage's pages (``scoring.stage_two``); ``StageTwoOpen`` (with the
    answers saved) when a page of it is still to be answered. Raises
    ``scoring.InvalidAnswers`` (and changes nothing) if any core answer is missing.
    """
    open_page = None
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if locked.is_completed:
            return locked
        all_answers = {**locked.answers, **answers}
        mark_section_saved(locked, section)
        profile = version_data(locked.profile_version_id).profile
        figures = version_figures(locked)
        if locked.source == Assessment.Source.PAPER:
            result = scoring.score(profile=profile, answers=all_answers, figures=figures)
        else:
            stage = scoring.stage_two(
                profile, all_answers, figures=figures, section_seconds=section_seconds(locked)
            )
            result = stage.result
            open_page = stage.open_page
        locked.answers = all_answers
        if result is None:
            locked.save(update_fields=["answers", "section_saved_at", "updated_at"])
        else:
            locked.result = result.to_dict()
            locked.verdict = result.verdict
            locked.overall_fit = result.overall_fit
            locked.direct_service_share = result.direct_service_share
            locked.quality_flags = list(result.quality_flags)
            locked.status = Assessment.Status.COMPLETED
            locked.completed_at = timezone.now()
            locked.save()
            # The rows the HR dashboard and item statistics add up; deleted with it.
            store_score_rows(locked, result)
            store_role_results(locked, section_seconds(locked))
    if result is None:
        # Raised once the answers are saved: inside the transaction it would undo that.
        raise StageTwoOpen(open_page)
    return locked


def store_role_results(
    assessment: Assessment, seconds: dict[int, float] | None = None
) -> list[RoleResult]:
    """Score the completed answers for every other published role of the assessment's bank,
    on that role's live version, and store each result.

    A role whose version weighs a trait these answers say nothing of (a bank trait added
    after this questionnaire's version) is left out: it cannot be judged from them.
    """
    role = assessment.role
    if role is None or role.bank_id is None:
        return []
    stored = []
    others = Role.objects.published().filter(bank_id=role.bank_id).exclude(pk=role.pk)
    for other in others.order_by("title"):
        version = live_version(other)
        data = version_data(version.pk)
        profile = scoring.answered_part(data.profile, assessment.answers)
        if profile is None:
            continue
        answers = {
            code: assessment.answers[code]
            for code in data.items_by_code
            if code in assessment.answers
        }
        # The time spent on each page speaks for the other role too when its pages are the
        # same bank sections.
        own_pages = version_data(assessment.profile_version_id).profile.sections
        same_pages = len(profile.sections) == len(own_pages)
        result = scoring.score(
            profile=profile,
            answers=answers,
            section_seconds=seconds if same_pages else None,
            figures=ItemFigures.from_dict(version.item_figures),
        )
        stored.append(
            RoleResult.objects.create(
                assessment=assessment,
                profile_version=version,
                result=result.to_dict(),
                verdict=result.verdict,
                overall_fit=result.overall_fit,
            )
        )
    return stored


# The result page names at most this many traits on which another role differs most.
DIFFERING_TRAITS = 3


def other_roles(
    assessment: Assessment, own_result: scoring.Result, *, link: bool = True
) -> list[dict[str, Any]]:
    """The assessment's answers as judged for each other role of its bank, side by side with
    the chosen role: verdict, overall fit with its band, and the traits that differ most."""
    own_traits = version_data(assessment.profile_version_id).traits_by_key
    shown = []
    for role_result in assessment.role_results.order_by("pk"):
        data = version_data(role_result.profile_version_id)
        result = scoring.result_from_dict(role_result.result)
        differences = trait_differences(own_result, own_traits, result, data.traits_by_key)
        shown.append(
            {
                "slug": data.snapshot["slug"],
                "title": tr(data.snapshot, "title"),
                "result": result,
                "verdict_text": verdicts.VERDICT_TEXTS[result.verdict],
                "url": reverse(
                    "assessments:role_result",
                    kwargs={"token": assessment.token, "slug": data.snapshot["slug"]},
                )
                if link
                else None,
                "differences": differences[:DIFFERING_TRAITS],
            }
        )
    return shown


def trait_differences(
    own_result: scoring.Result,
    own_traits: dict[str, dict],
    result: scoring.Result,
    traits: dict[str, dict],
) -> list[dict[str, Any]]:
    """The traits the two roles weigh differently, most different first: a trait only one
    of them weighs, then by how far their weights and levels differ. Each row holds the
    trait and its result for the chosen role (``own``) and for the other (``other``), either
    None where that role does not weigh it."""
    own = {trait.key: trait for trait in own_result.traits}
    other = {trait.key: trait for trait in result.traits}
    rows = []
    for key in dict.fromkeys((*other, *own)):
        mine, theirs = own.get(key), other.get(key)
        if mine is None or theirs is None:
            distance = 100
        else:
            distance = 10 * abs(theirs.weight - mine.weight) + abs(
                theirs.required_level - mine.required_level
            )
        if distance:
            trait = traits.get(key) or own_traits[key]
            rows.append({"trait": trait, "own": mine, "other": theirs, "distance": distance})
    rows.sort(key=lambda row: -row["distance"])
    return rows


def rescore(assessment: Assessment) -> scoring.Result:
    """Score the stored answers against the stored version again, with today's rules."""
    if assessment.source == Assessment.Source.PAPER:
        return scoring.score(
            profile=version_data(assessment.profile_version_id).profile,
            answers=assessment.answers,
            figures=version_figures(assessment),
        )
    stage = stage_two(assessment)
    if stage.result is None:
        raise StageTwoOpen(stage.open_page)
    return stage.result


def explain_result(snapshot: dict[str, Any], result_data: dict[str, Any]) -> dict[str, Any]:
    """Everything the result page shows, joined from the stored result and snapshot."""
    result = scoring.result_from_dict(result_data)
    traits = {trait["key"]: trait for trait in snapshot["traits"]}
    items = {item["code"]: item for item in snapshot["items"]}
    beliefs = {belief["key"]: belief for belief in snapshot["beliefs"]}
    rows = [
        {
            **traits[trait.key],
            "result": trait,
            "evidence_gap": verdicts.EVIDENCE_GAP_TEXTS.get(trait.evidence_gap),
            # Self-report and behaviour evidence both there (not in legacy results).
            "both_parts": trait.self_score is not None and trait.behaviour_score is not None,
            "band": trait_band(trait, result),
        }
        for trait in result.traits
    ]
    by_key = {row["key"]: row for row in rows}
    mismatches = [by_key[key] for key in result.mismatches]
    # Read one after another, the reasons never repeat a sentence (a seed sentence may be
    # the reason of two traits).
    for row, reason in zip(
        mismatches,
        without_repeats([tr(row, "why_it_matters") for row in mismatches]),
        strict=True,
    ):
        row["why_it_matters_shown"] = reason
    knockouts = [by_key[key] for key in result.knockouts]
    shared_reason, reasons = shared_ending([tr(trait, "knockout_reason") for trait in knockouts])
    held = [
        {"item": items[code], "belief": beliefs.get(items[code]["belief"] or "")}
        for code in result.misconceptions
    ]
    held_beliefs = [entry["belief"] for entry in held if entry["belief"]]
    preference_count = sum(item["kind"] == scoring.PREFERENCE for item in snapshot["items"])
    education = None
    if result.education_field is not None:
        field = next(
            (f for f in snapshot["education_fields"] if f["code"] == result.education_field),
            None,
        )
        education = {"field": field, "match": result.education_match}
    verdict_text = verdicts.VERDICT_TEXTS[result.verdict]
    unreadable = bool(result.quality_flags)
    knockout_rows = [by_key[key] for key in result.knockouts]
    # The traits to work on first: the disqualifying ones, then the gaps by weight x gap.
    to_develop = list(dict.fromkeys(row["key"] for row in (*knockout_rows, *mismatches)))
    to_develop_rows = [by_key[key] for key in to_develop]
    return {
        "result": result,
        "verdict_text": verdict_text,
        "next_steps": named_next_steps(verdict_text, to_develop_rows),
        "first_steps": [] if unreadable else first_steps(to_develop_rows),
        "standing": trait_standing(result, rows),
        # Patterns that make the answers unreadable, and warnings beside the verdict.
        "quality_flags": [verdicts.QUALITY_TEXTS[flag] for flag in result.quality_flags],
        "quality_warnings": [verdicts.QUALITY_TEXTS[flag] for flag in result.quality_warnings],
        "uncertain": result.verdict == scoring.UNREADABLE,
        # Sure or not: the other verdict the answers allow, and the traits that keep it open.
        "verdict_open": verdict_open(result, by_key),
        "traits": rows,
        "mismatches": mismatches,
        "strengths": [by_key[key] for key in result.strengths],
        "blocking": blocking_traits(snapshot, result, by_key),
        "knockouts": [
            {**trait, "reason": reason} for trait, reason in zip(knockouts, reasons, strict=True)
        ],
        "knockout_shared_reason": shared_reason,
        "trait_count": len(rows),
        "misconceptions": held,
        # The corrections of the beliefs not held: the role preview leaves them to the result,
        # so that the belief items are asked before any correction is read.
        "other_beliefs": [
            belief for key, belief in beliefs.items() if key not in {b["key"] for b in held_beliefs}
        ],
        # After an unreadable result the best answers are kept back, so that a retake
        # still measures how the person would act rather than what they read here.
        "keys_withheld": unreadable,
        "scenario_feedback": []
        if unreadable
        else choice_feedback(snapshot, (*result.scenario_choices, *result.knowledge_choices)),
        "education": education,
        "direct_service_share": result.direct_service_share,
        # The share as the counts it was compared from: "4 of 6", never a rounded percentage.
        "preference_count": preference_count,
        "direct_service_choices": (
            round(result.direct_service_share * preference_count / 100)
            if result.direct_service_share is not None
            else None
        ),
        "suggest_similar_role": bool(result.suggested_role),
        "direct_service_threshold": direct_service_threshold_percent(snapshot),
    }


def trait_band(trait: scoring.TraitResult, result: scoring.Result) -> dict[str, Any] | None:
    """The band a trait's score lies in, as stored (None for results stored without one)."""
    if trait.se is None or trait.low is None:
        return None
    return {
        "low": trait.low,
        "high": trait.high,
        "width": max(0.0, trait.high - trait.low),
        "uncertain": bool(trait.uncertain_lines),
        "deciding": trait.key in result.deciding_traits,
        "behaviour_only": trait.basis == scoring.BEHAVIOUR_ONLY,
    }


def verdict_open(result: scoring.Result, by_key: dict[str, dict[str, Any]]):
    """What a verdict that is not sure says beside itself: the other verdict the answers
    allow, the traits that keep it open, and whether the overall fit does too."""
    if result.verdict_sure or result.verdict == scoring.UNREADABLE:
        return None
    return {
        "alternative": verdicts.VERDICT_TEXTS[result.verdict_alternative],
        "traits": [by_key[key] for key in result.deciding_traits],
        "overall": result.overall_deciding,
    }


# The first screen names this many personal next steps.
FIRST_STEPS = 2


def first_steps(to_develop: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The most useful personal next steps for the first screen: per trait to develop (the
    disqualifying ones first, then the largest weighted gaps), its name and the first
    sentence of how to develop it; the rest of the advice is in the trait's explanation."""
    steps = []
    for row in to_develop[:FIRST_STEPS]:
        advice, _rest = lead_and_rest(tr(row, "how_to_develop"), max_words=1)
        steps.append({"trait": row, "advice": advice})
    return steps


def named_next_steps(verdict_text: verdicts.VerdictText, to_develop: list[dict[str, Any]]):
    """The verdict's next steps, with the steps about gaps naming the person's own traits
    (and left out when there are none), then the advice to talk to someone."""
    names = ", ".join(tr(row, "name") for row in to_develop[:3])
    steps = []
    for step in (*verdict_text.next_steps, verdicts.TALK_TO_SOMEONE):
        if any(step is gap_step for gap_step in verdicts.GAP_STEPS):
            if not to_develop:
                continue
            step = verdicts.DEVELOP_NAMED % {"names": names}
        if step not in steps:
            steps.append(step)
    return steps


def trait_standing(result: scoring.Result, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """How the traits stand against their levels, for the sentence under the verdict:
    ``met`` (at or above the level) and ``below`` it. The template words "below" to agree
    with the verdict: under "cocok" the traits below are close to their level."""
    met = [row for row in rows if not row["result"].gap]
    below = [row for row in rows if row["result"].gap]
    return {
        "met": met,
        "below": below,
        "total": len(rows),
        "all_met": not below,
        # Under "cocok" every trait below its level is close to it: the verdict allows that.
        "below_is_close": result.verdict == scoring.FIT,
    }


def choice_feedback(snapshot: dict[str, Any], choices) -> list[dict[str, Any]]:
    """Per situation or knowledge question answered, in questionnaire order: the choice, its
    feedback, and whether it was the best one (the right one), with the best beside it."""
    numbers = {item["code"]: number for number, item in enumerate(snapshot["items"], start=1)}
    items = {item["code"]: item for item in snapshot["items"]}
    traits = {trait["key"]: trait for trait in snapshot["traits"]}
    feedback = []
    for code, option_code in sorted(choices, key=lambda choice: numbers[choice[0]]):
        item = items[code]
        if item["trait"] not in traits:
            # A situation of a bank trait this role does not weigh: on the result of the
            # role that weighs it.
            continue
        option = next(option for option in item["options"] if option["code"] == option_code)
        best = max(item["options"], key=lambda option: option["score"])
        feedback.append(
            {
                "item": item,
                "number": numbers[code],
                "is_knowledge": item["kind"] == scoring.KNOWLEDGE,
                "option": option,
                "best": best,
                "trait": traits[item["trait"]],
                "is_best": option["score"] == best["score"],
            }
        )
    return feedback


def blocking_traits(
    snapshot: dict[str, Any], result: scoring.Result, by_key: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    """The traits that keep the verdict below the one the overall fit alone would give
    (the verdict is non-compensatory): no surplus elsewhere makes up for them. A version
    without per-trait floors (the first edition's) had none."""
    if "min_match_fit" not in snapshot or result.knockouts or result.quality_flags:
        return []
    if result.verdict == scoring.PARTIAL_FIT and result.overall_fit >= snapshot["fit_threshold"]:
        needed, line = snapshot["min_match_fit"], scoring.FIT_LINE
    elif result.verdict == scoring.WEAK_FIT and result.overall_fit >= snapshot["partial_threshold"]:
        needed, line = snapshot["min_match_partial"], scoring.PARTIAL_LINE
    else:
        return []
    # A trait whose band still reaches the line is close to it, not clearly short: the
    # verdict's qualifier names it instead.
    return [
        by_key[trait.key]
        for trait in result.traits
        if trait.match < needed and trait.standing(line) != scoring.UNCERTAIN
    ]


def similar_role_url(snapshot: dict[str, Any]) -> str:
    """Where a suggestion of the similar role leads: that role's own preview when it is a
    published role here, otherwise the page about it made from this profile's comparison."""
    slug = snapshot["similar_role"].get("slug")
    if slug and Role.objects.published().filter(slug=slug).exists():
        return reverse("assessments:role", kwargs={"slug": slug})
    return reverse("assessments:similar_role", kwargs={"slug": snapshot["slug"]})


def also_judged(role: Role) -> list[Role]:
    """The other published roles of ``role``'s item bank: the same answers are judged for
    them too."""
    if role.bank_id is None:
        return []
    return list(Role.objects.published().filter(bank_id=role.bank_id).exclude(pk=role.pk))


def explain_preview(snapshot: dict[str, Any]) -> dict[str, Any]:
    """What the role preview shows besides the snapshot itself: a short lead, each text once,
    and the time the visit takes, computed from the questionnaire."""
    lead, more = lead_and_rest(tr(snapshot, "summary"), max_words=LEAD_WORDS)
    knockout_traits = [trait for trait in snapshot["traits"] if trait["knockout_below"] is not None]
    shared_reason, reasons = shared_ending(
        [tr(trait, "knockout_reason") for trait in knockout_traits]
    )
    questions = questionnaire_seconds(snapshot)
    return {
        "lead": lead,
        "more": more,
        "knockouts": [
            {"trait": trait, "reason": reason}
            for trait, reason in zip(knockout_traits, reasons, strict=True)
        ],
        "shared_reason": shared_reason,
        "preferred_fields": [
            tr(field, "name") for field in snapshot["education_fields"] if field["preferred"]
        ],
        # The core's questions: a second stage, for the few near a line, adds a page or two.
        "item_count": sum(not item.get("reserve") for item in snapshot["items"]),
        "question_minutes": minutes(questions),
        "visit_minutes": minutes(questions + preview_seconds(snapshot)),
    }
