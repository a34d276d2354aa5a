"""Print a role's questionnaire as a template for paper forms (JSON or CSV)."""

import json

from django.core.management.base import BaseCommand, CommandError

from assessments.files import paper
from assessments.models import Role
from assessments.snapshots import visitor_snapshot


class Command(BaseCommand):
    help = (
        "Print the questionnaire of a role as a template for paper forms: item codes, kinds, "
        "traits, keyed direction, option codes and scores, in section order."
    )

    def add_arguments(self, parser):
        parser.add_argument("role", help="the role's slug, e.g. kabag-kesra")
        parser.add_argument("--format", choices=["json", "csv"], default="csv")
        parser.add_argument("--output", help="write to this file instead of standard output")

    def handle(self, *args, role, format, output, **options):
        found = Role.objects.filter(slug=role).first()
        if found is None:
            raise CommandError(f"No role with slug {role!r}.")
        snapshot = visitor_snapshot(found)
        if format == "json":
            text = json.dumps(paper.template_json(snapshot), ensure_ascii=False, indent=2) + "\n"
        else:
            text = paper.write_csv(paper.template_rows(snapshot), list(paper.TEMPLATE_COLUMNS))
        if output:
            with open(output, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
        else:
            self.stdout.write(text, ending="")
