"""Keeping a result: the PDF the server makes, and the read-only link for a mentor."""

import io
import logging
import re
import sys
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils.html import escape
from pypdf import PdfReader

from assessments import pdf, verdicts
from assessments.models import Assessment, ResultShare
from careerfit.log_filters import RedactAssessmentTokens
from tests.public_pages import completed_assessment, started_assessment

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", text)


def get_pdf(client, assessment):
    return client.get(reverse("assessments:result_pdf", kwargs={"token": assessment.token}))


def share(client, assessment, action="create"):
    url = reverse("assessments:share_result", kwargs={"token": assessment.token})
    return client.post(url, {"action": action})


# --- The PDF ---------------------------------------------------------------------------------


def test_the_pdf_holds_every_part_of_the_result_open(client, kesra_role):
    assessment = completed_assessment(kesra_role, "cukup_cocok")
    response = get_pdf(client, assessment)

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="careerfit-hasil-')
    text = pdf_text(response.content)
    assert str(verdicts.VERDICT_TEXTS["cukup_cocok"].label) in text
    for heading in (
        "Setiap sifat dibandingkan dengan level yang dibutuhkan",
        "Yang perlu dikembangkan",
        "Pilihan Anda dalam situasi kerja",
        "Anggapan yang perlu diluruskan",
        "Latar belakang pendidikan",
        f"Jabatan ini atau {kesra_role.similar_role_name}?",
        "Langkah berikutnya",
    ):
        assert heading in text, heading
    # Both evidence parts per trait, and the comparison point by point.
    assert "Penilaian diri" in text and "Pilihan dalam situasi" in text
    for trait in kesra_role.weighed_traits():
        assert trait.name[:20] in text, trait.key
    for point in kesra_role.comparison_points.all():
        assert point.aspect in text, point.aspect
    # What needs a screen is left out: no buttons, no private link.
    assert "Hapus hasil saya" not in text and assessment.token not in text


def test_the_pdf_is_made_once_and_making_them_is_rate_limited(client, kesra_role, settings):
    # A day long window: a test never runs across its end.
    settings.RATE_PDF = "1/d"
    first = completed_assessment(kesra_role, "cocok")
    second = completed_assessment(kesra_role, "kurang_cocok")

    assert get_pdf(client, first).status_code == HTTPStatus.OK
    # The same file again is kept, not made again: no limit on downloading it.
    assert pdf.cached(first, read_only=False) is not None
    assert get_pdf(client, first).status_code == HTTPStatus.OK
    assert get_pdf(client, second).status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_a_deleted_result_leaves_no_kept_pdf(client, kesra_role):
    assessment = completed_assessment(kesra_role, "cocok")
    assert get_pdf(client, assessment).status_code == HTTPStatus.OK
    assert pdf.cached(assessment, read_only=False) is not None

    delete_url = reverse("assessments:delete", kwargs={"token": assessment.token})
    assert client.post(delete_url).status_code == HTTPStatus.FOUND

    assert not Assessment.objects.filter(pk=assessment.pk).exists()
    assert pdf.cached(assessment, read_only=False) is None


def test_a_page_too_large_to_be_a_result_is_refused_not_rendered(client, kesra_role, monkeypatch):
    monkeypatch.setattr(pdf, "MAX_HTML_CHARS", 1000)
    response = get_pdf(client, completed_assessment(kesra_role, "cocok"))
    assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE


