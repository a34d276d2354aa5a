"""Hostile input to every POST endpoint: never a server error, never a partial write.

Each request is checked against two invariants:

- the response is not a 5xx;
- a request that is refused (a 4xx) or answered with the form again (a 200 to a POST)
  leaves every assessment exactly as it was: answers, result, status, timestamps, and the
  score rows that point at it. Whatever is stored is a valid answer to an item of the
  assessment's own questionnaire.
"""

from dataclasses import dataclass
from html.parser import HTMLParser
from http import HTTPStatus
from urllib.parse import quote

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import models
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as fuzz_settings
from hypothesis import strategies as st

from assessments import services
from assessments.forms import choices_for
from assessments.models import Assessment
from assessments.snapshots import build_snapshot
from tests.answers import answers_for
from tests.factories import make_assessment, make_complete_role

pytestmark = pytest.mark.django_db

FUZZ = fuzz_settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(autouse=True)
def _quick_and_unlimited(settings):
    """No rate limits: hundreds of posts from one address would end in 429s and leave counts
    in the cache for the tests that run next. A fast hasher: every failed login hashes the
    password once, and the production one is slow by design."""
    settings.RATELIMIT_ENABLE = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    yield
    cache.clear()


# --- The database, before and after -------------------------------------------------------


def dependent_models() -> list[type[models.Model]]:
    """Tables whose rows belong to one assessment (the score rows of the HR statistics)."""
    return [
        model
        for model in apps.get_models()
        if any(
            isinstance(field, models.ForeignKey) and field.related_model is Assessment
            for field in model._meta.get_fields()
        )
    ]


def stored() -> dict:
    """Every assessment's stored state, and the number of rows that depend on assessments."""
    rows = {
        row[0]: row[1:]
        for row in Assessment.objects.values_list(
            "pk", "token", "status", "answers", "result", "verdict", "updated_at", "completed_at"
        )
    }
    counts = {model._meta.label: model._default_manager.count() for model in dependent_models()}
    return {"assessments": rows, "dependent_rows": counts}


def assert_only_valid_answers() -> None:
    for assessment in Assessment.objects.all():
        snapshot = assessment.snapshot
        items = {item["code"]: item for item in snapshot["items"]}
        for code, value in assessment.answers.items():
            assert code in items, f"stored an answer to {code!r}, not an item of this role"
            choices = choices_for(items[code], snapshot["education_fields"])
            allowed = {str(choice) for choice, _label in choices}
            assert value in allowed, f"stored {value!r} for {code}"


# --- The world the requests are made in ---------------------------------------------------


@dataclass
class World:
    """A role with its questionnaire, a second role, and helpers to make assessments."""

    role: object
    other_role: object
    snapshot: dict
    other_snapshot: dict

    @property
    def total(self) -> int:
        return len(self.snapshot["sections"])

    def codes(self, number: int) -> list[str]:
        return self.snapshot["sections"][number - 1]["items"]

    def all_codes(self) -> list[str]:
        return [item["code"] for item in self.snapshot["items"]]

    def option_codes(self) -> list[str]:
        """Every answer code of the questionnaire (any item's), and the other role's."""
        codes = set()
        for snapshot in (self.snapshot, self.other_snapshot):
            for item in snapshot["items"]:
                codes |= {str(c) for c, _ in choices_for(item, snapshot["education_fields"])}
        return sorted(codes)

    def new_assessment(self, state: str) -> Assessment:
        assessment = make_assessment(self.role, consent_version="fuzz")
        answers = answers_for(self.snapshot, level="middle")
        if state == "partly answered":
            services.save_answers(assessment, {c: answers[c] for c in self.codes(1)})
        elif state == "completed":
            services.complete_assessment(assessment, answers)
        elif state == "deleted":
            assessment.delete()
        return assessment


@pytest.fixture
def world():
    role, other_role = make_complete_role(), make_complete_role()
    return World(
        role=role,
        other_role=other_role,
        snapshot=build_snapshot(role),
        other_snapshot=build_snapshot(other_role),
    )


STATES = ["fresh", "partly answered", "completed", "deleted"]


def resume_path(token: str) -> str:
    return f"/a/{quote(token, safe='')}/"


def section_path(token: str, number) -> str:
    return f"{resume_path(token)}bagian/{number}/"


def delete_path(token: str) -> str:
    return f"{resume_path(token)}hapus/"


# --- Strategies ---------------------------------------------------------------------------

