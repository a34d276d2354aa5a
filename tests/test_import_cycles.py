"""No circle of imports among the project's modules (tools/import_cycles.py)."""

import sys
import textwrap
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR / "tools"))

import import_cycles  # noqa: E402


def test_assessments_and_careerfit_import_in_no_circle():
    assert import_cycles.cycles(import_cycles.import_graph()) == []


def write(root: Path, name: str, source: str) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(source), encoding="utf-8")


def test_the_check_finds_a_circle_through_a_function_level_import(tmp_path):
    write(tmp_path, "app/__init__.py", "")
    write(tmp_path, "app/models.py", "def snapshot():\n    from .snapshots import cached\n")
    write(tmp_path, "app/snapshots.py", "from app.models import Role\n")
    write(tmp_path, "app/files/__init__.py", "")
    write(tmp_path, "app/files/profiles.py", "from .. import drafts\n")
    write(tmp_path, "app/drafts.py", "from .files import profiles\n")
    write(tmp_path, "app/plain.py", "import app.models\nfrom app import drafts\n")
    write(
        tmp_path,
        "app/typed.py",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from app import plain\n",
    )
    write(tmp_path, "app/migrations/0001_initial.py", "from app import typed\n")
    write(tmp_path, "app/loop.py", "from app import typed\n")
    # typed -> plain only under TYPE_CHECKING: no circle with loop.

    graph = import_cycles.import_graph(("app",), tmp_path)

    assert import_cycles.cycles(graph) == [
        ["app.drafts", "app.files.profiles"],
        ["app.models", "app.snapshots"],
    ]
    assert "app.migrations.0001_initial" not in graph
    assert graph["app.plain"] == {"app.models", "app.drafts"}


def test_the_script_exits_1_on_a_circle(tmp_path, monkeypatch, capsys):
    write(tmp_path, "pkg/__init__.py", "")
    write(tmp_path, "pkg/a.py", "from pkg import b\n")
    write(tmp_path, "pkg/b.py", "import pkg.a\n")
    monkeypatch.setattr(import_cycles, "ROOT", tmp_path)

    assert import_cycles.main(["pkg"]) == 1
    assert "pkg.a <-> pkg.b" in capsys.readouterr().out
