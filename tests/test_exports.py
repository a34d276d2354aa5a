"""Exports and imports: results as CSV and XLSX, a role profile as a JSON file."""

import csv
import io
import json
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from assessments import drafts
from assessments.drafts import import_profile
from assessments.files.profiles import (
    ProfileFileError,
    export_profile,
    field_values,
    parse_profile_file,
)
from assessments.models import Assessment, Item, Option, Role, RoleTrait, Trait
from assessments.services import complete_assessment, start_assessment
from assessments.snapshots import build_snapshot
from tests.answers import answers_for
from tests.factories import make_complete_role

pytestmark = pytest.mark.django_db

MAX_QUERIES = 14


def comparable_snapshot(role: Role) -> dict:
    """The role's snapshot with belief keys (database ids) replaced by their position, and
    without the bank it was read from (where its questionnaire is kept, not its content:
    an imported role holds its own)."""
    snapshot = build_snapshot(role)
    snapshot.pop("bank", None)
    positions = {belief["key"]: str(n) for n, belief in enumerate(snapshot["beliefs"])}
    for belief in snapshot["beliefs"]:
        belief["key"] = positions[belief["key"]]
    for item in snapshot["items"]:
        if item["belief"] is not None:
            item["belief"] = positions[item["belief"]]
    return snapshot


def document_items(role: Role):
    """The items of a banked role's document: the bank's items less the belief checks of
    the bank's other roles."""
    bank = role.bank
    return bank.items.exclude(belief__role__in=bank.roles.exclude(pk=role.pk))


def own_item_codes(role: Role) -> set[str]:
    """The codes of the items a banked role's file brings into a role of its own: those of
    its document less the items of bank traits the role does not weigh (asked only for the
    bank's other roles)."""
    weighed = Q(trait__isnull=True) | Q(trait__role_traits__role=role)
    return set(document_items(role).filter(weighed).values_list("code", flat=True))


def as_a_role_of_its_own(snapshot: dict, role: Role) -> dict:
    """``snapshot`` of a banked role as a role of its own has it: with only the items of
    ``own_item_codes`` and without the sections left empty."""
    codes = own_item_codes(role)
    sections = [
        {**section, "items": [code for code in section["items"] if code in codes]}
        for section in snapshot["sections"]
    ]
    return {
        **snapshot,
        "sections": [section for section in sections if section["items"]],
        "items": [item for item in snapshot["items"] if item["code"] in codes],
    }


def delete_every_role():
    Option.objects.all().delete()
    Item.objects.all().delete()
    # The roles that use a bank before the banks: a bank in use is protected.
    RoleTrait.objects.all().delete()
    Role.objects.filter(bank__isnull=False).delete()
    Role.objects.all().delete()


# --- Profile files ------------------------------------------------------------------------


def test_round_trip_through_the_commands_into_an_empty_database(kesra_role, tmp_path):
    # Without its bank the role is a role of its own: its traits and their items.
    before = as_a_role_of_its_own(comparable_snapshot(kesra_role), kesra_role)
    assert len(before["items"]) < len(build_snapshot(kesra_role)["items"])
    path = tmp_path / "kesra.json"

    call_command("export_profile", "kabag-kesra", output=str(path))
    delete_every_role()
    assert not Role.objects.exists()
    call_command("import_profile", str(path), stdout=io.StringIO())

    role = Role.objects.get(slug="kabag-kesra")
    assert role.bank is None and not role.is_bank
    assert comparable_snapshot(role) == before
    assert role.items.count() == len(before["items"])
    assert role.is_published and role.version == 1
    assert role.published_fingerprint


def test_the_file_holds_content_and_nothing_else(kesra_role):
    data = export_profile(kesra_role)
    text = json.dumps(data)

    # The file is the profile document a version stores, marked as a profile file.
    assert data == {"format": "careerfit-profile", **build_snapshot(kesra_role)}
    assert data["schema"] == 2
    assert len(data["items"]) == document_items(kesra_role).count()
    assert {"id", "role", "status", "published_fingerprint", "updated_at"}.isdisjoint(data)
    assert all("id" not in item and "role" not in item for item in data["items"])
    assert kesra_role.summary in text


