"""Write the error pages that nginx serves by itself (deploy/nginx.conf) in every language."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.template.loader import render_to_string
from django.utils import translation

# What nginx answers itself: requests it refuses (400, 413, 414) and app servers that
# cannot answer (502, 503, 504). Every other error page comes from the app.
STATUSES = (400, 413, 414, 502, 503, 504)
DEFAULT_DIRECTORY = settings.BASE_DIR / "deploy" / "error_pages"


def error_pages() -> dict[str, str]:
    """Each page's path under the directory ("id/502.html") and its HTML."""
    pages = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for status in STATUSES:
                pages[f"{language}/{status}.html"] = render_to_string(f"proxy_errors/{status}.html")
    return pages


class Command(BaseCommand):
    help = (
        "Write nginx's error pages (400, 413, 414, 502, 503, 504, in every language of the "
        "site) into deploy/error_pages/, from the templates in templates/proxy_errors/. "
        "With --check, only report whether the files there are up to date."
    )

    def add_arguments(self, parser):
        parser.add_argument("--directory", type=Path, default=DEFAULT_DIRECTORY)
        parser.add_argument(
            "--check", action="store_true", help="exit with an error if a page is out of date"
        )

    def handle(self, *args, directory: Path, check: bool, **options):
        stale = []
        for name, html in error_pages().items():
            path = directory / name
            if path.is_file() and path.read_text(encoding="utf-8") == html:
                continue
            stale.append(name)
            if not check:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(html, encoding="utf-8")
        if check and stale:
            raise CommandError(
                f"Out of date in {directory}: {', '.join(stale)}; run manage.py write_error_pages."
            )
        verb = "Up to date" if check or not stale else f"Wrote {len(stale)} page(s)"
        self.stdout.write(f"{verb}: {directory}")
