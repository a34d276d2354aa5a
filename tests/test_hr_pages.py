"""The HR user's other workflows in the admin: a candidate's-eye preview, paper
questionnaires, an assessment read as its result, the dashboard's small samples."""

import csv
import io
import json
import os
import time
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from assessments.admin import paper as paper_admin
from assessments.files import uploads
from assessments.models import Assessment, ProfileVersion, Role, Trait
from assessments.services import complete_assessment, start_assessment
from tests.answers import answers_for

pytestmark = pytest.mark.django_db

EXAMPLES = "examples/paper_responses.csv"
PAGE_QUERIES = 30


def stored_counts():
    return Assessment.objects.count(), ProfileVersion.objects.count()


# --- Preview ------------------------------------------------------------------------------


def preview_url(role, mode):
    return reverse("admin:assessments_role_preview_role", args=[role.slug]) + f"?mode={mode}"


def test_hr_previews_the_draft_through_every_section_to_a_result(hr_client, kesra_role):
    Trait.objects.filter(role=kesra_role.bank).update(name="Nama draf")
    before = stored_counts()
    snapshot = kesra_role.live_version.snapshot
    answers = answers_for(snapshot, level="best")

    first = hr_client.get(preview_url(kesra_role, "draft"))
    start = hr_client.get(reverse("admin:assessments_role_preview_start", args=[kesra_role.slug]))
    token = f"draft-{kesra_role.slug}"
    for number, section in enumerate(snapshot["sections"], start=1):
        url = reverse("admin:assessments_role_preview_section", args=[token, number])
        page = hr_client.get(url)
        assert page.status_code == HTTPStatus.OK
        assert 'action="/a/' not in page.content.decode()
        data = {code: answers[code] for code in section["items"]} | {"action": "next"}
        response = hr_client.post(url, data)
        assert response.status_code == HTTPStatus.FOUND
    result = hr_client.get(response["Location"])

    content = first.content.decode()
    assert "Nama draf" in content and "Pratinjau draf" in content
    start_link = reverse("admin:assessments_role_preview_start", args=[kesra_role.slug])
    assert start_link in content
    assert reverse("assessments:consent", kwargs={"slug": kesra_role.slug}) not in content
    assert start["Location"].endswith(f"/preview/run/{token}/section/1/")
    assert result.status_code == HTTPStatus.OK
    assert result.context["result"].verdict == "cocok"
    assert "/a/" not in result.content.decode()
    assert stored_counts() == before


def test_the_live_preview_shows_what_visitors_see(hr_client, kesra_role):
    Trait.objects.filter(role=kesra_role.bank).update(name="Nama draf")

    page = hr_client.get(preview_url(kesra_role, "live"))

    assert page.status_code == HTTPStatus.OK
    assert "Nama draf" not in page.content.decode()
    assert "sedang tayang" in page.content.decode()


def test_an_unanswered_preview_shows_a_sample_result(hr_client, kesra_role):
    hr_client.get(preview_url(kesra_role, "draft"))
    token = f"draft-{kesra_role.slug}"

    result = hr_client.get(reverse("admin:assessments_role_preview_result", args=[token]))

    assert result.status_code == HTTPStatus.OK
    assert "contoh hasil" in result.content.decode()


def test_the_preview_is_for_staff_only(client, kesra_role):
    response = client.get(preview_url(kesra_role, "draft"))
    assert response.status_code == HTTPStatus.FOUND
    assert reverse("admin:login") in response["Location"]


# --- Paper --------------------------------------------------------------------------------


def paper_url(role, name="paper", *args):
    return reverse(f"admin:assessments_role_{name}", args=[role.pk, *args])


def upload(client, role, text, *, name="answers.csv", store=False):
    data = {"file": SimpleUploadedFile(name, text.encode(), content_type="text/csv")}
    if store:
        data["store"] = "on"
    return client.post(paper_url(role), data)


def test_hr_downloads_the_paper_template_and_the_printable_form(hr_client, kesra_role):
    template = hr_client.get(paper_url(kesra_role, "paper_template"))
    form = hr_client.get(paper_url(kesra_role, "paper_form"))

    rows = list(csv.DictReader(io.StringIO(template.content.decode())))
    assert template.status_code == HTTPStatus.OK and "attachment" in template["Content-Disposition"]
    # The role's questionnaire: its bank's items, less the other role's belief checks.
    others = kesra_role.bank.roles.exclude(pk=kesra_role.pk)
    assert {row["code"] for row in rows} == set(
        kesra_role.bank.items.exclude(belief__role__in=others).values_list("code", flat=True)
    )
    content = form.content.decode()
    assert form.status_code == HTTPStatus.OK
    assert "[L01]" in content and '<span class="paper-code">A</span>' in content


