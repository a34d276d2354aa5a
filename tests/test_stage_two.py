"""The adaptive second stage: which reserve items it asks, and the web flow around it."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from assessments import scoring
from assessments.models import Assessment, Item, Role
from assessments.snapshots import live_version
from tests.clients import FormClient
from tests.factories import (
    make_complete_role,
    make_item,
    make_scenario,
    make_section,
)

from .scoring_cases import likert, scenario, tiny_answers, tiny_profile

RESERVE = (
    likert("R1", "rencana", reserve=True),
    scenario("RS1", "rencana", reserve=True),
    likert("R2", "rencana", reserve=True),
    scenario("RS2", "rencana", reserve=True),
    likert("RE", "empati", reserve=True),
)


def reserve_profile(*more):
    """The tiny profile with a reserve for rencana: two statements and two situations, and
    one reserve statement for empati; and ``more`` items."""
    return tiny_profile(items=(*tiny_profile().items, *RESERVE, *more))


class TestSelection:
    def test_an_uncertain_deciding_trait_gets_its_reserve_behaviour_first(self):
        # rencana: L3 = 3 (50), S1 = B (50): 50 +- 1 x 14.9 against its fit line 68 and
        # partial line 48: uncertain on both, and it alone can move the verdict.
        profile = reserve_profile()
        answers = tiny_answers(L3="3")
        result = scoring.score(profile=profile, answers=answers)
        assert not result.verdict_sure
        assert result.deciding_traits == ("rencana",)
        chosen = scoring.reserve_choice(profile, answers)
        # Its situations first, then its statements; empati is sure: none of its reserve.
        assert chosen == ("R1", "RS1", "R2", "RS2")  # in questionnaire order
        assert scoring.reserve_choice(profile, answers, limit=2) == ("RS1", "RS2")
        assert scoring.reserve_choice(profile, answers, limit=3) == ("R1", "RS1", "RS2")

    def test_a_sure_verdict_asks_nothing(self):
        # rencana 87.5 (self 75, behaviour 100) and empati 87.5: every line clear.
        answers = tiny_answers(L3="4", S1="C")
        assert scoring.score(profile=reserve_profile(), answers=answers).verdict_sure
        assert scoring.reserve_choice(reserve_profile(), answers) == ()
        stage = scoring.stage_two(reserve_profile(), answers)
        assert (stage.pages, stage.complete, stage.open_page) == ((), True, None)
        assert stage.result == scoring.score(profile=reserve_profile(), answers=answers)

    def test_answered_reserve_items_are_not_asked_again(self):
        answers = tiny_answers(L3="3", RS1="C", RS2="C")
        assert scoring.reserve_choice(reserve_profile(), answers) == ("R1", "R2")

    def test_unreadable_answers_ask_nothing(self):
        profile = reserve_profile(
            *(likert(f"X{n}", "rencana", reverse=n % 2 == 1) for n in range(12))
        )
        answers = tiny_answers(L3="3") | {f"X{n}": "5" for n in range(12)}
        assert scoring.score(profile=profile, answers=answers).quality_flags
        assert scoring.reserve_choice(profile, answers) == ()

    def test_the_stage_pages_follow_the_answers(self):
        profile = reserve_profile()
        core = tiny_answers(L3="3")
        stage = scoring.stage_two(profile, core)
        assert stage.pages == (("R1", "RS1", "R2", "RS2"),)
        assert (stage.complete, stage.open_page, stage.result) == (False, 1, None)
        # The page answered with the best answers: rencana (self 58.3, behaviour 83.3) is
        # clear, no second page.
        done = scoring.stage_two(profile, core | {"R1": "4", "R2": "4", "RS1": "C", "RS2": "C"})
        assert done.complete
        assert done.result.reserve_items == ("R1", "RS1", "R2", "RS2")
        assert done.result.trait("rencana").self_items == 3
        assert done.result.trait("rencana").behaviour_items == 3

    def test_a_reserve_answer_no_page_asked_for_does_not_count(self):
        # empati is sure: its reserve statement, answered anyway, is left out.
        answers = tiny_answers(L3="4", S1="C", RE="1")
        stage = scoring.stage_two(reserve_profile(), answers)
        assert "RE" not in stage.answers
        assert stage.result.trait("empati").self_items == 2

    def test_at_most_two_pages(self):
        profile = reserve_profile()
        # Answers that keep rencana in the middle: every page leaves it uncertain.
        answers = tiny_answers(L3="3") | {"R1": "3", "R2": "3", "RS1": "B", "RS2": "B"}
        stage = scoring.stage_two(profile, answers)
        assert len(stage.pages) <= scoring.STAGE_TWO_PAGES
        assert stage.complete
        assert not stage.result.verdict_sure


# --- The web flow -------------------------------------------------------------------------


def role_with_reserve():
    """A small published role whose first trait has reserve items in a section of their own
    and one mixed into the core section."""
    role = make_complete_role(status=Role.Status.DRAFT)
    trait = role.traits.order_by("order").first()
    core_section = role.sections.order_by("order").first()
    reserve_section = make_section(role, order=3)
    make_item(role, core_section, trait=trait, reserve=True, code="rsv-mixed")
    for n in range(2):
        make_scenario(role, reserve_section, trait=trait, reserve=True, code=f"rsv-s{n}")
        make_item(role, reserve_section, trait=trait, reserve=True, code=f"rsv-l{n}")
    role.status = Role.Status.PUBLISHED
    role.save()
    live_version(role)
    return role


def middling(snapshot):
    """Answers that leave the first trait in the middle: uncertain against its lines."""
    answers = {}
    for item in snapshot["items"]:
        kind = item["kind"]
        if kind in ("likert", "check"):
            answers[item["code"]] = "3"
        elif kind == "belief":
            answers[item["code"]] = "agree"
        elif kind == "background":
            answers[item["code"]] = snapshot["education_fields"][0]["code"]
        else:
            answers[item["code"]] = item["options"][1 if len(item["options"]) > 1 else 0]["code"]
    return answers


def best(snapshot):
    answers = middling(snapshot)
    for item in snapshot["items"]:
        if item["kind"] == "likert":
            answers[item["code"]] = "1" if item["reverse_keyed"] else "5"
        elif item["kind"] == "scenario":
            answers[item["code"]] = max(item["options"], key=lambda o: o["score"])["code"]
    return answers


def go_through_core(client, assessment, answers):
    response = None
    for number in range(1, len(assessment.snapshot["sections"]) + 1):
        url = reverse("assessments:section", kwargs={"token": assessment.token, "number": number})
        if client.get(url).status_code == HTTPStatus.FOUND:
            continue  # a reserve-only section, passed by
        codes = [
            code
            for code in assessment.snapshot["sections"][number - 1]["items"]
            if not any(i["code"] == code and i.get("reserve") for i in assessment.snapshot["items"])
        ]
        response = client.post(url, {code: answers[code] for code in codes} | {"action": "next"})
        assert response.status_code == HTTPStatus.FOUND, response.content[:1000]
    return response


@pytest.fixture
def started(db):
    role = role_with_reserve()
    client = FormClient()
    response = client.post(
        reverse("assessments:consent", kwargs={"slug": role.slug}), {"agree": "on"}
    )
    assert response.status_code == HTTPStatus.FOUND
    return client, Assessment.objects.latest("created_at")


def test_core_sections_leave_reserve_items_out(started):
    client, assessment = started
    url = reverse("assessments:section", kwargs={"token": assessment.token, "number": 1})
    page = client.get(url).content.decode()
    assert "rsv-mixed" not in page
    reserve_only = reverse("assessments:section", kwargs={"token": assessment.token, "number": 3})
    # Passed by, and nothing changes: the visitor goes back to where they are.
    assert client.get(reserve_only).url == reverse(
        "assessments:resume", kwargs={"token": assessment.token}
    )


def test_a_clear_verdict_goes_straight_to_the_result(started):
    client, assessment = started
    response = go_through_core(client, assessment, best(assessment.snapshot))
    assessment.refresh_from_db()
    assert response.url == reverse("assessments:result", kwargs={"token": assessment.token})
    assert assessment.is_completed
    assert "reserve_items" not in assessment.result  # none: left out, as at its default
    assert scoring.result_from_dict(assessment.result).reserve_items == ()


def test_an_uncertain_trait_gets_an_extra_page_saved_and_resumable(started):
    client, assessment = started
    response = go_through_core(client, assessment, middling(assessment.snapshot))
    extra = reverse("assessments:extra", kwargs={"token": assessment.token, "page": 1})
    assert response.url == extra
    assessment.refresh_from_db()
    assert not assessment.is_completed

    page = client.get(extra)
    assert page.status_code == HTTPStatus.OK
    html = page.content.decode()
    assert "Beberapa pertanyaan tambahan" in html
    assert 'name="rsv-s0"' in html and 'name="rsv-mixed"' in html
    # The progress bar counts the extra questions on top of the core ones.
    assert 'max="' in html

    # The private link comes back here.
    resume = client.get(reverse("assessments:resume", kwargs={"token": assessment.token}))
    assert resume.url == extra

    # Sent with a gap: the page comes back with an error, answers kept.
    incomplete = client.post(extra, {"rsv-s0": "A", "action": "next"})
    assert incomplete.status_code == HTTPStatus.OK
    assert "belum dijawab" in incomplete.content.decode()

    answers = {}
    for item in assessment.snapshot["items"]:
        if item.get("reserve"):
            answers[item["code"]] = (
                max(item["options"], key=lambda o: o["score"])["code"]
                if item["kind"] == Item.Kind.SCENARIO
                else "5"
            )
    done = client.post(extra, answers | {"action": "next"})
    assessment.refresh_from_db()
    if assessment.is_completed:
        assert done.url == reverse("assessments:result", kwargs={"token": assessment.token})
        assert set(assessment.result["reserve_items"]) >= {"rsv-s0", "rsv-s1"}
    else:  # a second page
        assert done.url == reverse(
            "assessments:extra", kwargs={"token": assessment.token, "page": 2}
        )
    result = client.get(reverse("assessments:result", kwargs={"token": assessment.token}))
    assert result.status_code in (HTTPStatus.OK, HTTPStatus.FOUND)


def test_an_extra_page_that_does_not_exist_leads_back(started):
    client, assessment = started
    go_through_core(client, assessment, middling(assessment.snapshot))
    wrong = reverse("assessments:extra", kwargs={"token": assessment.token, "page": 9})
    assert client.get(wrong).url == reverse(
        "assessments:extra", kwargs={"token": assessment.token, "page": 1}
    )
    before_core = FormClient()
    fresh = Assessment.objects.create(
        role=assessment.role,
        profile_version=assessment.profile_version,
        role_version=assessment.role_version,
        consent_version="test",
    )
    early = reverse("assessments:extra", kwargs={"token": fresh.token, "page": 1})
    assert before_core.get(early).url == reverse(
        "assessments:resume", kwargs={"token": fresh.token}
    )


def test_extra_page_autosave(started):
    client, assessment = started
    go_through_core(client, assessment, middling(assessment.snapshot))
    url = reverse("assessments:extra_autosave", kwargs={"token": assessment.token, "page": 1})
    assert client.post(url, {"rsv-s0": "A"}).status_code == HTTPStatus.NO_CONTENT
    assessment.refresh_from_db()
    assert assessment.answers["rsv-s0"] == "A"
    missing = reverse("assessments:extra_autosave", kwargs={"token": assessment.token, "page": 5})
    assert client.post(missing, {"rsv-s0": "A"}).status_code == HTTPStatus.NOT_FOUND


def test_the_result_page_shows_bands_and_whether_the_verdict_is_sure(started):
    client, assessment = started
    go_through_core(client, assessment, middling(assessment.snapshot))
    reserve = {
        item["code"]: (item["options"][1]["code"] if item["options"] else "3")
        for item in assessment.snapshot["items"]
        if item.get("reserve")
    }
    for page in (1, 2):
        url = reverse("assessments:extra", kwargs={"token": assessment.token, "page": page})
        response = client.post(url, reserve | {"action": "next"})
        assessment.refresh_from_db()
        if assessment.is_completed:
            break
    assert assessment.is_completed
    html = client.get(reverse("assessments:result", kwargs={"token": assessment.token}))
    html = html.content.decode()
    assert response.status_code == HTTPStatus.FOUND
    assert "Rentang" in html and 'class="bar-band' in html
    stored = scoring.result_from_dict(assessment.result)
    assert ("Belum pasti" in html) == (not stored.verdict_sure)
    first = stored.traits[0]
    assert f"{int(first.low)}–{int(first.high)}" in html