def test_a_duplicate_slug_is_refused_unless_replaced(kesra_role):
    data = export_profile(kesra_role)

    with pytest.raises(ProfileFileError) as refused:
        import_profile(data)
    assert "kabag-kesra" in refused.value.problems[0]

    copy = import_profile(data, slug="kabag-kesra-salinan", as_draft=True)
    assert copy.status == Role.Status.DRAFT
    # A role of its own, with the items of the traits it weighs.
    assert copy.bank is None
    assert set(copy.items.values_list("code", flat=True)) == own_item_codes(kesra_role)


def test_replace_writes_the_file_into_the_draft_in_place(kesra_role):
    assessment = start_assessment(role=kesra_role, language="id", consent_version="test")
    live = kesra_role.live_version
    data = export_profile(kesra_role)
    data["traits"][0]["name"] = "Empati yang terarah"
    data["traits"][1]["weight"] = 1
    bank = kesra_role.bank
    pks = {trait.key: trait.pk for trait in bank.traits.all()}
    role_trait_pks = set(kesra_role.role_traits.values_list("pk", flat=True))
    item_pks = set(bank.items.values_list("pk", flat=True))
    records = Trait.history.count()
    role_trait_records = RoleTrait.history.count()

    role = import_profile(data, replace=True)
    role.refresh_from_db()

    assert role.pk == kesra_role.pk and role.version == 1 and role.live_version == live
    # The trait's name is the bank's, its weight the role's; every row kept its id.
    assert role.bank == bank
    assert bank.traits.get(key=data["traits"][0]["key"]).name == "Empati yang terarah"
    assert role.role_traits.get(trait__key=data["traits"][1]["key"]).weight == 1
    assert {trait.key: trait.pk for trait in bank.traits.all()} == pks
    assert set(role.role_traits.values_list("pk", flat=True)) == role_trait_pks
    assert set(bank.items.values_list("pk", flat=True)) == item_pks
    assert not role.traits.exists() and not role.items.exists()
    # One record each, for the bank trait and the role trait that changed.
    assert Trait.history.count() == records + 1
    assert RoleTrait.history.count() == role_trait_records + 1
    assert drafts.draft_state(role).changed
    assessment.refresh_from_db()
    assert assessment.role_id == role.pk and assessment.role_version == 1
    # The same file again changes nothing.
    import_profile(data, replace=True)
    assert Trait.history.count() == records + 1
    assert RoleTrait.history.count() == role_trait_records + 1


def first_format_file(role: Role) -> dict:
    """A file as exports before the profile document wrote it: rows with refs. A role that
    uses a bank is written as it was before the bank: the bank's traits with the role's
    values, and the items of those traits and of the role's beliefs, in the bank's
    sections that hold any of them."""
    owner = role.questionnaire_owner
    items = list(owner.items.all())
    if role.bank_id:
        codes = own_item_codes(role)
        items = [item for item in items if item.code in codes]
    used = {item.section_id for item in items}
    beliefs = list(role.beliefs.all())
    sections = [section for section in owner.sections.all() if section.pk in used]
    belief_refs = {belief.pk: f"belief-{n}" for n, belief in enumerate(beliefs, 1)}
    section_refs = {section.pk: f"section-{n}" for n, section in enumerate(sections, 1)}
    return {
        "format": "careerfit-profile",
        "format_version": 1,
        "role": field_values(role),
        "duties": [field_values(duty) for duty in role.duties.all()],
        "traits": [
            {**field_values(role_trait.trait), **field_values(role_trait)}
            for role_trait in role.role_traits.select_related("trait")
        ],
        "education_fields": [field_values(field) for field in role.education_fields.all()],
        "beliefs": [{"ref": belief_refs[b.pk], **field_values(b)} for b in beliefs],
        "comparison_points": [field_values(point) for point in role.comparison_points.all()],
        "sections": [{"ref": section_refs[s.pk], **field_values(s)} for s in sections],
        "items": [
            {
                **field_values(item),
                "section": section_refs[item.section_id],
                "trait": item.trait.key if item.trait_id else None,
                "belief": belief_refs.get(item.belief_id),
                "options": [field_values(option) for option in item.options.all()],
            }
            for item in items
        ],
    }