def test_without_weasyprint_the_visitor_is_told_to_print_instead(client, kesra_role, monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as if Pango could not be loaded
    assessment = completed_assessment(kesra_role, "cocok")

    response = get_pdf(client, assessment)

    result_url = reverse("assessments:result", kwargs={"token": assessment.token})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == result_url
    assert "Gunakan menu Cetak" in client.get(result_url).content.decode()


def test_no_pdf_before_the_result_nor_for_an_unknown_link(client, kesra_role):
    assert get_pdf(client, started_assessment(kesra_role)).status_code == HTTPStatus.NOT_FOUND
    url = reverse("assessments:result_pdf", kwargs={"token": "no-such-token"})
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND


def test_the_pdf_fetches_nothing():
    with pytest.raises(ValueError):
        pdf.refuse_fetching("file:///etc/passwd")


# --- The read-only link ------------------------------------------------------------------------


def test_the_private_link_makes_a_read_only_link_that_shows_the_result_only(client, kesra_role):
    assessment = completed_assessment(kesra_role, "kurang_cocok")
    result_url = reverse("assessments:result", kwargs={"token": assessment.token})
    share_page = reverse("assessments:share_result", kwargs={"token": assessment.token})
    assert f'href="{share_page}"' in client.get(result_url).content.decode()
    assert "Buat tautan hanya-baca" in client.get(share_page).content.decode()

    response = share(client, assessment)
    assert response.status_code == HTTPStatus.FOUND
    shared = ResultShare.objects.get(assessment=assessment)
    assert shared.token != assessment.token
    own_page = client.get(share_page).content.decode()
    assert shared.read_only_url() in own_page
    assert "Cabut tautan hanya-baca" in own_page

    visitor = client.__class__()
    page = visitor.get(shared.read_only_url())
    assert page.status_code == HTTPStatus.OK
    assert page["Referrer-Policy"] == "no-referrer"
    html = page.content.decode()
    assert escape(str(verdicts.VERDICT_TEXTS["kurang_cocok"].label)) in html
    assert "dibagikan kepada Anda untuk dibaca saja" in html
    # Nothing that leads to the private link, deleting, or sharing further.
    assert assessment.token not in html
    assert "/hapus/" not in html and "hanya-baca</button>" not in html
    # The share token opens nothing but the read-only page.
    for name in ("delete", "result", "resume"):
        url = reverse(f"assessments:{name}", kwargs={"token": shared.token})
        assert visitor.get(url).status_code == HTTPStatus.NOT_FOUND, name
    revoke = reverse("assessments:share_result", kwargs={"token": shared.token})
    assert visitor.post(revoke, {"action": "revoke"}).status_code == HTTPStatus.NOT_FOUND
    delete = reverse("assessments:delete", kwargs={"token": shared.token})
    assert visitor.post(delete, {}).status_code == HTTPStatus.NOT_FOUND
    assert ResultShare.objects.filter(pk=shared.pk).exists()
    pdf_url = reverse("assessments:shared_result_pdf", kwargs={"token": shared.token})
    assert visitor.get(pdf_url)["Content-Type"] == "application/pdf"


def test_revoking_the_read_only_link_closes_it_and_a_new_one_has_a_new_address(client, kesra_role):
    assessment = completed_assessment(kesra_role, "cocok")
    share(client, assessment)
    old = ResultShare.objects.get(assessment=assessment)

    share(client, assessment, "revoke")

    assert client.get(old.read_only_url()).status_code == HTTPStatus.NOT_FOUND
    share(client, assessment)
    assert ResultShare.objects.get(assessment=assessment).token != old.token


def test_deleting_the_result_deletes_its_read_only_link(client, kesra_role):
    assessment = completed_assessment(kesra_role, "cocok")
    share(client, assessment)
    shared = ResultShare.objects.get(assessment=assessment)
    client.post(reverse("assessments:delete", kwargs={"token": assessment.token}), {})
    assert client.get(shared.read_only_url()).status_code == HTTPStatus.NOT_FOUND


def test_sharing_needs_a_finished_result_and_a_known_action(client, kesra_role):
    assert share(client, started_assessment(kesra_role)).status_code == HTTPStatus.NOT_FOUND
    assessment = completed_assessment(kesra_role, "cocok")
    assert share(client, assessment, "steal").status_code == HTTPStatus.BAD_REQUEST
    url = reverse("assessments:share_result", kwargs={"token": assessment.token})
    assert client.put(url).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert not ResultShare.objects.exists()


def test_a_read_only_token_is_kept_out_of_the_logs():
    record = logging.LogRecord("x", logging.WARNING, "", 0, "Not Found: /lihat/abc123/", (), None)
    RedactAssessmentTokens().filter(record)
    assert record.getMessage() == "Not Found: /lihat/[token]/"
