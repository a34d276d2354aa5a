"""No public page needs inline code: the strict CSP (no 'unsafe-inline') can stay strict."""

from html.parser import HTMLParser

import pytest

from tests.public_pages import fetch_public_pages


class InlineCodeFinder(HTMLParser):
    """Collects what a strict CSP would block: inline scripts, styles and event handlers."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self._open_inline_script = False

    def handle_starttag(self, tag, attrs):
        names = {name.lower() for name, _value in attrs}
        if tag == "script" and "src" not in names:
            self._open_inline_script = True
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style> element")
        if "style" in names:
            self.found.append(f"style= attribute on <{tag}>")
        self.found.extend(f"{name}= handler on <{tag}>" for name in names if name.startswith("on"))


def inline_code(html: str) -> list[str]:
    finder = InlineCodeFinder()
    finder.feed(html)
    return finder.found


def test_the_finder_finds_inline_code():
    html = '<p style="color:red" onclick="x()">a</p><script>alert(1)</script><style>p{}</style>'
    assert inline_code(html) == [
        "style= attribute on <p>",
        "onclick= handler on <p>",
        "<script> without src",
        "<style> element",
    ]
    assert inline_code('<script src="/static/app.js"></script><p class="on">x</p>') == []


@pytest.mark.django_db
def test_no_public_page_has_inline_code_and_the_csp_forbids_it(client, kesra_role):
    pages = fetch_public_pages(client, kesra_role)
    found = {name: inline_code(r.content.decode()) for name, r in pages.items()}
    assert {name: f for name, f in found.items() if f} == {}

    for name, response in pages.items():
        policy = response.headers.get("Content-Security-Policy", "")
        directives = dict(
            (part.split(maxsplit=1) + [""])[:2] for part in policy.split(";") if part.strip()
        )
        assert "unsafe-inline" not in policy, name
        assert "unsafe-eval" not in policy, name
        assert directives.get("script-src") == "'self'", name
        assert directives.get("style-src") == "'self'", name