def test_a_file_of_the_first_format_is_still_read(kesra_role):
    before = as_a_role_of_its_own(comparable_snapshot(kesra_role), kesra_role)
    data = json.loads(json.dumps(first_format_file(kesra_role)))
    delete_every_role()

    role = import_profile(data)

    assert role.bank is None
    assert comparable_snapshot(role) == before
    assert role.is_published


def test_a_reserve_item_and_an_option_rationale_travel_in_the_file(kesra_role):
    """Fields carried only where set (``reserve``, ``rationale``) go out and come back."""
    item = kesra_role.bank.items.filter(options__isnull=False).first()
    Item.objects.filter(pk=item.pk).update(reserve=True)
    Option.objects.filter(item=item, order=1).update(rationale="Alasan pilihan ini.")
    data = json.loads(json.dumps(export_profile(kesra_role)))
    exported = next(entry for entry in data["items"] if entry["code"] == item.code)
    assert exported["reserve"] is True
    assert exported["options"][0]["rationale"] == "Alasan pilihan ini."

    role = import_profile(data, slug="dengan-cadangan", as_draft=True)

    copy = role.items.get(code=item.code)
    assert copy.reserve and copy.options.get(order=1).rationale == "Alasan pilihan ini."
    # The reserve items of the traits the role weighs: the copy is a role of its own.
    reserves = set(
        kesra_role.bank.items.filter(reserve=True, code__in=own_item_codes(kesra_role)).values_list(
            "code", flat=True
        )
    )
    assert item.code in reserves
    assert set(role.items.filter(reserve=True).values_list("code", flat=True)) == reserves


def test_the_replace_command_and_a_refused_duplicate(kesra_role, tmp_path):
    path = tmp_path / "kesra.json"
    call_command("export_profile", "kabag-kesra", output=str(path))

    with pytest.raises(CommandError, match="kabag-kesra"):
        call_command("import_profile", str(path))
    call_command("import_profile", str(path), replace=True, stdout=io.StringIO())

    role = Role.objects.get(slug="kabag-kesra")
    assert role.status == Role.Status.PUBLISHED and role.version == 1
    assert not drafts.draft_state(role).changed


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"{not json", "bukan JSON yang sah"),
        (b"\xff\xfe\x00", "bukan teks UTF-8"),
        (b"[1, 2]", "satu objek JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "JSON"),
        (b'{"format": "lain"}', "bukan berkas profil CareerFit"),
    ],
)
def test_a_broken_file_is_explained(content, expected):
    with pytest.raises(ProfileFileError) as refused:
        import_profile(parse_profile_file(content))
    assert expected in " ".join(refused.value.problems)
    assert not Role.objects.exists()


def test_every_problem_is_listed_with_its_place_and_nothing_is_saved(kesra_role):
    data = export_profile(kesra_role)
    data["slug"] = "baru"
    del data["traits"][0]["name"]
    data["traits"][1]["required_level"] = 250
    data["items"][0]["kind"] = "essay"
    data["sections"][0]["items"].remove(data["items"][1]["code"])
    data["sections"][0]["items"].append("X99")
    data["items"][2]["reverse_keyed"] = "yes"
    data["items"][3]["colour"] = "blue"

    with pytest.raises(ProfileFileError) as refused:
        import_profile(data)

    problems = "\n".join(refused.value.problems)
    trait_0, trait_1 = data["traits"][0]["key"], data["traits"][1]["key"]
    assert f"traits[0] ({trait_0}): kolom wajib “name” tidak ada" in problems
    assert f"traits[1] ({trait_1}) › required_level" in problems
    assert "items[0] (L01) › kind" in problems
    assert "items[1] (L02): butir ini tidak ada di bagian kuesioner mana pun" in problems
    assert "butir “X99” tidak ada di items" in problems
    assert "“reverse_keyed” harus berupa true atau false" in problems
    assert "“colour” tidak dikenal" in problems
    assert not Role.objects.filter(slug="baru").exists()


