"""Paper for Excel users: an entry sheet to type answers into, in the printed form's words,
kept apart from the answer key; a file with a column that is no item is scored only when
HR confirms."""

import csv
import io
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from assessments.models import Assessment
from tests.answers import answers_for
from tests.test_hr_pages import EXAMPLES, paper_url, upload

pytestmark = pytest.mark.django_db

WORDS = {"1": "sangat tidak setuju", "2": "tidak setuju", "4": "setuju", "5": "sangat setuju"}


@pytest.fixture(autouse=True)
def upload_dir(settings, tmp_path):
    settings.CAREERFIT_PAPER_UPLOAD_DIR = str(tmp_path / "uploads")


def entry_sheet(client, role):
    response = client.get(paper_url(role, "paper_entry", "xlsx"))
    assert response.status_code == HTTPStatus.OK
    return load_workbook(io.BytesIO(response.content))


def test_the_entry_sheet_has_a_row_per_respondent_and_a_column_per_item(hr_client, kesra_role):
    workbook = entry_sheet(hr_client, kesra_role)
    sheet, allowed = workbook.worksheets

    snapshot = kesra_role.live_version.snapshot
    codes = [code for section in snapshot["sections"] for code in section["items"]]
    header = [cell.value for cell in sheet[1]]
    assert header == ["respondent", *codes]
    assert all(cell.font.bold for cell in sheet[1]) and sheet.freeze_panes == "B2"
    # Every item column checks its answers against the list on the second sheet.
    validated = {str(v.sqref).split(":")[0][:-1] for v in sheet.data_validations.dataValidation}
    assert len(validated) == len(codes)
    rows = {row[0]: row[2:] for row in allowed.iter_rows(min_row=2, values_only=True)}
    assert [v for v in rows["B01"] if v] == ["setuju", "tidak setuju"]
    assert [v for v in rows["L01"] if v] == ["1", "2", "3", "4", "5"]
    field_names = [field["name"] for field in snapshot["education_fields"]]
    assert [v for v in rows["E01"] if v] == field_names


def test_the_csv_entry_sheet_opens_in_indonesian_excel(hr_client, kesra_role):
    response = hr_client.get(paper_url(kesra_role, "paper_entry", "csv"))
    text = response.content.decode("utf-8")

    assert text.startswith("\ufeffrespondent;L01;")
    assert text.count("\n") == 1


def test_the_answer_key_is_offered_apart_from_the_entry_sheet(hr_client, kesra_role):
    content = hr_client.get(paper_url(kesra_role)).content.decode()

    assert 'id="entry-xlsx"' in content and 'id="entry-csv"' in content
    assert "Kunci jawaban" in content


def test_the_printed_form_asks_for_indonesian_words_not_codes(hr_client, kesra_role):
    content = hr_client.get(paper_url(kesra_role, "paper_form")).content.decode()

    assert '<span class="paper-code">Setuju</span>' in content
    assert '<span class="paper-code">agree</span>' not in content
    for field in kesra_role.education_fields.all():
        assert f'<span class="paper-code">{field.code}</span>' not in content
        assert f'<span class="paper-code">{field.name}</span>' in content


def test_an_entry_sheet_filled_in_with_words_is_scored_and_stored(hr_client, kesra_role):
    snapshot = kesra_role.live_version.snapshot
    workbook = entry_sheet(hr_client, kesra_role)
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    answers = answers_for(snapshot)
    kinds = {item["code"]: item["kind"] for item in snapshot["items"]}
    names = {field["code"]: field["name"] for field in snapshot["education_fields"]}
    row = ["P-01"]
    for code in header[1:]:
        value = answers[code]
        if kinds[code] == "likert":
            value = WORDS.get(value, value)
        elif kinds[code] == "belief":
            value = {"agree": "setuju", "disagree": "tidak setuju"}[value]
        elif kinds[code] == "background":
            value = names[value]
        elif kinds[code] == "check":
            value = int(value)  # a number, as Excel keeps a typed digit
        row.append(value)
    sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    data = {
        "file": SimpleUploadedFile("isian.xlsx", output.getvalue()),
        "store": "on",
    }

    response = hr_client.post(paper_url(kesra_role), data)

    assert response.context["rejected"] == []
    assert [record["respondent"] for record in response.context["scored"]] == ["P-01"]
    stored = Assessment.objects.get(source=Assessment.Source.PAPER)
    assert stored.verdict == "cocok"
    assert stored.result["education_field"] == answers["E01"]


def test_a_wrong_word_is_explained_with_the_allowed_words(hr_client, kesra_role):
    lines = open(EXAMPLES, encoding="utf-8").read().splitlines()
    header = lines[0].split(",")
    row = lines[1].split(",")
    row[header.index("B01")] = "mungkin"
    text = "\n".join([lines[0], ",".join(row)]) + "\n"

    response = upload(hr_client, kesra_role, text)

    [(_line, _who, reason)] = response.context["rejected"]
    assert "B01: “mungkin” bukan jawaban yang boleh (setuju, tidak setuju)" in reason


def test_an_unknown_column_is_named_and_scored_without_only_when_hr_confirms(hr_client, kesra_role):
    lines = open(EXAMPLES, encoding="utf-8").read().splitlines()
    text = "\n".join(
        [lines[0] + ",catatan,L99"] + [line + ",ditulis ulang,5" for line in lines[1:]]
    )

    first = upload(hr_client, kesra_role, text, store=True)

    assert first.context["unknown_columns"] == ["catatan", "L99"]
    assert "scored" not in first.context
    assert 'id="ignore-unknown"' in first.content.decode()
    assert not Assessment.objects.filter(source=Assessment.Source.PAPER).exists()

    confirmed = hr_client.post(paper_url(kesra_role), {"ignore_unknown": "1", "store": "on"})

    assert confirmed.status_code == HTTPStatus.OK
    assert len(confirmed.context["scored"]) == len(lines) - 1
    assert confirmed.context["ignored_columns"] == ["catatan", "L99"]
    assert Assessment.objects.filter(source=Assessment.Source.PAPER).count() == len(lines) - 1
    results = hr_client.get(paper_url(kesra_role, "paper_results", "csv"))
    assert len(list(csv.DictReader(io.StringIO(results.content.decode())))) == len(lines) - 1


def test_a_file_that_is_not_xlsx_is_a_form_error(hr_client, kesra_role):
    data = {"file": SimpleUploadedFile("isian.xlsx", b"not a workbook")}

    response = hr_client.post(paper_url(kesra_role), data)

    assert response.status_code == HTTPStatus.OK
    assert "XLSX tidak terbaca" in str(response.context["form"].errors)


def test_confirming_without_a_kept_file_asks_for_the_file(hr_client, kesra_role):
    response = hr_client.post(paper_url(kesra_role), {"ignore_unknown": "1"})

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("admin:assessments_role_paper", args=[kesra_role.pk])


def test_an_empty_workbook_reads_as_a_file_without_a_header(hr_client, kesra_role):
    output = io.BytesIO()
    Workbook().save(output)

    response = hr_client.post(
        paper_url(kesra_role), {"file": SimpleUploadedFile("isian.xlsx", output.getvalue())}
    )

    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors
