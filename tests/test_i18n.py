"""The English interface: a complete, compiled catalog, used on every page, and switching to it."""

import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from http import HTTPStatus
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.views.i18n import set_language

from tests.answers import answers_for
from tests.test_views import MAX_QUERIES, answer_all, section_url, start

ROOT = Path(settings.BASE_DIR)
PO_PATH = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")
# How the catalog is refreshed; the test that re-extracts the strings runs the same command.
MAKEMESSAGES = [
    "makemessages",
    "-l",
    "en",
    "--ignore=.venv",
    "--ignore=node_modules",
    "--ignore=staticfiles",
    "--ignore=tests",
]
PLACEHOLDER = re.compile(r"%%|%\([a-z_]+\)[sd]|%[sd]")
HTML_TAG = re.compile(r"</?[a-z][^>]*>")
LANGUAGE_COOKIE_ATTRIBUTES = ("path", "domain", "secure", "httponly", "samesite", "max-age")


# --- The catalog --------------------------------------------------------------------------


def translations(catalog) -> dict[tuple, object]:
    """(context, msgid, plural msgid) -> translation(s), for every entry with a msgid."""
    found = {}
    for entry in catalog:
        if not entry.msgid or getattr(entry, "obsolete", False):
            continue
        key = (entry.msgctxt, entry.msgid, entry.msgid_plural or None)
        if entry.msgid_plural:
            found[key] = tuple(entry.msgstr_plural[n] for n in sorted(entry.msgstr_plural))
        else:
            found[key] = entry.msgstr
    return found


def test_english_catalog_is_fully_translated():
    catalog = polib.pofile(str(PO_PATH))
    assert not catalog.metadata_is_fuzzy, "msgfmt skips a fuzzy header, and its Plural-Forms"
    assert catalog.metadata["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    assert not [entry.msgid for entry in catalog.fuzzy_entries()]
    assert not [entry.msgid for entry in catalog.untranslated_entries()]
    assert len(catalog.translated_entries()) > 200


def test_translations_keep_placeholders_and_html_tags():
    problems = []
    for entry in polib.pofile(str(PO_PATH)).translated_entries():
        if entry.msgid_plural:
            pairs = [(entry.msgid, entry.msgstr_plural[0])]
            pairs += [(entry.msgid_plural, text) for n, text in entry.msgstr_plural.items() if n]
        else:
            pairs = [(entry.msgid, entry.msgstr)]
        for source, text in pairs:
            for pattern in (PLACEHOLDER, HTML_TAG):
                if sorted(pattern.findall(source)) != sorted(pattern.findall(text)):
                    problems.append(f"{source!r} -> {text!r}")
    assert not problems, "\n".join(problems)


def test_committed_mo_matches_the_po():
    # A fresh machine may have no gettext to compile with: the .mo in the repository is used.
    assert MO_PATH.exists(), "run: python manage.py compilemessages --ignore=.venv"
    expected = translations(polib.pofile(str(PO_PATH)))
    assert translations(polib.mofile(str(MO_PATH))) == expected


def test_django_serves_the_english_catalog():
    unanswered = "%(counter)s pertanyaan belum dijawab. Jawaban lain di halaman ini tetap ada."
    with translation.override("en"):
        missing_section = translation.gettext("Bagian ini tidak ada.")
        one = translation.ngettext(unanswered, unanswered, 1) % {"counter": 1}
        two = translation.ngettext(unanswered, unanswered, 2) % {"counter": 2}
    assert missing_section == "This section does not exist."
    assert one.startswith("1 question has not been answered.")
    assert two.startswith("2 questions have not been answered.")


def test_catalog_has_every_string_of_the_code(tmp_path):
    """Re-extracting the strings from a copy of the project finds none the catalog lacks."""
    if shutil.which("xgettext") is None:
        pytest.skip("GNU gettext (xgettext) is not installed, so strings cannot be re-extracted")
    copy = tmp_path / "project"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".*", "node_modules", "staticfiles", "__pycache__", "*.sqlite3*"
        ),
    )
    subprocess.run(
        [sys.executable, "manage.py", *MAKEMESSAGES],
        cwd=copy,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "careerfit.settings"},
        check=True,
        capture_output=True,
        timeout=300,
    )
    extracted = translations(polib.pofile(str(copy / PO_PATH.relative_to(ROOT))))
    committed = translations(polib.pofile(str(PO_PATH)))
    missing = sorted(msgid for _context, msgid, _plural in extracted.keys() - committed.keys())
    assert not missing, (
        f"Strings missing from {PO_PATH.relative_to(ROOT)}: run `python manage.py "
        f"{' '.join(MAKEMESSAGES)}`, translate them, then compilemessages:\n" + "\n".join(missing)
    )