def test_a_published_profile_that_cannot_be_published_is_refused(kesra_role):
    data = export_profile(kesra_role)
    data["slug"] = "tanpa-tugas"
    data["duties"] = []

    with pytest.raises(ProfileFileError) as refused:
        import_profile(data)

    assert any("minimal satu tugas" in problem for problem in refused.value.problems)
    assert not Role.objects.filter(slug="tanpa-tugas").exists()
    assert import_profile(data, as_draft=True).duties.count() == 0


def test_hr_user_exports_a_profile_from_the_admin(hr_client, django_assert_max_num_queries):
    role = make_complete_role()
    url = reverse("admin:assessments_role_profile", args=[role.pk])

    with django_assert_max_num_queries(MAX_QUERIES):
        response = hr_client.get(url)
    action = hr_client.post(
        reverse("admin:assessments_role_changelist"),
        {"action": "export_profile", "_selected_action": [role.pk]},
    )

    assert response.status_code == HTTPStatus.OK
    assert f'filename="{role.slug}-v1.json"' in response["Content-Disposition"]
    assert json.loads(response.content)["slug"] == role.slug
    assert json.loads(action.content) == json.loads(response.content)


def test_hr_user_imports_a_profile_in_the_admin(
    hr_client, kesra_role, django_assert_max_num_queries
):
    upload = SimpleUploadedFile(
        "kesra.json", json.dumps(export_profile(kesra_role)).encode(), "application/json"
    )
    url = reverse("admin:assessments_role_import")
    with django_assert_max_num_queries(MAX_QUERIES):
        assert hr_client.get(url).status_code == HTTPStatus.OK

    response = hr_client.post(url, {"file": upload, "slug": "kesra-dua", "as_draft": "on"})

    role = Role.objects.get(slug="kesra-dua")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("admin:assessments_role_change", args=[role.pk])
    assert role.status == Role.Status.DRAFT
    assert role.history.get().history_user.groups.filter(name="HR").exists()


@pytest.mark.parametrize(
    ("content", "slug", "expected"),
    [
        (b"{oops", "", "bukan JSON yang sah"),
        (None, "", "Sudah ada jabatan dengan slug"),
        (None, "bukan slug!", "slug"),
    ],
)
def test_a_refused_import_is_a_form_error_not_a_server_error(
    hr_client, kesra_role, content, slug, expected
):
    content = content or json.dumps(export_profile(kesra_role)).encode()
    upload = SimpleUploadedFile("profil.json", content, "application/json")
    roles = set(Role.objects.values_list("slug", flat=True))

    response = hr_client.post(
        reverse("admin:assessments_role_import"), {"file": upload, "slug": slug}
    )

    assert response.status_code == HTTPStatus.OK
    assert expected in response.content.decode()
    # The item bank and its roles, and nothing imported.
    assert roles == {"bank-kesejahteraan", "kabag-kesra", "pekerja-sosial"}
    assert set(Role.objects.values_list("slug", flat=True)) == roles


def test_without_the_add_permission_there_is_no_import(client, kesra_role):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    user = get_user_model().objects.create_user("viewer", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_role"))
    client.force_login(user)

    assert client.get(reverse("admin:assessments_role_import")).status_code == 403


# --- Results ------------------------------------------------------------------------------


@pytest.fixture
def completed(kesra_role):
    snapshot = build_snapshot(kesra_role)
    assessments = []
    for level, direct in (("best", False), ("worst", True), ("middle", False)):
        assessment = start_assessment(role=kesra_role, language="en", consent_version="test")
        assessments.append(
            complete_assessment(
                assessment, answers_for(snapshot, level=level, direct_service=direct)
            )
        )
    old = start_assessment(role=kesra_role, language="id", consent_version="test")
    Assessment.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=200))
    complete_assessment(old, answers_for(snapshot, level="best"))
    start_assessment(role=kesra_role, language="id", consent_version="test")
    return assessments


