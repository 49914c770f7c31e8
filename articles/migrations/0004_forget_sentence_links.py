"""Forget the per-sentence reuse links, the sentence index and the scans before links become passages.

They are derived data and their shape cannot hold a passage, so they are not carried over: with no scan
left, every article is pending again and `manage.py detect_reuse` (or `detect_reuse --rebuild`) links the
corpus afresh, one link per reused passage. Boilerplate suggestions and dismissals are kept.
"""

from django.db import migrations


def forget(apps, schema_editor):
    for name in ("ReuseLink", "ReuseFingerprint", "ReuseScan"):
        apps.get_model("articles", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("articles", "0003_source_slug_unicode")]

    operations = [migrations.RunPython(forget, migrations.RunPython.noop)]
