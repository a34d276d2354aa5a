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
from assessments.models import Item, Role
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
        "an optional 'respondent' id) against a role's current profile, or against several "
        "roles of one item bank (each role's slug, or the bank's slug for all its published "
        "roles: a column group per role). Bad rows are reported on standard error with "
        "their line number and reason; the other rows are still scored. Exits with status 1 "
        "when any row was rejected."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "role",
            nargs="+",
            help="the role's slug, e.g. kabag-kesra; several roles of one bank, or the bank's slug",
        )
        parser.add_argument("input", help="a .csv or .json file of responses")
        parser.add_argument(
            "--input-format", choices=["csv", "json"], help="default: from the file name"
        )
        parser.add_argument("--format", choices=["csv", "json"], default="csv")
        parser.add_argument(
            "--output", help="write to this file (replaced whole) instead of standard output"
        )

    def roles(self, slugs: list[str]) -> list[Role]:
        """The roles named, or a bank's published roles; several must share one bank."""
        roles = []
        for slug in slugs:
            found = Role.objects.filter(slug=slug).first()
            if found is None:
                raise CommandError(f"No role with slug {shown(slug)!r}.")
            roles += list(Role.objects.published().filter(bank=found)) if found.is_bank else [found]
        if not roles:
            raise CommandError(f"The bank {shown(slugs[0])!r} has no published role.")
        banks = {found.bank_id for found in roles}
        if len(roles) > 1 and (len(banks) != 1 or None in banks):
            raise CommandError(
                "Several roles are scored together only when they share one item bank."
            )
        return list(dict.fromkeys(roles))

    def handle(self, *args, role, input, input_format, format, output, **options):
        roles = self.roles(role)
        path = Path(input)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {input}: {error}") from error
        kind = input_format or ("json" if path.suffix.lower() == ".json" else "csv")
        snapshots = {found.slug: visitor_snapshot(found) for found in roles}
        bank_codes = (
            set(Item.objects.filter(role=roles[0].bank).values_list("code", flat=True))
            if roles[0].bank_id
            else set()
        )
        scored, rejected_by_role = {}, {}
        try:
            if kind == "json":
                rows = list(paper.read_json(text))
            else:
                layout = paper.read_csv(text)
                self.stderr.write(f"Reading {input} as {layout.description}.")
                rows = list(layout.rows)
            for slug, snapshot in snapshots.items():
                # Answers to the belief checks of the bank's other roles are not this role's.
                own_rows = paper.without_columns(
                    rows, paper.other_roles_items(snapshot, bank_codes)
                )
                # A form filled in for one role lacks the others' belief checks.
                beliefs = {i["code"] for i in snapshot["items"] if i["kind"] == scoring.BELIEF}
                scored[slug], rejected_by_role[slug] = paper.score_respondents(
                    snapshot, own_rows, optional=beliefs if len(roles) > 1 else frozenset()
                )
        except scoring.ProfileError as error:
            raise CommandError(f"A role cannot be scored: {error}") from error
        except (paper.UnreadableFile, csv.Error) as error:
            raise CommandError(f"Cannot read {input}: {error}") from error
        if len(roles) == 1:
            [(slug, records)] = scored.items()
            columns = paper.result_columns(snapshots[slug])
            rejected = rejected_by_role[slug]
        else:
            records, columns = paper.grouped_records(scored, snapshots)
            rejected = [
                paper.Rejected(bad.line, bad.respondent, f"{slug}: {bad.reason}")
                for slug, role_rejected in rejected_by_role.items()
                for bad in role_rejected
            ]

        if format == "json":
            result = json.dumps(records, ensure_ascii=False, indent=2) + "\n"
        else:
            result = paper.write_results_csv(records, columns)
        if output:
            try:
                write_atomically(Path(output), result)
            except OSError as error:
                raise CommandError(f"Cannot write {output}: {error.strerror}.") from None
        else:
            self.stdout.write(result, ending="")

        unit = "object" if kind == "json" else "line"
        rejected.sort(key=lambda bad: bad.line)
        for bad in rejected[:MAX_REPORTED]:
            reason = shown(bad.reason, 300)
            self.stderr.write(f"{unit} {bad.line} ({shown(bad.respondent)}): {reason}")
        if len(rejected) > MAX_REPORTED:
            self.stderr.write(f"... and {len(rejected) - MAX_REPORTED} more rejected.")
        self.stderr.write(f"{len(records)} scored, {len(rejected)} rejected.")
        if rejected:
            raise SystemExit(1)
