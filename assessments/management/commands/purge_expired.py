"""Delete assessments kept longer than the retention periods in the settings (run daily)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from assessments.files import uploads
from assessments.insights.rows import delete_assessments
from assessments.models import Assessment


def expired_assessments(*, now: datetime) -> tuple[QuerySet, QuerySet]:
    """The completed and the unfinished assessments past their retention period at ``now``.

    Both count from the day the assessment was started, as the consent notice says: a
    questionnaire not finished within RETENTION_DAYS_ABANDONED days is deleted then, however
    recently it was saved, and a result RETENTION_DAYS_COMPLETED days after its start.
    """
    completed = Assessment.objects.completed().filter(
        created_at__lt=now - timedelta(days=settings.RETENTION_DAYS_COMPLETED)
    )
    abandoned = Assessment.objects.in_progress().filter(
        created_at__lt=now - timedelta(days=settings.RETENTION_DAYS_ABANDONED)
    )
    return completed, abandoned


class Command(BaseCommand):
    help = (
        "Delete completed assessments started more than RETENTION_DAYS_COMPLETED days ago and "
        "unfinished ones started more than RETENTION_DAYS_ABANDONED days ago, with every "
        "answer and score row they hold. Run it daily (cron or a systemd timer)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="count what would be deleted; delete nothing"
        )

    def handle(self, *args, dry_run, **options):
        completed, abandoned = expired_assessments(now=timezone.now())
        if dry_run:
            counts = completed.count(), abandoned.count()
            verb = "Would delete"
        else:
            with transaction.atomic():
                counts = delete_assessments(completed), delete_assessments(abandoned)
            verb = "Deleted"
        # Paper uploads kept for their downloads: an hour at most (files/uploads.py).
        if not dry_run:
            uploads.purge_stale()
        self.stdout.write(
            f"{verb} {counts[0]} completed assessment(s) started more than "
            f"{settings.RETENTION_DAYS_COMPLETED} days ago and {counts[1]} unfinished "
            f"assessment(s) started more than {settings.RETENTION_DAYS_ABANDONED} days ago."
        )