def test_hr_scores_a_paper_file_with_bad_rows_listed(
    hr_client, kesra_role, django_assert_max_num_queries
):
    lines = open(EXAMPLES, encoding="utf-8").read().splitlines()
    header = lines[0].split(",")
    bad = lines[1].split(",")
    bad[header.index("L01")] = ""
    text = "\n".join([lines[0], ",".join(bad), *lines[2:]]) + "\n"
    before = stored_counts()

    with django_assert_max_num_queries(PAGE_QUERIES):
        response = upload(hr_client, kesra_role, text)

    assert response.status_code == HTTPStatus.OK
    assert response.context["rejected"] == [(2, "R001", "L01: belum dijawab")]
    assert len(response.context["scored"]) == len(lines) - 2
    content = response.content.decode()
    assert 'id="paper-rejected"' in content and 'id="paper-results"' in content
    assert stored_counts() == before


def test_hr_downloads_the_scored_results_as_csv_and_xlsx(hr_client, kesra_role):
    text = open(EXAMPLES, encoding="utf-8").read()
    upload(hr_client, kesra_role, text)

    as_csv = hr_client.get(paper_url(kesra_role, "paper_results", "csv"))
    as_xlsx = hr_client.get(paper_url(kesra_role, "paper_results", "xlsx"))

    rows = list(csv.DictReader(io.StringIO(as_csv.content.decode())))
    assert rows[0]["respondent"] == "R001" and rows[0]["verdict_label"]
    sheet = load_workbook(io.BytesIO(as_xlsx.content), read_only=True).active
    assert len(list(sheet.iter_rows(values_only=True))) == len(rows) + 1


def test_hr_stores_paper_results_once_and_the_dashboard_can_leave_them_out(hr_client, kesra_role):
    text = json.dumps([{"respondent": "P1", **answers_for(kesra_role.live_version.snapshot)}])
    web = start_assessment(role=kesra_role, language="id", consent_version="test")
    complete_assessment(web, answers_for(web.snapshot, level="middle"))

    upload(hr_client, kesra_role, text, name="answers.json", store=True)
    again = upload(hr_client, kesra_role, text, name="answers.json", store=True)
    stored = Assessment.objects.filter(source=Assessment.Source.PAPER)
    dashboard = reverse("admin:assessments_role_dashboard", args=[kesra_role.pk])
    both = hr_client.get(dashboard).context["dashboard"]
    web_only = hr_client.get(dashboard, {"source": "web"}).context["dashboard"]
    paper_only = hr_client.get(dashboard, {"source": "paper"}).context["dashboard"]

    assert stored.count() == 1
    paper_result = stored.get()
    assert paper_result.profile_version_id == kesra_role.live_version_id
    assert paper_result.is_completed and paper_result.verdict == "cocok"
    assert any("dua kali" in str(m) for m in again.context["messages"])
    assert (both.completed, web_only.completed, paper_only.completed) == (2, 1, 1)
    assert {t.completed for t in paper_only.traits} == {1}


@pytest.fixture
def upload_dir(settings, tmp_path):
    settings.CAREERFIT_PAPER_UPLOAD_DIR = str(tmp_path / "uploads")
    return tmp_path / "uploads"


def test_a_paper_upload_is_kept_out_of_the_session(hr_client, kesra_role, upload_dir):
    text = open(EXAMPLES, encoding="utf-8").read()

    upload(hr_client, kesra_role, text)

    session = hr_client.session
    stored = SessionStore().decode(
        Session.objects.get(session_key=session.session_key).session_data
    )
    kept = stored[paper_admin.SESSION_KEY]
    assert set(kept) == {"role", "version", "kind", "file"}
    assert "R001" not in json.dumps(stored)
    [kept_file] = upload_dir.iterdir()
    assert kept_file.stat().st_mode & 0o077 == 0


def test_a_new_upload_replaces_the_kept_file(hr_client, kesra_role, upload_dir):
    text = open(EXAMPLES, encoding="utf-8").read()
    upload(hr_client, kesra_role, text)
    first = set(upload_dir.iterdir())

    upload(hr_client, kesra_role, text)

    assert len(set(upload_dir.iterdir())) == 1 and set(upload_dir.iterdir()) != first


