from django.db import migrations


class Migration(migrations.Migration):
    """Projects (assignments, gold layers) and label exclusions were built side by side; neither needs the other."""

    dependencies = [
        ("annotator", "0004_projects_assignments_gold"),
        ("annotator", "0005_reported_fact_excludes_speculation"),
    ]

    operations = []
