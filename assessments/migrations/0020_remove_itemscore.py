"""The item score rows, replaced by the running item sums of 0019."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0019_item_sums"),
    ]

    operations = [
        migrations.DeleteModel(name="ItemScore"),
    ]