ODD_VALUES = [
    "",
    " ",
    "0",
    "6",
    "-1",
    "05",
    "5.0",
    "1e3",
    " 5",
    "5 ",
    "a",
    "AGREE",
    "agree\x00",
    "null",
    "[]",
    "{}",
    "9" * 40,
    "-" + "9" * 40,
    "\u202e5",
    "x" * 5000,
]


def huge_numbers():
    return st.integers(min_value=-(10**40), max_value=10**40).map(str)


def values(world: World):
    return st.one_of(
        st.sampled_from(world.option_codes()),
        st.sampled_from(ODD_VALUES),
        huge_numbers(),
        st.text(max_size=30),
    )


def field_names(world: World, number: int):
    foreign = [item["code"] for item in world.other_snapshot["items"]]
    return st.one_of(
        st.sampled_from(world.codes(number) if 1 <= number <= world.total else ["x"]),
        st.sampled_from(world.all_codes()),  # another section's items
        st.sampled_from(foreign),  # another role's items
        st.sampled_from(["agree", "action", "csrfmiddlewaretoken", "language", "next"]),
        st.text(max_size=20),
    )


def form_data(world: World, number: int):
    """A section's answers, some tampered, some missing, some extra, some repeated."""
    valid = answers_for(world.snapshot, level="middle")
    codes = world.codes(number) if 1 <= number <= world.total else []
    kept = st.lists(st.sampled_from(codes), unique=True) if codes else st.just([])
    answers = kept.map(lambda chosen: {code: valid[code] for code in chosen})
    extra = st.dictionaries(
        field_names(world, number),
        st.one_of(values(world), st.lists(values(world), min_size=2, max_size=3)),
        max_size=8,
    )
    return st.tuples(answers, extra).map(lambda parts: parts[0] | parts[1])


ACTIONS = st.one_of(
    st.none(),
    st.sampled_from(["next", "back", "language:en", "language:id", "language:fr", "", "NEXT"]),
    st.text(max_size=12),
)
SECTION_NUMBERS = st.one_of(
    st.integers(min_value=1, max_value=3),
    st.integers(min_value=0, max_value=10**25),
    st.sampled_from(["-1", "1.5", "%31", "१"]),  # not an int: the URL does not match
)

CHARSETS = st.sampled_from(
    ["", "; charset=utf-8", "; charset=latin-1", "; charset=utf-16", "; charset=bogus"]
)


def raw_bodies(world: World):
    """Bytes as sent, many of them not UTF-8, some shaped like the form."""
    names = [code.encode() for code in world.all_codes()] + [b"agree", b"action", b"language"]
    pair = st.tuples(st.sampled_from(names), st.binary(max_size=12)).map(
        lambda kv: kv[0] + b"=" + kv[1]
    )
    return st.one_of(
        st.binary(max_size=300),
        st.lists(pair, max_size=10).map(b"&".join),
        st.sampled_from([b"\xff\xfe\x00", b"%ff%fe=%c3%28", b"agree=%80", b"a" * 1000 + b"=1"]),
    )


# --- Checking one request -----------------------------------------------------------------


def check(response, before: dict, *, may_write: bool) -> dict:
    """Assert the invariants; returns the state after the request."""
    assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR, response.content[:3000]
    after = stored()
    refused = response.status_code >= HTTPStatus.BAD_REQUEST or (
        response.status_code == HTTPStatus.OK and response.request["REQUEST_METHOD"] == "POST"
    )
    if refused or not may_write:
        assert after == before
    assert_only_valid_answers()
    return after


# --- Questionnaire sections ---------------------------------------------------------------


@FUZZ
@given(data=st.data())
def test_section_posts(client, world, data):
    state = data.draw(st.sampled_from(STATES), label="state")
    assessment = world.new_assessment(state)
    number = data.draw(SECTION_NUMBERS, label="number")
    fields = data.draw(form_data(world, number if isinstance(number, int) else 0), label="data")
    action = data.draw(ACTIONS, label="action")
    if action is not None:
        fields["action"] = action
    before = stored()

    response = client.post(section_path(assessment.token, number), fields)

    after = check(response, before, may_write=state in {"fresh", "partly answered"})
    others = {pk: row for pk, row in before["assessments"].items() if pk != assessment.pk}
    assert {pk: row for pk, row in after["assessments"].items() if pk != assessment.pk} == others