# --- Pages in each language -----------------------------------------------------------------


class PageControls(HTMLParser):
    """The forms, buttons and inputs of a page in document order, each with its owner form."""

    def __init__(self, html: str):
        super().__init__()
        self.controls: list[dict] = []
        self._open_form: dict | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._open_form = attrs
            self.controls.append({"tag": tag, **attrs})
        elif tag in {"button", "input"}:
            inside = self._open_form.get("id") if self._open_form else None
            self.controls.append({"tag": tag, "owner": attrs.get("form", inside), **attrs})

    def handle_endtag(self, tag):
        if tag == "form":
            self._open_form = None


class PageLinks(HTMLParser):
    """The links of a page: their attributes, in document order."""

    def __init__(self, html: str):
        super().__init__()
        self.links: list[dict] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.links.append(dict(attrs))


def switcher_links(html: str) -> dict[str, str]:
    """Language code -> the address of the language switcher's plain link to it."""
    prefix = reverse("switch_language", args=["xx"]).removesuffix("xx/")
    links = {
        link["hreflang"]: link["href"]
        for link in PageLinks(html).links
        if link.get("href", "").startswith(prefix)
    }
    assert set(links) == {code for code, _name in settings.LANGUAGES}, links
    return links


@pytest.fixture
def page_url(client, kesra_role):
    """Page name -> its URL, starting (and finishing) an assessment only where one is needed."""

    def url(name: str) -> str:
        if name == "home":
            return reverse("assessments:home")
        if name == "role":
            return kesra_role.get_absolute_url()
        if name == "consent":
            return reverse("assessments:consent", kwargs={"slug": kesra_role.slug})
        assessment = start(client, kesra_role)
        if name == "section":
            return section_url(assessment, 1)
        answer_all(client, assessment, answers_for(assessment.snapshot, level="best"))
        return reverse("assessments:result", kwargs={"token": assessment.token})

    return url


def page_texts(name: str, role) -> list[tuple[str, str]]:
    """(Indonesian, English) pairs that page ``name`` shows: interface and role content."""
    # The role's questionnaire is its bank's.
    bank = role.bank
    section = bank.sections.order_by("order").first()
    total = bank.sections.count()
    texts = [("Langsung ke isi", "Skip to content")]
    texts += {
        "home": [("Jabatan yang dapat Anda jelajahi", "Roles you can explore")],
        "role": [
            ("Gambaran nyata pekerjaan", "Realistic job preview"),
            (role.duties.first().text, role.duties.first().text_en),
        ],
        "consent": [("Sebelum mulai: data Anda", "Before you start: your data")],
        "section": [
            (f"Bagian 1 dari {total}", f"Section 1 of {total}"),
            (section.title, section.title_en),
            ("Simpan dan lanjut", "Save and continue"),
        ],
        "result": [
            ("Kecocokan keseluruhan Anda", "Your overall fit"),
            ("Langkah berikutnya", "Next steps"),
            (bank.traits.first().name, bank.traits.first().name_en),
        ],
    }[name]
    if name != "section":
        texts.append((role.title, role.title_en))
    return texts


PAGES = ["home", "role", "consent", "section", "result"]


@pytest.mark.parametrize("name", PAGES)
def test_page_in_english_once_chosen(client, kesra_role, page_url, name):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(page_url(name))
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert '<html lang="en">' in html
    for indonesian, english in page_texts(name, kesra_role):
        assert escape(english) in html
        assert escape(indonesian) not in html


