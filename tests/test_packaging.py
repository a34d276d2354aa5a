"""The project as a package: a wheel built from the checkout carries everything the app
needs at run time (CI also installs it in a fresh virtual environment and runs its checks)."""

import subprocess
import sys
import zipfile
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(__file__).resolve().parent.parent


def test_a_checkout_reads_its_site_files_from_the_top_level_folders():
    assert settings.SITE_DIR == BASE_DIR
    assert (settings.SITE_DIR / "templates" / "base.html").is_file()


def test_the_wheel_carries_the_code_templates_static_files_translations_and_fixtures(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(tmp_path),
            str(BASE_DIR),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    (wheel,) = tmp_path.glob("careerfit-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in (
        "careerfit/settings.py",
        "assessments/admin/__init__.py",
        "assessments/migrations/0001_initial.py",
        "assessments/management/commands/load_reference_data.py",
        "careerfit/site/templates/base.html",
        "careerfit/site/static/css/careerfit.css",
        "careerfit/site/locale/en/LC_MESSAGES/django.mo",
        "careerfit/site/fixtures/kabag_kesra.json",
        "careerfit/site/fixtures/hr_group.json",
    ):
        assert name in names, name
    assert not any(name.startswith(("tests/", "bench/")) for name in names)
    metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
    requires = zipfile.ZipFile(wheel).read(metadata).decode()
    assert "Requires-Dist: bootstrap-wrapper" in requires
    assert "XStatic" not in requires
