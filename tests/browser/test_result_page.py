"""The job seeker's result in the browser: what the first phone screen says for four kinds
of people, the PDF, the read-only link, the comparison on a phone, and the consent error."""

import io
import re
import shutil
import subprocess

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from assessments import scoring, services, verdicts
from tests import answers as personas
from tests.browser.conftest import PHONE, SCREENSHOTS
from tests.public_pages import started_assessment

pytestmark = pytest.mark.browser


def result_of(role, persona) -> str:
    """The result page's address for an assessment answered as ``persona`` does."""
    return assessment_of(role, persona).private_url()


def assessment_of(role, persona):
    """An assessment completed with the answers ``persona`` gives."""
    assessment = started_assessment(role)
    snapshot = assessment.snapshot
    if persona == "knockout":
        trait = next(t["key"] for t in snapshot["traits"] if t["knockout_below"] is not None)
        answers = personas.knocked_out_on(snapshot, trait)
    else:
        answers = {
            "honest-strong": personas.honest_strong,
            "near-the-lines": personas.near_the_top,
            "unreadable": personas.agree_with_everything,
        }[persona](snapshot)
    return services.complete_assessment(assessment, answers)


def on_first_screen(locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] + box["height"] <= PHONE["height"]


def first_screen(page) -> dict[str, object]:
    verdict = page.locator(".verdict")
    steps = verdict.locator(".first-steps li")
    for part in (verdict.locator("#verdict-heading"), verdict.locator(".verdict-basis")):
        assert on_first_screen(part)
    for index in range(steps.count()):
        assert on_first_screen(steps.nth(index)), steps.nth(index).inner_text()
    return {
        "verdict": verdict.locator("#verdict-heading").inner_text(),
        "standing": " ".join(verdict.locator(".verdict-basis").inner_text().split()),
        "steps": [" ".join(text.split()) for text in steps.all_inner_texts()],
        "text": " ".join(verdict.inner_text().split()),
    }


def label(verdict: str) -> str:
    return str(verdicts.VERDICT_TEXTS[verdict].label)


def test_the_first_screen_of_four_people_agrees_with_itself(live_kesra, open_page, shoot):
    page = open_page("phone")
    names = {trait.key: trait.name for trait in live_kesra.bank.traits.all()}

    page.goto(result_of(live_kesra, "honest-strong"))
    screen = first_screen(page)
    assert screen["verdict"] == label("cocok")
    assert screen["standing"] == "Semua 9 sifat mencapai level yang dibutuhkan."
    assert "di bawah" not in screen["text"]
    assert "bukan rata-rata skornya" in screen["text"]
    # Nothing to develop: the verdict's own steps, formal requirements first.
    assert screen["steps"][0].startswith("Pelajari persyaratan formal jabatan")
    shoot(page, "honest-strong", full_page=False)

    near = assessment_of(live_kesra, "near-the-lines")
    below = near.result["mismatches"]
    assert near.result["verdict"] == "kurang_cocok" and not near.result["knockouts"]
    page.goto(near.private_url())
    screen = first_screen(page)
    assert screen["verdict"] == label("kurang_cocok")
    total = len(scoring.stored_traits(near.result["traits"]))
    assert screen["standing"].startswith(
        f"{total - len(below)} dari {total} sifat mencapai level yang dibutuhkan; "
        f"{len(below)} di bawahnya."
    )
    if near.result.get("verdict_sure", True):
        assert screen["standing"].endswith("kelebihan sifat lain tidak menutupinya.")
    else:
        # The gap is within the error: the qualifier says so and names the trait instead.
        assert screen["text"].startswith(f"{label('kurang_cocok')} Belum pasti:")
        assert all(names[key] in screen["text"] for key in near.result["deciding_traits"])
    assert "Cocok" not in screen["text"]
    # The traits with the largest weighted gaps, in that order, each with its advice.
    assert [step.split(":")[0] for step in screen["steps"]] == [
        f"Kembangkan {names[key]}" for key in below[:2]
    ]
    shoot(page, "near-the-lines", full_page=False)
    # The step leads to the trait's explanation, opened.
    page.locator(".first-steps a").first.click()
    explanation = page.locator(f"#trait-{below[0]}")
    expect(explanation).to_be_visible()
    expect(explanation).to_contain_text("Cara mengembangkan")

    page.goto(result_of(live_kesra, "knockout"))
    screen = first_screen(page)
    assert screen["verdict"] == label("tidak_cocok")
    assert screen["standing"] == f"Syarat mutlak belum terpenuhi: {names['empati']}."
    assert screen["steps"][0].startswith(f"Kembangkan {names['empati']}: ")
    assert "Cocok" not in screen["text"].replace("Tidak cocok", "")
    shoot(page, "knockout", full_page=False)

    page.goto(result_of(live_kesra, "unreadable"))
    screen = first_screen(page)
    assert screen["verdict"] == label("tidak_dapat_disimpulkan")
    assert "menyetujui, atau menolak, kedua pernyataan" in screen["standing"]
    assert screen["steps"] == []
    assert "Kecocokan keseluruhan" not in screen["text"]
    expect(page.locator(".verdict").get_by_role("link", name="Mulai lagi")).to_be_visible()
    # The best answers are kept back for a retake.
    page.locator("#scenarios > summary").click()
    expect(page.locator("#scenarios")).to_contain_text("tidak ditampilkan")
    expect(page.locator(".scenario-feedback")).to_have_count(0)
    shoot(page, "unreadable", full_page=False)