@pytest.mark.parametrize("name", PAGES)
def test_page_in_indonesian_whatever_the_browser_asks(client, kesra_role, page_url, name):
    response = client.get(page_url(name), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert '<html lang="id">' in html
    for indonesian, english in page_texts(name, kesra_role):
        assert escape(indonesian) in html
        assert escape(english) not in html


@pytest.mark.parametrize("name", ["home", "role", "consent", "result"])
def test_language_switcher_returns_to_the_same_page(client, page_url, name):
    url = page_url(name)
    html = client.get(url).content.decode()
    assert "csrfmiddlewaretoken" not in html or name == "consent"  # the consent form's own
    english = switcher_links(html)["en"]

    response = client.get(english)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == url
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    html = client.get(url).content.decode()
    assert '<html lang="en">' in html
    response = client.get(switcher_links(html)["id"])
    assert response["Location"] == url
    assert '<html lang="id">' in client.get(url).content.decode()


def test_the_switch_keeps_the_query_string_of_the_page(client, kesra_role):
    url = kesra_role.get_absolute_url() + "?dari=poster&x=1"
    response = client.get(switcher_links(client.get(url).content.decode())["en"])
    assert response["Location"] == url


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/a/",
        "http://testserver.evil.example/",
        "javascript:alert(1)",
        "",
        "/\\evil.example",
    ],
)
def test_the_switch_never_sends_the_visitor_to_another_site(client, db, target):
    response = client.get(reverse("switch_language", args=["en"]), {"next": target})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("assessments:home")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


@pytest.mark.parametrize("code", ["zz", "fr", "en<script>", "x" * 300])
def test_the_switch_ignores_a_language_the_site_does_not_offer(client, db, code):
    response = client.get(reverse("switch_language", args=[code]), {"next": "/"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_the_switch_is_a_plain_get_and_nothing_else(client, db):
    url = reverse("switch_language", args=["en"])
    assert client.post(url, {"next": "/"}).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    response = client.get(url, {"next": "/"})
    assert "no-cache" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"


@pytest.mark.parametrize(("cookie", "lang"), [("fr", "id"), ("zz", "id"), ("en-us", "en")])
def test_a_language_the_site_does_not_offer_falls_back_to_indonesian(client, db, cookie, lang):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = cookie
    response = client.get(reverse("assessments:home"))
    assert response.status_code == HTTPStatus.OK
    assert f'<html lang="{lang}">' in response.content.decode()


# --- Switching language on a questionnaire page ---------------------------------------------


def test_section_page_switches_language_through_its_own_form(client, kesra_role):
    assessment = start(client, kesra_role)
    controls = PageControls(client.get(section_url(assessment, 1)).content.decode()).controls

    assert not [c for c in controls if c["tag"] == "form" and c.get("id") != "section-form"]
    assert [c for c in controls if c["tag"] == "form" and c.get("id") == "section-form"]
    owned = [c for c in controls if c["tag"] == "button" and c["owner"] == "section-form"]
    languages = [c["value"] for c in owned if c["value"].startswith("language:")]
    assert languages == [f"language:{code}" for code, _name in settings.LANGUAGES]
    # Enter in the questionnaire submits the form's first button: it must not pick a language.
    assert owned[0]["value"] == "next"


def test_switching_language_keeps_the_answers_ticked_on_the_page(
    client, kesra_role, django_assert_max_num_queries
):
    assessment = start(client, kesra_role)
    codes = assessment.snapshot["sections"][1]["items"][:2]
    answers = answers_for(assessment.snapshot, level="middle")
    ticked = {code: answers[code] for code in codes}

    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.post(section_url(assessment, 2), {**ticked, "action": "language:en"})

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == section_url(assessment, 2)
    assessment.refresh_from_db()
    assert assessment.answers == ticked
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en"
    # The cookie as Django's own set_language view sets it (not routed here: it takes POSTs).
    django_cookie = set_language(
        RequestFactory().post("/", {"language": "en", "next": "/"})
    ).cookies[settings.LANGUAGE_COOKIE_NAME]
    for attribute in LANGUAGE_COOKIE_ATTRIBUTES:
        assert cookie[attribute] == django_cookie[attribute], attribute

    html = client.get(section_url(assessment, 2)).content.decode()
    assert '<html lang="en">' in html
    assert f"Section 2 of {len(assessment.snapshot['sections'])}" in html
    assert html.count("checked") == len(ticked)


@pytest.mark.parametrize("code", ["zz", "fr", "", "en<script>"])
def test_switching_to_an_unknown_language_is_ignored(client, kesra_role, code):
    assessment = start(client, kesra_role)
    first = assessment.snapshot["sections"][0]["items"][0]
    answer = answers_for(assessment.snapshot)[first]

    response = client.post(
        section_url(assessment, 1), {first: answer, "action": f"language:{code}"}
    )

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == section_url(assessment, 1)
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assessment.refresh_from_db()
    assert assessment.answers == {first: answer}
    assert '<html lang="id">' in client.get(section_url(assessment, 1)).content.decode()
