"""The README and docs/: every relative link leads to a file that exists, and every
#anchor to a heading of the file it names."""

import re
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
DOCUMENTS = [BASE_DIR / "README.md", *sorted((BASE_DIR / "docs").glob("*.md"))]

# [text](target) outside code; images too. Code spans and fenced blocks are removed first.
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"`[^`\n]*`")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)


def slug(heading):
    """The anchor a Markdown renderer (GitHub's rules) gives a heading."""
    text = CODE_SPAN.sub(lambda m: m.group(0).strip("`"), heading)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # a link's text only
    text = re.sub(r"[^\w\- ]", "", text.lower())
    return text.replace(" ", "-")


def anchors(path):
    seen = {}
    found = set()
    for heading in HEADING.findall(FENCE.sub("", path.read_text(encoding="utf-8"))):
        base = slug(heading)
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def links(path):
    text = CODE_SPAN.sub("", FENCE.sub("", path.read_text(encoding="utf-8")))
    return LINK.findall(text)


def broken_links(path):
    problems = []
    for target in links(path):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE):
            continue  # http:, https:, mailto: - not checked here
        file_part, _, anchor = target.partition("#")
        linked = (path.parent / file_part).resolve() if file_part else path
        if not linked.exists():
            problems.append(f"{path.name}: {target} (no such file)")
        elif anchor and linked.suffix == ".md" and anchor not in anchors(linked):
            problems.append(f"{path.name}: {target} (no such heading)")
    return problems


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.relative_to(BASE_DIR).as_posix())
def test_every_relative_link_resolves(document):
    assert broken_links(document) == []


def test_the_documents_are_there_and_the_readme_is_a_front_door():
    names = {p.relative_to(BASE_DIR).as_posix() for p in DOCUMENTS}
    for name in ("docs/hr.md", "docs/operations.md", "docs/performance.md", "docs/scoring.md"):
        assert name in names
    readme = (BASE_DIR / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) < 200
    assert "make run" in readme and "make test" in readme
    linked = {target.partition("#")[0] for target in links(BASE_DIR / "README.md")}
    for p in DOCUMENTS[1:]:
        assert p.relative_to(BASE_DIR).as_posix() in linked, f"README does not link {p.name}"


def test_the_check_finds_a_missing_file_and_a_missing_heading(tmp_path):
    (tmp_path / "other.md").write_text("# Title\n\n## Some section (here)\n", encoding="utf-8")
    doc = tmp_path / "doc.md"
    doc.write_text(
        "[ok](other.md#some-section-here) [self](#intro) [gone](missing.md) "
        "[bad anchor](other.md#nowhere) `[code](ignored.md)` [web](https://example.org/x)\n\n"
        "## Intro\n\n```\n[fenced](ignored-too.md)\n```\n",
        encoding="utf-8",
    )
    assert broken_links(doc) == [
        "doc.md: missing.md (no such file)",
        "doc.md: other.md#nowhere (no such heading)",
    ]


def test_slugs_follow_the_renderer():
    assert slug("Working in the admin as HR: draft, impact, preview, publish") == (
        "working-in-the-admin-as-hr-draft-impact-preview-publish"
    )
    assert slug("Dashboard and statistics at 100,000 assessments (measured)") == (
        "dashboard-and-statistics-at-100000-assessments-measured"
    )
    assert slug("`deploy/nginx.conf` and TLS") == "deploynginxconf-and-tls"