def results_url(role, file_format):
    return reverse("admin:assessments_role_results", args=[role.pk, file_format])


def csv_export(client, role, **query):
    response = client.get(results_url(role, "csv"), query)
    content = b"".join(response.streaming_content).decode("utf-8")
    return response, content


def test_hr_user_exports_results_as_csv_for_indonesian_excel(
    hr_client, kesra_role, completed, django_assert_max_num_queries
):
    with django_assert_max_num_queries(MAX_QUERIES):
        response, content = csv_export(hr_client, kesra_role)

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    # What Indonesian Excel opens by double-click: a byte order mark, ";" between cells.
    assert content.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(content.removeprefix("\ufeff")), delimiter=";"))
    # Only the three completed in the last 90 days, oldest first.
    assert [row["Putusan (kode)"] for row in rows] == [a.verdict for a in completed]
    columns = list(rows[0])
    names = list(kesra_role.role_traits.values_list("trait__name", flat=True))
    start = columns.index(f"{names[0]}: skor (0-100)")
    assert columns[start : start + 3 * len(names)] == [
        column
        for name in names
        for column in (f"{name}: skor (0-100)", f"{name}: pernyataan diri", f"{name}: perilaku")
    ]
    assert rows[0]["Empati: skor (0-100)"] == "100" and rows[1]["Empati: skor (0-100)"] == "0"
    assert rows[1]["Gugur pada (kode)"] == "; ".join(completed[1].result["knockouts"])
    trait_names = dict(kesra_role.bank.traits.values_list("key", "name"))
    assert rows[1]["Gugur pada"] == "; ".join(
        trait_names[key] for key in completed[1].result["knockouts"]
    )
    assert rows[1]["Putusan"] == "Tidak cocok"
    assert rows[0]["Sumber"] == "web" and rows[0]["Bahasa"] == "en"
    assert rows[1]["Orientasi layanan langsung (%)"] == "100"
    assert rows[0]["Pendidikan sesuai"] == "ya"
    # One version column, days without the time.
    assert rows[0]["Versi profil"] == "1"
    assert not any("version" in column.lower() for column in columns)
    assert rows[0]["Tanggal selesai"] == timezone.localdate().isoformat()
    for assessment in completed:
        assert assessment.token not in content
    first_code = next(iter(completed[0].answers))
    assert first_code not in columns


def test_a_fraction_is_written_with_a_decimal_comma(hr_client, kesra_role, completed):
    _response, content = csv_export(hr_client, kesra_role)
    rows = list(csv.DictReader(io.StringIO(content.removeprefix("\ufeff")), delimiter=";"))
    fits = [row["Kecocokan keseluruhan (0-100)"] for row in rows]

    expected = [
        f"{round(a.overall_fit, 2):.2f}".rstrip("0").rstrip(".").replace(".", ",")
        for a in completed
    ]
    assert fits == expected
    assert all("." not in fit for fit in fits)


def test_the_field_of_study_is_exported_only_to_those_who_may_see_answers(
    client, hr_user, kesra_role, completed
):
    client.force_login(hr_user)
    _response, without = csv_export(client, kesra_role)
    hr_user.user_permissions.add(Permission.objects.get(codename="view_answers"))
    client.force_login(get_user_model().objects.get(pk=hr_user.pk))
    _response, with_field = csv_export(client, kesra_role)

    field = completed[0].result["education_field"]
    header_without = without.splitlines()[0]
    assert "Bidang pendidikan" not in header_without and field not in without
    assert "Pendidikan sesuai" in header_without
    assert "Bidang pendidikan (kode)" in with_field.splitlines()[0] and field in with_field


