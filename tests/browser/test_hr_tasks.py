"""An HR officer's main tasks in Chromium at 1280 x 800, one after another, inside one role:
edit a trait and a scenario, add a statement from a section's page, reorder it, see the
impact with the new item, publish with confirmation, revert from the history, export and
read both files, fill in the entry sheet and score it, import a broken file and read all
its problems. Each page is checked for horizontal overflow and a covered title."""

import csv
import io
import json

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from assessments.models import Section, Trait
from assessments.services import complete_assessment, start_assessment
from tests.answers import answers_for
from tests.browser.test_hr_admin import hr_page, kesra  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


def fits(page) -> None:
    """No horizontal scrolling, and the page's tools do not cover its title."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1280, f"{page.url} is {width} px wide"
    covered = page.evaluate(
        """() => {
          const title = document.querySelector('#content h2, #content h1');
          const tools = document.querySelector('#content .object-tools');
          if (!title || !tools) return false;
          const a = title.getBoundingClientRect(), b = tools.getBoundingClientRect();
          return !(b.bottom <= a.top || b.top >= a.bottom
                   || b.right <= a.left || b.left >= a.right);
        }"""
    )
    assert not covered, f"the tools cover the title on {page.url}"


def test_hr_works_through_a_role(hr_page, kesra, shoot, tmp_path):  # noqa: F811
    page = hr_page
    for level in ("best", "middle", "best"):
        assessment = start_assessment(role=kesra, language="id", consent_version="test")
        complete_assessment(assessment, answers_for(assessment.snapshot, level=level))
    # The role's questionnaire is its item bank's.
    bank = kesra.bank
    trait = bank.traits.get(key="empati")
    section = Section.objects.filter(role=bank).order_by("order").first()

    # The role page fits the screen.
    page.goto(f"/admin/assessments/role/{kesra.pk}/change/")
    fits(page)
    shoot(page, "role", full_page=False)

    # Edit a trait of the bank: the message says it is in the role's draft only.
    page.goto(f"/admin/assessments/trait/{trait.pk}/change/")
    page.fill("#id_description", "Kemampuan memahami perasaan dan keadaan warga.")
    page.locator('input[name="_save"]').click()
    expect(page.locator(".messagelist")).to_contain_text("belum terlihat pengunjung")

    # Edit a scenario option in Indonesian only: its English is flagged at once.
    scenario = bank.items.get(code="S01")
    page.goto(f"/admin/assessments/item/{scenario.pk}/change/")
    page.fill("#id_options-0-text", "Mendengarkan mereka, lalu mencatat alamat petugas.")
    page.locator('input[name="_save"]').click()
    expect(page.locator(".messagelist")).to_contain_text("perlu diperbarui")

    # A section's page: its items in order, and the way to add one.
    page.goto(f"/admin/assessments/section/{section.pk}/change/")
    fits(page)
    shoot(page, "section", full_page=False)
    page.locator("#add-item-here").click()
    expect(page.locator("#id_section")).to_have_value(str(section.pk))
    fits(page)
    # Only this bank's traits are offered.
    labels = page.locator("#id_trait option").all_inner_texts()
    assert len(labels) == bank.traits.count() + 1
    page.select_option("#id_kind", "likert")
    page.fill("#id_code", "L99")
    page.select_option("#id_trait", label=trait.name)
    page.fill("#id_text", "Saya menanyakan kabar warga yang baru tertimpa musibah.")
    page.fill("#id_text_en", "I ask after residents who have just met misfortune.")
    width = page.locator("#id_text").bounding_box()["width"]
    assert width > 200, f"the empty text box is {width} px wide"
    shoot(page, "item-add", full_page=False)
    page.locator('input[name="_addanother"]').click()
    expect(page.locator(".messagelist")).to_contain_text("belum terlihat pengunjung")
    # Save and add another keeps the role and the section.
    expect(page.locator("#id_section")).to_have_value(str(section.pk))

    # Reorder without a script: the new item (last) moves up one place.
    page.goto(f"/admin/assessments/section/{section.pk}/change/")
    codes = page.locator(".section-items-table tbody tr td:nth-child(2) a").all_inner_texts()
    assert codes[-1] == "L99"
    page.get_by_role("button", name="Naikkan butir L99").click()
    expect(page.locator(".messagelist")).to_contain_text("dipindah satu tempat ke atas")
    codes = page.locator(".section-items-table tbody tr td:nth-child(2) a").all_inner_texts()
    assert codes[-2] == "L99"

    # Impact with the new item: results that never answered it are still re-scored.
    page.goto(f"/admin/assessments/role/{kesra.pk}/publish/")
    fits(page)
    expect(page.locator("#impact-summary")).to_contain_text("3")
    expect(page.locator("#impact-left-out")).to_contain_text("L99")
    expect(page.locator("#stale-english")).to_contain_text("S01")
    shoot(page, "publish", full_page=False)
    page.locator("#publish-button").click()
    expect(page.locator("#confirm-button")).to_be_visible()
    fits(page)
    page.locator("#confirm-button").click()
    expect(page.locator(".messagelist")).to_contain_text("Versi 2 diterbitkan")

    # Revert the trait from its history: the message says a publish is still needed.
    record = Trait.history.filter(id=trait.pk).order_by("history_id").first()
    page.goto(f"/admin/assessments/trait/{trait.pk}/history/{record.history_id}/")
    page.locator('input[name="_save"]').click()
    # A bank trait: back in the bank, in the drafts of both its roles.
    expect(page.locator(".messagelist")).to_contain_text("Dikembalikan di bank butir")

    # The dashboard, and both export files read back.
    page.goto(f"/admin/assessments/role/{kesra.pk}/dashboard/")
    fits(page)
    shoot(page, "dashboard", full_page=False)
    with page.expect_download() as download:
        page.get_by_role("link", name="XLSX").first.click()
    workbook = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    header = [cell.value for cell in workbook.worksheets[0][1]]
    assert header[:3] == ["Tanggal mulai", "Tanggal selesai", "Sumber"]
    assert workbook.sheetnames[1] == "Keterangan"
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV", exact=True).first.click()
    text = open(download.value.path(), encoding="utf-8").read()
    assert text.startswith("\ufeffTanggal mulai;")
    assert len(list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))) == 4

    # The paper entry sheet, filled in with the printed form's words, scored.
    page.goto(f"/admin/assessments/role/{kesra.pk}/paper/")
    with page.expect_download() as download:
        page.locator("#entry-xlsx").click()
    workbook = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    sheet = workbook.worksheets[0]
    columns = [cell.value for cell in sheet[1]]
    kesra.refresh_from_db()
    snapshot = kesra.live_version.snapshot
    answers = answers_for(snapshot)
    # As written on the form: beliefs in words, the field of study by its name.
    words = {"agree": "setuju", "disagree": "tidak setuju"}
    words |= {field["code"]: field["name"] for field in snapshot["education_fields"]}
    sheet.append(["P-01", *(words.get(answers[code], answers[code]) for code in columns[1:])])
    filled = tmp_path / "isian.xlsx"
    workbook.save(filled)
    page.set_input_files("#id_file", str(filled))
    page.locator('#paper-upload input[type="submit"]').click()
    expect(page.locator("#paper-results")).to_contain_text("P-01")

    # A broken profile file: every problem listed at once.
    data = json.loads(page.request.get(f"/admin/assessments/role/{kesra.pk}/profile.json").text())
    data["slug"] = "rusak"
    del data["traits"][0]["name"]
    data["traits"][1]["required_level"] = 250
    data["items"][0]["kind"] = "essay"
    broken = tmp_path / "rusak.json"
    broken.write_text(json.dumps(data), encoding="utf-8")
    page.goto("/admin/assessments/role/import/")
    page.set_input_files("#id_file", str(broken))
    page.locator('input[type="submit"]').last.click()
    errors = page.locator(".errorlist, .errornote").all_inner_texts()
    joined = " ".join(errors)
    # Every problem at once, each at its place as the admin names it.
    first, second = data["traits"][0]["key"], data["traits"][1]["key"]
    assert f"Sifat ke-1 ({first}): kolom wajib “name” tidak ada" in joined, joined
    assert f"Sifat ke-2 ({second}) › level yang dibutuhkan" in joined, joined
    assert "Butir ke-1 (L01) › jenis" in joined, joined