@FUZZ
@given(data=st.data())
def test_raw_bodies_to_every_post_endpoint(client, world, data):
    endpoint = data.draw(
        st.sampled_from(["consent", "section", "delete", "switch_language", "admin_login"])
    )
    assessment = world.new_assessment(data.draw(st.sampled_from(STATES)))
    path = {
        "consent": reverse("assessments:consent", kwargs={"slug": world.role.slug}),
        "section": section_path(assessment.token, data.draw(st.integers(1, world.total))),
        "delete": delete_path(assessment.token),
        "switch_language": reverse("switch_language", args=["en"]),
        "admin_login": reverse("admin:login"),
    }[endpoint]
    body = data.draw(raw_bodies(world), label="body")
    content_type = "application/x-www-form-urlencoded" + data.draw(CHARSETS, label="charset")
    before = stored()

    response = client.generic("POST", path, body, content_type=content_type)

    after = check(response, before, may_write=endpoint in {"consent", "section", "delete"})
    if endpoint == "consent" and response.status_code == HTTPStatus.FOUND:
        assert len(after["assessments"]) == len(before["assessments"]) + 1
    if endpoint == "delete" and response.status_code == HTTPStatus.FOUND:
        assert set(before["assessments"]) - set(after["assessments"]) == {assessment.pk}


# --- Consent ------------------------------------------------------------------------------


@FUZZ
@given(data=st.data())
def test_consent_posts(client, world, data):
    slug = data.draw(
        st.one_of(
            st.just(world.role.slug),
            st.sampled_from(["tidak-ada", "x" * 200]),
            st.from_regex(r"[-a-zA-Z0-9_]{1,40}", fullmatch=True),
        ),
        label="slug",
    )
    fields = data.draw(
        st.dictionaries(
            st.one_of(st.just("agree"), st.text(max_size=10)),
            st.one_of(
                st.sampled_from(["on", "true", "false", "0", "1", "", "off", "None"]),
                values(world),
            ),
            max_size=5,
        ),
        label="data",
    )
    before = stored()

    response = client.post(f"/jabatan/{slug}/mulai/", fields)

    after = check(response, before, may_write=True)
    if response.status_code == HTTPStatus.FOUND:
        new = set(after["assessments"]) - set(before["assessments"])
        assert len(new) == 1
        assert Assessment.objects.get(pk=new.pop()).consent_version == (
            django_settings.CONSENT_NOTICE_VERSION
        )
    else:
        assert after == before


# --- Unknown, deleted and malformed tokens ------------------------------------------------

TOKENS = st.one_of(
    st.text(max_size=80),
    st.from_regex(r"[A-Za-z0-9_-]{32}", fullmatch=True),
    st.sampled_from(["\x00", "a\x00b", "%00", "..", "' OR 1=1 --", "x" * 500]),
)


@FUZZ
@given(
    token=TOKENS,
    page=st.sampled_from(["resume", "section", "result", "delete"]),
    method=st.sampled_from(["get", "post"]),
)
def test_unknown_tokens_are_not_found(client, world, token, page, method):
    world.new_assessment("fresh")
    path = {
        "resume": resume_path(token),
        "section": section_path(token, 1),
        "result": f"{resume_path(token)}hasil/",
        "delete": delete_path(token),
    }[page]
    before = stored()

    response = getattr(client, method)(path, {"agree": "on", "action": "next"})

    check(response, before, may_write=False)
    assert response.status_code in {HTTPStatus.NOT_FOUND, HTTPStatus.METHOD_NOT_ALLOWED}


def test_a_deleted_token_is_gone_everywhere(client, world):
    assessment = world.new_assessment("completed")
    token = assessment.token
    client.post(delete_path(token))
    before = stored()
    answers = answers_for(world.snapshot)
    for path in [resume_path(token), f"{resume_path(token)}hasil/", delete_path(token)]:
        assert client.get(path).status_code == HTTPStatus.NOT_FOUND
        check(client.post(path), before, may_write=False)
    for number in range(1, world.total + 1):
        data = {code: answers[code] for code in world.codes(number)} | {"action": "next"}
        response = client.post(section_path(token, number), data)
        assert response.status_code == HTTPStatus.NOT_FOUND
        check(response, before, may_write=False)


# --- Double submits and replays -----------------------------------------------------------


def test_double_submit_of_the_last_section_scores_once(client, world):
    assessment = world.new_assessment("fresh")
    answers = answers_for(world.snapshot, level="best")
    for number in range(1, world.total):
        data = {code: answers[code] for code in world.codes(number)} | {"action": "next"}
        client.post(section_path(assessment.token, number), data)
    last = {code: answers[code] for code in world.codes(world.total)} | {"action": "next"}

    first = client.post(section_path(assessment.token, world.total), last)
    after_first = stored()
    second = client.post(section_path(assessment.token, world.total), last)

    result_url = reverse("assessments:result", kwargs={"token": assessment.token})
    assert first["Location"] == second["Location"] == result_url
    assert stored() == after_first  # no second result, no duplicate score rows