def test_the_codebook_explains_every_column_and_code(hr_client, kesra_role, completed):
    _response, content = csv_export(hr_client, kesra_role)
    header = next(csv.reader(io.StringIO(content.removeprefix("\ufeff")), delimiter=";"))

    url = reverse("admin:assessments_role_results_codebook", args=[kesra_role.pk])
    response = hr_client.get(url)
    book = response.content.decode("utf-8")

    assert book.startswith("\ufeff")
    lines = list(csv.reader(io.StringIO(book.removeprefix("\ufeff")), delimiter=";"))
    explained = {line[0] for line in lines if line}
    assert set(header) <= explained
    assert {"cocok", "tidak_dapat_disimpulkan", "empati"} <= explained


def test_hr_user_exports_results_as_xlsx_with_a_legend(hr_client, kesra_role, completed):
    today = timezone.localdate()
    response = hr_client.get(
        results_url(kesra_role, "xlsx"),
        {"start": (today - timedelta(days=365)).isoformat(), "end": today.isoformat()},
    )

    workbook = load_workbook(io.BytesIO(response.content))
    sheet, legend = workbook.worksheets
    rows = list(sheet.iter_rows(values_only=True))
    assert response.status_code == HTTPStatus.OK
    assert rows[0][:8] == (
        "Tanggal mulai",
        "Tanggal selesai",
        "Sumber",
        "Versi profil",
        "Bahasa",
        "Putusan (kode)",
        "Putusan",
        "Kecocokan keseluruhan (0-100)",
    )
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    # The one started 200 days ago is inside a year.
    assert len(rows) == 1 + 4
    assert rows[-1][5] == completed[-1].verdict
    assert rows[-1][7] == round(completed[-1].overall_fit, 2)
    assert rows[-1][1].date() == today
    assert rows[-1][1].hour == rows[-1][1].minute == 0
    explained = {row[0] for row in legend.iter_rows(values_only=True)}
    assert set(rows[0]) <= explained


def test_a_bad_range_or_format_exports_nothing(hr_client, kesra_role, completed):
    bad_range = hr_client.get(results_url(kesra_role, "csv"), {"start": "2026-02-30"})
    bad_format = hr_client.get(results_url(kesra_role, "pdf"))

    assert bad_range.status_code == HTTPStatus.FOUND
    assert bad_range["Location"] == reverse(
        "admin:assessments_role_dashboard", args=[kesra_role.pk]
    )
    assert bad_format.status_code == HTTPStatus.NOT_FOUND


def test_an_import_in_the_admin_names_every_problem_as_the_admin_does(hr_client, kesra_role):
    data = export_profile(kesra_role)
    data["slug"] = "baru"
    data["traits"][1]["required_level"] = 250
    data["items"][0]["kind"] = "essay"
    del data["traits"][0]["name"]
    upload = SimpleUploadedFile("profil.json", json.dumps(data).encode(), "application/json")

    response = hr_client.post(reverse("admin:assessments_role_import"), {"file": upload})

    problems = response.context["form"].non_field_errors()
    text = " ".join(problems)
    key = data["traits"][1]["key"]
    assert f"Sifat ke-2 ({key}) › level yang dibutuhkan" in text
    assert "Butir ke-1 (L01) › jenis" in text
    assert "kolom wajib “name” tidak ada" in text
    assert "traits[" not in text and "items[" not in text
    assert not Role.objects.filter(slug="baru").exists()


def test_broken_json_is_explained_in_indonesian(hr_client, kesra_role):
    upload = SimpleUploadedFile("profil.json", b'{"role": {"title": "Kabag', "application/json")

    response = hr_client.post(reverse("admin:assessments_role_import"), {"file": upload})

    text = " ".join(response.context["form"].non_field_errors())
    assert "teks tanpa tanda kutip penutup" in text
    assert "Unterminated" not in text