def test_the_first_screen_at_both_sizes(live_kesra, open_page, viewport_name, shoot):
    page = open_page(viewport_name)
    page.goto(result_of(live_kesra, "near-the-lines"))
    shoot(page, "first-screen", full_page=False)


def pdf_pages_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_simpan_pdf_downloads_the_whole_result(live_kesra, open_page):
    page = open_page("phone")
    assessment = assessment_of(live_kesra, "near-the-lines")
    page.goto(assessment.private_url())
    # Made by the server on a shared machine: a first PDF (fonts loaded) may take a while.
    with page.expect_download(timeout=60_000) as download_info:
        page.locator(".verdict").get_by_role("link", name="Simpan PDF").click()
    download = download_info.value
    assert download.suggested_filename.startswith("careerfit-hasil-")
    content = open(download.path(), "rb").read()
    assert content.startswith(b"%PDF")
    text = pdf_pages_text(content)
    for part in (
        label("kurang_cocok"),
        "Langkah pertama Anda",
        "Setiap sifat dibandingkan dengan level yang dibutuhkan",
        "Penilaian diri",
        "Pilihan dalam situasi",
        "Yang perlu dikembangkan",
        "Mengapa penting",
        "Pilihan Anda dalam situasi kerja",
        "Umpan balik",
        "Jabatan ini atau Pekerja sosial?",
        "Langkah berikutnya",
        "Cara menduduki jabatan ini",
    ):
        assert part in text, part
    for point in live_kesra.comparison_points.all():
        assert " ".join(point.aspect.split()) in text, point.aspect
    # Every situation's feedback is in, folded or not on the page.
    # (Those the result scored: the core's, and any a second stage served.)
    # Of the traits the role weighs: case work's are on the pekerja sosial's result.
    result = assessment.result
    weighed = {trait.key for trait in scoring.result_from_dict(result).traits}
    items = {item["code"]: item for item in assessment.snapshot["items"]}
    choices = [*result["scenario_choices"], *result["knowledge_choices"]]
    situations = sum(items[code]["trait"] in weighed for code, _ in choices)
    assert len(re.findall(r"Pertanyaan \d+ · ", text)) == situations
    if shutil.which("pdftoppm"):
        SCREENSHOTS.mkdir(exist_ok=True)
        pdf_path = SCREENSHOTS / "result-page.pdf"
        pdf_path.write_bytes(content)
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "70",
                "-f",
                "1",
                "-l",
                "2",
                str(pdf_path),
                str(SCREENSHOTS / "result_page-pdf-page"),
            ],
            check=True,
            timeout=60,
        )