def test_replaying_every_section_after_completion_changes_nothing(client, world):
    assessment = world.new_assessment("completed")
    before = stored()
    worst = answers_for(world.snapshot, level="worst")
    for number in range(1, world.total + 1):
        for action in ("next", "back", "language:en"):
            data = {code: worst[code] for code in world.codes(number)} | {"action": action}
            response = client.post(section_path(assessment.token, number), data)
            assert response.status_code == HTTPStatus.FOUND
    assert stored() == before


# --- The language switch and the admin login -----------------------------------------------


@FUZZ
@given(
    language=st.one_of(
        st.sampled_from(["en", "id", "fr", "", "en-us", "EN"]), st.text(max_size=12)
    ),
    next_url=st.one_of(
        st.sampled_from(["/", "//evil.example/", "https://evil.example/", "javascript:alert(1)"]),
        st.text(max_size=40),
    ),
)
def test_language_switches(client, world, language, next_url):
    world.new_assessment("partly answered")
    before = stored()

    response = client.get(f"/bahasa/{quote(language, safe='')}/", {"next": next_url})

    check(response, before, may_write=False)
    location = response.get("Location", "")
    assert not location.startswith(("//", "http:", "https:", "javascript:")), location


@FUZZ
@given(
    username=st.one_of(st.sampled_from(["admin", "hr", ""]), st.text(max_size=40)),
    password=st.one_of(st.sampled_from(["", "x" * 5000]), st.text(max_size=40)),
    extra=st.dictionaries(st.text(max_size=10), st.text(max_size=10), max_size=3),
)
def test_admin_login_posts(client, world, username, password, extra):
    world.new_assessment("partly answered")
    before = stored()

    response = client.post(
        reverse("admin:login"), extra | {"username": username, "password": password}
    )

    check(response, before, may_write=False)
    assert "_auth_user_id" not in client.session


# --- Oversized requests -------------------------------------------------------------------

ENDPOINTS = ["consent", "section", "delete", "switch_language", "admin_login"]


def endpoint_path(world: World, endpoint: str, assessment: Assessment) -> str:
    return {
        "consent": reverse("assessments:consent", kwargs={"slug": world.role.slug}),
        "section": section_path(assessment.token, 1),
        "delete": delete_path(assessment.token),
        "switch_language": reverse("switch_language", args=["en"]),
        "admin_login": reverse("admin:login"),
    }[endpoint]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_too_many_fields_are_refused(client, world, settings, endpoint):
    assessment = world.new_assessment("partly answered")
    data = {f"f{n}": "1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    data |= {"agree": "on", "action": "back"}
    before = stored()

    response = client.post(endpoint_path(world, endpoint, assessment), data)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    check(response, before, may_write=False)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_oversized_bodies_are_refused(client, world, settings, endpoint):
    assessment = world.new_assessment("partly answered")
    data = {"agree": "on", "action": "back", "pad": "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE}
    before = stored()

    response = client.post(endpoint_path(world, endpoint, assessment), data)

    # Public pages refuse it by its length alone; the admin's larger bound leaves it to Django.
    if endpoint == "admin_login":
        assert response.status_code == HTTPStatus.BAD_REQUEST
    else:
        assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    check(response, before, may_write=False)


class _FormFields(HTMLParser):
    """Counts the fields a browser submits with a page's forms, as rendered."""

    def __init__(self):
        super().__init__()
        self.count = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag not in {"input", "select", "textarea"} or not attributes.get("name"):
            return
        kind = attributes.get("type", "text")
        if kind in {"submit", "button", "reset", "image"}:
            return
        if kind in {"checkbox", "radio"} and "checked" not in attributes:
            return
        self.count += 1


def test_the_limits_leave_room_for_the_largest_admin_form(admin_client, kesra_role, settings):
    """HR's role page, with every inline of the Kabag Kesra profile, fits twice over."""
    response = admin_client.get(reverse("admin:assessments_role_change", args=[kesra_role.pk]))
    fields = _FormFields()
    fields.feed(response.content.decode())
    assert 100 < fields.count < settings.DATA_UPLOAD_MAX_NUMBER_FIELDS / 2
    assert len(response.content) < settings.DATA_UPLOAD_MAX_MEMORY_SIZE * 2  # HTML > form data