def test_a_kept_upload_past_its_hour_is_deleted_and_asked_for_again(
    hr_client, kesra_role, upload_dir
):
    upload(hr_client, kesra_role, open(EXAMPLES, encoding="utf-8").read())
    [kept_file] = upload_dir.iterdir()
    old = time.time() - uploads.KEEP_SECONDS - 1
    os.utime(kept_file, (old, old))

    response = hr_client.get(paper_url(kesra_role, "paper_results", "csv"))

    assert response.status_code == HTTPStatus.FOUND
    assert not kept_file.exists()
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("unggah lagi" in message for message in messages)


def test_purge_expired_deletes_paper_uploads_past_their_hour(upload_dir):
    fresh = uploads.keep("respondent,L01\nR1,5\n")
    stale = uploads.keep("respondent,L01\nR2,5\n")
    old = time.time() - uploads.KEEP_SECONDS - 1
    os.utime(upload_dir / f"{stale}{uploads.SUFFIX}", (old, old))

    call_command("purge_expired", stdout=io.StringIO())

    assert uploads.read(fresh) is not None
    assert uploads.read(stale) is None
    assert uploads.read("../../etc/passwd") is None


def test_a_file_too_large_is_refused(hr_client, kesra_role):
    response = upload(hr_client, kesra_role, "x" * (1024 * 1024 + 1))
    assert "terlalu besar" in str(response.context["form"].errors)


def test_a_never_published_role_has_no_paper_form(hr_client):
    from tests.factories import make_complete_role

    role = make_complete_role(status=Role.Status.DRAFT)
    page = hr_client.get(paper_url(role))
    assert "belum pernah terbit" in page.content.decode()
    assert hr_client.get(paper_url(role, "paper_form")).status_code == HTTPStatus.NOT_FOUND


# --- An assessment as HR reads it ----------------------------------------------------------


def test_an_assessment_reads_as_its_result(
    hr_client, hr_user, kesra_role, django_assert_max_num_queries
):
    assessment = start_assessment(role=kesra_role, language="id", consent_version="test")
    assessment = complete_assessment(
        assessment, answers_for(assessment.snapshot, level="worst", direct_service=True)
    )
    url = reverse("admin:assessments_assessment_change", args=[assessment.pk])

    with django_assert_max_num_queries(PAGE_QUERIES):
        response = hr_client.get(url)

    content = response.content.decode()
    first = assessment.snapshot["items"][0]
    local = timezone.localtime(assessment.created_at)
    assert response.status_code == HTTPStatus.OK
    assert "Tidak cocok" in content and "kurang_cocok" not in content
    assert f"{local:%H:%M}" in content
    assert assessment.token not in content
    assert '"answers"' not in content
    # The answers themselves only for those given the permission to read them.
    assert first["text"] not in content
    hr_user.user_permissions.add(
        Permission.objects.get(codename="view_answers", content_type__app_label="assessments")
    )
    content = hr_client.get(url).content.decode()
    assert first["text"] in content and "Sangat tidak setuju" in content


def test_the_assessment_list_shows_labels_and_rounded_fit(hr_client, kesra_role):
    assessment = start_assessment(role=kesra_role, language="id", consent_version="test")
    complete_assessment(assessment, answers_for(assessment.snapshot, level="middle"))
    Assessment.objects.filter(pk=assessment.pk).update(overall_fit=67.9438)

    content = hr_client.get(reverse("admin:assessments_assessment_changelist")).content.decode()

    assert "67,9" in content and "67,9438" not in content


# --- Dashboard ----------------------------------------------------------------------------


def test_the_dashboard_shows_n_and_a_caveat_under_30_and_leaves_drafts_out(hr_client):
    from tests.factories import make_complete_role

    role = make_complete_role()
    for level in ("best", "middle", "worst"):
        assessment = start_assessment(role=role, language="id", consent_version="test")
        complete_assessment(assessment, answers_for(assessment.snapshot, level=level))
    draft_role = make_complete_role(status=Role.Status.DRAFT)
    tried = start_assessment(role=draft_role, language="id", consent_version="test")
    complete_assessment(tried, answers_for(tried.snapshot))

    page = hr_client.get(reverse("admin:assessments_role_dashboard", args=[role.pk]))
    draft_page = hr_client.get(reverse("admin:assessments_role_dashboard", args=[draft_role.pk]))

    content = page.content.decode()
    assert "n = 3" in content and "gambaran kasar" in content
    assert draft_page.context["dashboard"].started == 0
