"""Every public page is valid HTML according to the Nu HTML checker (vnu.jar)."""

import json
import os
import shutil
import subprocess
from http import HTTPStatus
from pathlib import Path

import pytest

from tests.public_pages import fetch_public_pages

VNU_JAR = Path(__file__).resolve().parent.parent / "node_modules/vnu-jar/build/dist/vnu.jar"
# Proves the checker really reports errors: a run that finds nothing in it is broken.
CANARY = '<!DOCTYPE html><html lang="id"><title>x</title><span><div></div></span>'


def vnu_command() -> list[str]:
    """The checker's command line, or a skip (a failure in CI) saying what is missing."""
    java = shutil.which("java")
    missing = []
    if java is None:
        missing.append("java (apt-get install openjdk-17-jre-headless)")
    if not VNU_JAR.exists():
        missing.append(f"{VNU_JAR} (run: npm ci)")
    if missing:
        reason = "The Nu HTML checker needs " + " and ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json"]


def vnu_errors(command: list[str], files: dict[Path, str]) -> dict[str, list[str]]:
    """Page name -> the checker's errors in it, for every file in one Java run."""
    checked = subprocess.run(
        [*command, *map(str, files)], capture_output=True, text=True, timeout=300, check=False
    )
    report = json.loads(checked.stderr or checked.stdout)
    names = {path.name: name for path, name in files.items()}
    errors: dict[str, list[str]] = {}
    for message in report["messages"]:
        if message["type"] == "error" or message.get("subType") == "fatal":
            name = names.get(Path(message.get("url", "")).name, message.get("url", "?"))
            errors.setdefault(name, []).append(
                f"line {message.get('lastLine')}: {message['message']} "
                f"[{message.get('extract', '').strip()}]"
            )
    return errors


@pytest.mark.django_db
def test_every_public_page_is_valid_html(client, kesra_role, tmp_path):
    command = vnu_command()
    files = {}
    for name, response in fetch_public_pages(client, kesra_role).items():
        expected = HTTPStatus.NOT_FOUND if name.startswith("404") else HTTPStatus.OK
        assert response.status_code == expected, name
        path = tmp_path / f"{name.replace('@', '-')}.html"
        path.write_bytes(response.content)
        files[path] = name
    canary = tmp_path / "canary.html"
    canary.write_text(CANARY)
    files[canary] = "canary"

    errors = vnu_errors(command, files)

    assert errors.pop("canary", None), "the checker found nothing in a page with an error"
    report = "\n".join(f"{name}: {error}" for name, found in errors.items() for error in found)
    assert not errors, report
