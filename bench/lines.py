"""Lines of the app: assessments/ and careerfit/, migrations excluded, per package and in all.

Two counts: every line, and lines of code (neither blank nor only a comment).

With ``--at REV`` the same count at a git revision too (read with ``git show``, nothing
checked out), so that two states can be compared in one run.

    .venv/bin/python bench/lines.py
    .venv/bin/python bench/lines.py --at 169b626~1      # when the lines target was set
"""

from __future__ import annotations

import argparse
import subprocess
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("assessments", "careerfit")
# Issue 19: smaller than the app when it was filed (10,922 lines at 169b626~1, the last
# state with the hand-built page cache).
TARGET = 10_900


def counted(path: str) -> bool:
    parts = Path(path).parts
    return path.endswith(".py") and parts[0] in PACKAGES and "migrations" not in parts


def package_of(path: str) -> str:
    parts = Path(path).parts
    return "/".join(parts[:2]) if len(parts) > 2 else parts[0]


def add(found: Counter, path: str, text: str) -> None:
    lines = text.splitlines()
    found[package_of(path)] += len(lines)
    found["code"] += sum(bool(line.strip()) and not line.strip().startswith("#") for line in lines)


def lines_now() -> Counter:
    found: Counter = Counter()
    for package in PACKAGES:
        for path in (REPO / package).rglob("*.py"):
            relative = str(path.relative_to(REPO))
            if counted(relative):
                add(found, relative, path.read_text("utf-8"))
    return found


def lines_at(revision: str) -> Counter:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=REPO, check=True, capture_output=True, text=True
        ).stdout

    found: Counter = Counter()
    for path in git("ls-tree", "-r", "--name-only", revision, *PACKAGES).splitlines():
        if counted(path):
            add(found, path, git("show", f"{revision}:{path}"))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--at", help="a git revision to count as well")
    args = parser.parse_args()
    columns = {"now": lines_now()}
    if args.at:
        columns[args.at] = lines_at(args.at)
    code = {name: found.pop("code") for name, found in columns.items()}
    packages = sorted(set().union(*columns.values()), key=lambda name: -columns["now"][name])
    print(f"{'package':<28}" + "".join(f"{name:>12}" for name in columns))
    for package in packages:
        print(f"{package:<28}" + "".join(f"{found[package]:>12,}" for found in columns.values()))
    totals = {name: sum(found.values()) for name, found in columns.items()}
    print(f"{'in all':<28}" + "".join(f"{total:>12,}" for total in totals.values()))
    print(f"{'of which code':<28}" + "".join(f"{lines:>12,}" for lines in code.values()))
    verdict = "met" if totals["now"] < TARGET else "MISSED"
    print(f"target: fewer than {TARGET:,} lines in all now: {verdict}")


if __name__ == "__main__":
    main()