def test_the_read_only_link_shows_the_result_and_cannot_delete_it(live_kesra, open_page, shoot):
    page = open_page("phone")
    own_url = result_of(live_kesra, "near-the-lines")
    page.goto(own_url)
    page.get_by_role("link", name="Tautan hanya-baca").click()
    page.get_by_role("button", name="Buat tautan hanya-baca").click()
    expect(page.locator("#shared-link-url")).to_be_visible()
    shared_url = page.locator("#shared-link-url").input_value()
    assert "/lihat/" in shared_url
    token = own_url.split("/")[2]
    assert token not in shared_url

    mentor = open_page("phone")
    mentor.goto(shared_url)
    expect(mentor.locator(".read-only-note")).to_be_visible()
    expect(mentor.locator("#verdict-heading")).to_have_text(label("kurang_cocok"))
    html = mentor.content()
    assert token not in html
    for absent in ("Hapus hasil", "Cabut tautan", "Buat tautan", "Mulai lagi"):
        expect(mentor.get_by_text(absent)).to_have_count(0)
    shoot(mentor, "mentor", full_page=False)
    # The share token is not a private link: deleting with it finds nothing.
    share_token = shared_url.rstrip("/").split("/")[-1]
    response = mentor.goto(f"/a/{share_token}/hapus/")
    assert response.status == 404

    # The holder revokes it; the mentor's link stops working.
    page.get_by_role("button", name="Cabut tautan hanya-baca").click()
    expect(page.get_by_role("button", name="Buat tautan hanya-baca")).to_be_visible()
    assert mentor.goto(shared_url).status == 404


def test_the_comparison_is_cards_on_a_phone_and_a_table_wider(
    live_kesra, open_page, viewport_name, shoot
):
    page = open_page(viewport_name)
    page.goto(result_of(live_kesra, "near-the-lines") + "#orientation")
    points = live_kesra.comparison_points.count()
    fold = page.locator("#orientation")
    if viewport_name == "phone":
        expect(fold.locator(".comparison-card")).to_have_count(points)
        for card in fold.locator(".comparison-card").all():
            expect(card).to_be_visible()
        expect(fold.locator(".comparison-table")).to_be_hidden()
    else:
        expect(fold.locator(".comparison-table")).to_be_visible()
        expect(fold.locator(".comparison-card").first).to_be_hidden()
    width = page.evaluate("document.documentElement.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    fold.scroll_into_view_if_needed()
    shoot(fold, "comparison")


def test_the_similar_role_page_leads_back_and_outside(live_kesra, open_page, viewport_name, shoot):
    page = open_page(viewport_name)
    result_url = result_of(live_kesra, "near-the-lines")
    page.goto(result_url)
    # This browser's own result: set by the consent step in real use; here by hand.
    from assessments import resume_cookie

    origin = re.match(r"https?://[^/]+", page.url)[0]
    token = result_url.split("/")[2]
    cookie = {"name": resume_cookie.cookie_name(), "value": token, "url": origin + "/"}
    page.context.add_cookies([cookie])
    page.goto(f"/jabatan/{live_kesra.slug}/profesi-serupa/")
    expect(page.get_by_role("heading", name="Langkah berikutnya di luar CareerFit")).to_be_visible()
    expect(page.locator("main")).to_contain_text("IPSPI")
    shoot(page, "similar-role")
    page.get_by_role("link", name="Kembali ke hasil Anda").first.click()
    expect(page).to_have_url(re.compile(re.escape(result_url) + "$"))


def test_printing_without_the_script_shows_every_folded_part(live_kesra, open_page):
    page = open_page("desktop", java_script_enabled=False)
    page.goto(result_of(live_kesra, "near-the-lines"))
    explanation = page.locator("#trait-wawasan_kesejahteraan")
    expect(explanation).to_be_hidden()
    page.emulate_media(media="print")
    expect(explanation).to_be_visible()
    expect(page.locator("#orientation .comparison-table")).to_be_visible()
    expect(page.locator(".scenario-feedback .feedback").first).to_be_visible()


def test_consent_without_the_tick_focuses_the_error(live_kesra, open_page, shoot):
    page = open_page("phone")
    page.goto(f"/jabatan/{live_kesra.slug}/mulai/")
    page.get_by_role("button", name="Setuju dan mulai").click()
    summary = page.locator("#form-errors")
    expect(summary).to_be_focused()
    box = summary.bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= PHONE["height"]
    shoot(page, "consent-error", full_page=False)
    summary.get_by_role("link").click()
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Setuju dan mulai").click()
    expect(page).to_have_url(re.compile(r"/bagian/1/(#id_agree)?$"))
