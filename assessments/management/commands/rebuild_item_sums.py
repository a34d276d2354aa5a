"""Write the running item sums anew from the stored answers of every completed result."""

from django.core.management.base import BaseCommand

from assessments.insights.rows import rebuild_item_sums


class Command(BaseCommand):
    help = (
        "Write the item sums the item statistics read anew from the stored answers of every "
        "completed result. Only needed after assessments were deleted other than through the "
        "site, the admin or purge_expired (a database shell, say), which do not take their "
        "results out of the sums."
    )

    def handle(self, *args, **options):
        rows = rebuild_item_sums()
        self.stdout.write(f"{rows} item sum row(s) written.")
