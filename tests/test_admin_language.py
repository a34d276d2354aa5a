"""The admin's Indonesian: Django's stock wording overridden where it reads badly."""

from pathlib import Path

import polib
from django.conf import settings
from django.utils import translation

from tests.test_i18n import translations

ID_PO = Path(settings.BASE_DIR) / "locale" / "id" / "LC_MESSAGES" / "django.po"


def test_the_overrides_are_compiled():
    assert translations(polib.mofile(str(ID_PO.with_suffix(".mo")))) == translations(
        polib.pofile(str(ID_PO))
    )


def test_the_project_catalog_wins_over_djangos_own():
    with translation.override("id"):
        error = translation.ngettext(
            "Please correct the error below.", "Please correct the errors below.", 2
        )
        history_title = translation.gettext("Change history: %s")
        link = translation.gettext("Change or view list link")
    assert error == "Perbaiki kesalahan di bawah ini."
    assert history_title == "Riwayat perubahan: %s"
    assert "Rubah" not in link and "dibawah" not in error


def test_the_overrides_leave_the_project_texts_alone():
    with translation.override("id"):
        assert translation.gettext("Terbitkan") == "Terbitkan"
