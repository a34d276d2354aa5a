"""Page weight: how many requests, and how many bytes over the wire, each public page costs.

Loads every public page in Chromium, each in a fresh browser context (an empty cache, as
for a first-time visitor on a slow phone network), and counts every response with its
encoded size: HTML, CSS, JavaScript, fonts, images. The browser asks for gzip only, so the
figures are what a gzip-capable client gets (whitenoise also has Brotli, which is smaller).

With no ``--base-url`` it serves the app as production does (``bench/harness.Site``:
gunicorn, DEBUG off, static files collected into a temporary STATIC_ROOT and served by
whitenoise, a throwaway SQLite). Budget: at most 100 KB and 6 requests per page; the exit
status is 1 when a page is over it.

    .venv/bin/python bench/page_weight.py
    .venv/bin/python bench/page_weight.py --base-url http://127.0.0.1:8000
    .venv/bin/python bench/page_weight.py > page_weight.md   # the report is Markdown
"""

from __future__ import annotations

import argparse
import contextlib
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import ROLE_SLUG, Browser, Site, command_line  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 360, "height": 740}
BUDGET_BYTES = 100 * 1024
BUDGET_REQUESTS = 6
KINDS = ("document", "stylesheet", "script", "font", "image")
KIND_NAMES = {"document": "HTML", "stylesheet": "CSS", "script": "JS", "font": "fonts"}


@dataclass
class Weight:
    page: str
    path: str
    status: int = 0
    requests: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    decoded: int = 0
    headers: int = 0
    encodings: set[str] = field(default_factory=set)

    @property
    def transferred(self) -> int:
        """Response bodies as sent (compressed where the server compressed) plus headers."""
        return sum(self.by_kind.values()) + self.headers

    @property
    def within_budget(self) -> bool:
        return self.transferred <= BUDGET_BYTES and self.requests <= BUDGET_REQUESTS


def public_paths(base_url: str, slug: str) -> dict[str, str]:
    """Page name -> path, making an assessment to have sections, a result and its delete."""
    visitor = Browser(base_url)
    in_progress = visitor.start(slug)
    finished = visitor.start(slug)
    visitor.complete(finished, random.Random(1))
    paths = {
        "home": "/",
        "role preview": f"/jabatan/{slug}/",
        "consent": f"/jabatan/{slug}/mulai/",
        "similar role": f"/jabatan/{slug}/profesi-serupa/",
    }
    for number in range(1, 100):
        status, _location, _html = visitor.request(f"/a/{in_progress}/bagian/{number}/")
        if status != 200:
            break
        paths[f"section {number}"] = f"/a/{in_progress}/bagian/{number}/"
    paths["result"] = f"/a/{finished}/hasil/"
    paths["delete confirmation"] = f"/a/{finished}/hapus/"
    paths["not found (404)"] = "/a/no-such-token/hasil/"
    return paths


def weigh(browser, base_url: str, name: str, path: str) -> Weight:
    context = browser.new_context(
        viewport=PHONE,
        base_url=base_url,
        extra_http_headers={"Accept-Encoding": "gzip"},
        service_workers="block",
    )
    try:
        page = context.new_page()
        finished = []
        page.on("requestfinished", lambda request: finished.append(request))
        response = page.goto(path, wait_until="networkidle")
        weight = Weight(page=name, path=path, status=response.status if response else 0)
        for request in finished:
            sizes = request.sizes()
            response = request.response()
            kind = request.resource_type if request.resource_type in KINDS else "other"
            weight.requests += 1
            weight.by_kind[kind] = weight.by_kind.get(kind, 0) + sizes["responseBodySize"]
            weight.headers += sizes["responseHeadersSize"]
            if response is not None:
                weight.encodings.add(response.headers.get("content-encoding", "identity"))
                with contextlib.suppress(Exception):
                    weight.decoded += len(response.body())
        return weight
    finally:
        context.close()


def kb(size: int) -> str:
    return f"{size / 1024:.1f}"


def table(weights: list[Weight]) -> str:
    header = [
        "page",
        "requests",
        "HTML KB",
        "CSS KB",
        "JS KB",
        "fonts + images KB",
        "transferred KB",
        "uncompressed KB",
        "within budget",
    ]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for weight in weights:
        kinds = weight.by_kind
        row = [
            weight.page,
            str(weight.requests),
            kb(kinds.get("document", 0)),
            kb(kinds.get("stylesheet", 0)),
            kb(kinds.get("script", 0)),
            kb(kinds.get("font", 0) + kinds.get("image", 0) + kinds.get("other", 0)),
            kb(weight.transferred),
            kb(weight.decoded),
            "yes" if weight.within_budget else "**no**",
        ]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def report(weights: list[Weight], *, command: str, served: str) -> str:
    heaviest = max(weights, key=lambda weight: weight.transferred)
    most_requests = max(weight.requests for weight in weights)
    encodings = sorted(set().union(*(weight.encodings for weight in weights)))
    return "\n".join(
        [
            "## Page weight",
            "",
            "Every public page loaded in Chromium at 360x740, each in a fresh browser context"
            " (an empty cache), asking for `Accept-Encoding: gzip`; " + served + ". Budget: at"
            f" most {BUDGET_BYTES // 1024} KB and {BUDGET_REQUESTS} requests per page.",
            "",
            table(weights),
            "",
            f"Heaviest page: {heaviest.page}, {kb(heaviest.transferred)} KB; at most"
            f" {most_requests} requests per page. Transferred = response bodies as sent plus"
            f" response headers; content encodings seen: {', '.join(encodings)}. Static files go"
            " out compressed by whitenoise; the HTML goes out as it is, since the app does not"
            " compress pages (they carry a CSRF token), so a proxy that does would only make"
            " these figures smaller.",
            "",
            "Produced by:",
            "",
            "```sh",
            command,
            "```",
            "",
        ]
    )


def measure(base_url: str, slug: str) -> list[Weight]:
    from playwright.sync_api import sync_playwright

    paths = public_paths(base_url, slug)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            return [weigh(browser, base_url, name, path) for name, path in paths.items()]
        finally:
            browser.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", help="measure this running site instead of starting one")
    parser.add_argument("--role", default=ROLE_SLUG, help="the role's slug (default: %(default)s)")
    args = parser.parse_args()

    if args.base_url:
        weights = measure(args.base_url.rstrip("/"), args.role)
        served = f"served by {args.base_url}"
    else:
        with Site(db="sqlite", workers=2, quiet=True) as site:
            weights = measure(site.base_url, args.role)
            served = (
                "served by gunicorn with DEBUG off, static files collected and served by"
                " whitenoise, a throwaway SQLite"
            )
    text = report(weights, command=command_line(), served=served)
    print(text)
    wrong = [weight for weight in weights if weight.status >= 400 and "404" not in weight.page]
    for weight in wrong:
        print(f"error: {weight.page} ({weight.path}) answered {weight.status}", file=sys.stderr)
    return 0 if all(weight.within_budget for weight in weights) and not wrong else 1


if __name__ == "__main__":
    sys.exit(main())
