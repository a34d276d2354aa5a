"""Fold the profile snapshot every assessment carried into profile versions, stored once.

Assessments whose snapshots are equal (same version number, same content) share one
version; no answer, result or score changes. Frozen here on purpose: this migration must
keep working whatever later releases do to the app's own snapshot code.
"""

import hashlib
import json
from fractions import Fraction

from django.db import migrations

BATCH = 500


def content_fingerprint(snapshot):
    """sha256 of the snapshot without its version number, beliefs keyed by position."""
    data = json.loads(json.dumps(snapshot))
    data.pop("version", None)
    positions = {belief["key"]: str(n) for n, belief in enumerate(data.get("beliefs", []))}
    for belief in data.get("beliefs", []):
        belief["key"] = positions[belief["key"]]
    for item in data.get("items", []):
        item["belief"] = positions.get(item.get("belief"))
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def share_fraction(percent):
    """The old percentage threshold as the fraction it stood for (67 meant two thirds)."""
    if percent in (66, 67):
        return 2, 3
    if percent in (33, 34):
        return 1, 3
    fraction = Fraction(percent, 100)
    return fraction.numerator, fraction.denominator


def fold(apps, schema_editor):
    Assessment = apps.get_model("assessments", "Assessment")
    ProfileVersion = apps.get_model("assessments", "ProfileVersion")
    Role = apps.get_model("assessments", "Role")

    versions = {}
    for assessment in Assessment.objects.order_by("pk").iterator(chunk_size=BATCH):
        snapshot = assessment.snapshot
        number = int(snapshot.get("version") or assessment.role_version or 1)
        key = (number, content_fingerprint(snapshot))
        if key not in versions:
            version, _ = ProfileVersion.objects.get_or_create(
                number=number,
                fingerprint=key[1],
                defaults={
                    "role_id": assessment.role_id,
                    "snapshot": snapshot,
                    "created_at": assessment.created_at,
                },
            )
            versions[key] = version.pk
        Assessment.objects.filter(pk=assessment.pk).update(profile_version_id=versions[key])

    for role in Role.objects.all():
        numerator, denominator = share_fraction(role.direct_service_threshold)
        live = None
        if role.status == "published" and role.published_fingerprint:
            live = (
                ProfileVersion.objects.filter(
                    number=role.version, fingerprint=role.published_fingerprint
                )
                .values_list("pk", flat=True)
                .first()
            )
        Role.objects.filter(pk=role.pk).update(
            direct_service_share_numerator=numerator,
            direct_service_share_denominator=denominator,
            live_version_id=live,
        )


def unfold(apps, schema_editor):
    Assessment = apps.get_model("assessments", "Assessment")
    for assessment in Assessment.objects.select_related("profile_version").iterator(
        chunk_size=BATCH
    ):
        Assessment.objects.filter(pk=assessment.pk).update(
            snapshot=assessment.profile_version.snapshot
        )


class Migration(migrations.Migration):
    dependencies = [("assessments", "0005_profile_versions")]

    operations = [migrations.RunPython(fold, unfold)]
