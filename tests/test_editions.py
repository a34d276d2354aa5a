"""Editions of the reference profile: which one a database holds, and the upgrade.

An installed database whose Kabag Kesra role is still an earlier edition (the first, second
or third), unchanged, is brought to the current edition (its questionnaire in the item bank
it shares with the pekerja sosial) by ``load_reference_data`` as a new published version;
past assessments keep their version and their result. A role HR has edited is kept unless
the command is asked to replace it.
"""

import io
import json

import pytest
from django.core.management import call_command

from assessments import services, snapshots
from assessments.drafts import import_profile
from assessments.files import editions
from assessments.models import Assessment, Item, ProfileVersion, Role
from tests.answers import answers_for
from tests.test_migrations import BEFORE, latest, migrate

FIRST_EDITION = editions.FIXTURES / "editions" / "kabag_kesra_1.json"
SECOND_EDITION = "editions/kabag_kesra_2.json"


def load_reference_data(**options):
    out = io.StringIO()
    call_command("load_reference_data", stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def first_edition(db):
    """A database installed with the first edition and holding one completed result."""
    call_command("loaddata", str(FIRST_EDITION), "hr_group", verbosity=0)
    role = Role.objects.get(slug="kabag-kesra")
    assessment = services.start_assessment(role=role, language="id", consent_version="test")
    services.complete_assessment(assessment, answers_for(assessment.snapshot))
    return role


def test_the_first_edition_is_recognised(first_edition):
    assert editions.edition_of(first_edition) == editions.Edition.EARLIER


def test_the_fixture_is_the_current_edition(db):
    call_command("loaddata", "kabag_kesra", verbosity=0)
    assert editions.edition_of(Role.objects.get(slug="kabag-kesra")) == editions.Edition.CURRENT


def test_an_unedited_first_edition_becomes_the_second_as_a_new_version(first_edition):
    [before] = Assessment.objects.all()
    stored = (before.profile_version_id, before.answers, before.result, before.verdict)
    old_version = first_edition.live_version

    out = load_reference_data()

    role = Role.objects.get(slug="kabag-kesra")
    assert "upgraded to the current edition, published as version 2" in out
    assert role.version == 2 and role.is_published
    assert editions.edition_of(role) == editions.Edition.CURRENT
    assert role.live_version != old_version
    assert role.live_version.number == 2
    assert {item.kind for item in role.bank.items.all()} >= {Item.Kind.KNOWLEDGE, Item.Kind.CHECK}
    # It now weighs the traits of the bank it shares with the pekerja sosial.
    social = Role.objects.get(slug="pekerja-sosial")
    assert social.bank == role.bank and social.is_published and social.live_version_id
    # The past result is untouched and still reads its own version.
    before.refresh_from_db()
    assert (before.profile_version_id, before.answers, before.result, before.verdict) == stored
    assert ProfileVersion.objects.filter(pk=old_version.pk).exists()
    assert before.snapshot["items"] == old_version.snapshot["items"]
    # A new visitor is shown the second edition.
    assert snapshots.version_for_visit(role).snapshot["items"][0]["code"] == "L01"
    asked = role.bank.items.exclude(belief__role=social)
    assert len(snapshots.version_for_visit(role).snapshot["items"]) == asked.count()

    assert "already loaded and current" in load_reference_data()
    assert Role.objects.get(slug="kabag-kesra").version == 2


@pytest.fixture
def second_edition(first_edition):
    """The first edition upgraded to the second as version 2, the way the second release
    did it, and a result completed on the second edition."""
    from assessments.publishing import publish

    role = import_profile(editions.fixture_profile(SECOND_EDITION), replace=True)
    publish(role)
    role.refresh_from_db()
    assessment = services.start_assessment(role=role, language="id", consent_version="test")
    services.complete_assessment(assessment, answers_for(assessment.snapshot))
    return role


def test_an_unedited_second_edition_becomes_the_third_as_a_new_version(second_edition):
    assert second_edition.version == 2
    assert editions.edition_of(second_edition) == editions.Edition.EARLIER
    assert not any(item.reserve for item in second_edition.items.all())
    stored = {
        assessment.pk: (assessment.profile_version_id, assessment.answers, assessment.result)
        for assessment in Assessment.objects.all()
    }

    out = load_reference_data()

    role = Role.objects.get(slug="kabag-kesra")
    assert "upgraded to the current edition, published as version 3" in out
    assert (role.version, role.live_version.number) == (3, 3)
    assert editions.edition_of(role) == editions.Edition.CURRENT
    # The third edition's reserve items and rationales came with it.
    assert role.bank.items.filter(reserve=True).exists()
    assert not role.bank.items.filter(kind=Item.Kind.SCENARIO, options__rationale="").exists()
    # Both past results (first and second edition) are untouched.
    assert {
        assessment.pk: (assessment.profile_version_id, assessment.answers, assessment.result)
        for assessment in Assessment.objects.all()
    } == stored
    assert ProfileVersion.objects.filter(role=role, number__in=(1, 2)).count() == 2


def test_an_edited_role_is_kept_and_the_way_to_upgrade_is_printed(first_edition):
    item = first_edition.items.get(code="L01")
    item.text = "Saya mudah memahami perasaan warga."
    item.save()

    out = load_reference_data()

    role = Role.objects.get(slug="kabag-kesra")
    assert "already loaded and has been edited" in out
    assert "load_reference_data --upgrade-content" in out
    assert role.version == 1
    assert role.items.get(code="L01").text == "Saya mudah memahami perasaan warga."
    assert editions.edition_of(role) == editions.Edition.EDITED


def test_upgrade_content_replaces_an_edited_role_as_a_new_version(first_edition):
    first_edition.summary = "Diubah oleh HR"
    first_edition.save()
    [before] = Assessment.objects.all()
    result = before.result

    out = load_reference_data(upgrade_content=True)

    role = Role.objects.get(slug="kabag-kesra")
    assert "published as version 2" in out
    assert editions.edition_of(role) == editions.Edition.CURRENT
    before.refresh_from_db()
    assert before.result == result and before.role_version == 1


def test_a_draft_first_edition_counts_as_edited(first_edition):
    Role.objects.filter(pk=first_edition.pk).update(status=Role.Status.DRAFT)
    assert editions.edition_of(Role.objects.get()) == editions.Edition.EDITED


def test_the_fixture_profile_is_what_export_profile_writes(db):
    """The file form of the fixture, which the upgrade imports, is the loaded fixture's."""
    from assessments.files.profiles import export_profile

    call_command("loaddata", "kabag_kesra", verbosity=0)
    exported = json.loads(json.dumps(export_profile(Role.objects.get(slug="kabag-kesra"))))
    # Which bank content it was taken from is said beside the content.
    assert exported["bank"]["slug"] == "bank-kesejahteraan"
    assert exported == json.loads(
        json.dumps(editions.fixture_profile("kabag_kesra.json", "kabag-kesra"))
    )


@pytest.mark.django_db(transaction=True)
def test_a_database_migrated_from_the_first_release_holds_the_first_edition():
    """The first edition as the first release loaded it, migrated to now, is recognised."""
    old = migrate(BEFORE)
    rows = json.loads(FIRST_EDITION.read_text(encoding="utf-8"))
    for row in rows:
        model = old.get_model(*row["model"].split("."))
        names = {field.name: field for field in model._meta.concrete_fields}
        fields = {}
        for name, value in row["fields"].items():
            if name in names:
                fields[names[name].attname] = value
        if row["model"] == "assessments.role":
            # The first release stored the social-worker threshold as a percentage.
            fields["direct_service_threshold"] = 67
        model.objects.create(pk=row["pk"], **fields)
    migrate(latest())
    snapshots.clear_cache()

    role = Role.objects.get(slug="kabag-kesra")
    assert editions.edition_of(role) == editions.Edition.EARLIER
    load_reference_data()
    assert editions.edition_of(Role.objects.get(slug="kabag-kesra")) == editions.Edition.CURRENT
