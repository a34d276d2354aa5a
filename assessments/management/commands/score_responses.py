"""Score a file of paper questionnaire responses (CSV or JSON) and write the results."""

import csv
import json
import os
import tempfile
from contextlib import suppress
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments import scoring
from assessments.files import paper
from assessments.files.text import shown
from assessments.models import Role
from assessments.snapshots import visitor_snapshot

# Rejected rows reported one by one; the rest are counted.
MAX_REPORTED = 100


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file renamed at the end: an existing
    file is replaced whole, or left as it was if anything goes wrong."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as output:
            output.write(text)
            output.flush()
            os.fsync(output.fileno())
        if path.exists():
            mode = path.stat().st_mode & 0o777
        else:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


class Command(BaseCommand):
    help = (
        "Score respondents (one per CSV row or JSON object, item codes as columns or keys, "
        "an optional 'respondent' id) against a role's current profile. Bad rows are "
        "reported on standard error with their line number and reason; the other rows are "
        "still scored. Exits with status 1 when any row was rejected."
    )

    def add_arguments(self, parser):
        parser.add_argument("role", help="the role's slug, e.g. kabag-kesra")
        parser.add_argument("input", help="a .csv or .json file of responses")
        parser.add_argument(
            "--input-format", choices=["csv", "json"], help="default: from the file name"
        )
        parser.add_argument("--format", choices=["csv", "json"], default="csv")
        parser.add_argument(
            "--output", help="write to this file (replaced whole) instead of standard output"
        )

    def handle(self, *args, role, input, input_format, format, output, **options):
        found = Role.objects.filter(slug=role).first()
        if found is None:
            raise CommandError(f"No role with slug {shown(role)!r}.")
        path = Path(input)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {input}: {error}") from error
        kind = input_format or ("json" if path.suffix.lower() == ".json" else "csv")
        snapshot = visitor_snapshot(found)
        try:
            if kind == "json":
                rows = paper.read_json(text)
            else:
                layout = paper.read_csv(text)
                self.stderr.write(f"Reading {input} as {layout.description}.")
                rows = layout.rows
            records, rejected = paper.score_respondents(snapshot, rows)
        except scoring.ProfileError as error:
            raise CommandError(f"The role {role!r} cannot be scored: {error}") from error
        except (paper.UnreadableFile, csv.Error) as error:
            raise CommandError(f"Cannot read {input}: {error}") from error

        if format == "json":
            result = json.dumps(records, ensure_ascii=False, indent=2) + "\n"
        else:
            result = paper.write_results_csv(records, paper.result_columns(snapshot))
        if output:
            try:
                write_atomically(Path(output), result)
            except OSError as error:
                raise CommandError(f"Cannot write {output}: {error.strerror}.") from None
        else:
            self.stdout.write(result, ending="")

        unit = "object" if kind == "json" else "line"
        for bad in rejected[:MAX_REPORTED]:
            reason = shown(bad.reason, 300)
            self.stderr.write(f"{unit} {bad.line} ({shown(bad.respondent)}): {reason}")
        if len(rejected) > MAX_REPORTED:
            self.stderr.write(f"... and {len(rejected) - MAX_REPORTED} more rejected.")
        self.stderr.write(f"{len(records)} scored, {len(rejected)} rejected.")
        if rejected:
            raise SystemExit(1)
