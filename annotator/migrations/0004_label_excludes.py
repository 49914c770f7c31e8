from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("annotator", "0003_import_history_action")]

    operations = [
        migrations.AddField(
            model_name="label",
            name="excludes",
            field=models.ManyToManyField(
                blank=True,
                help_text="Labels that contradict this one: tagging words that already carry one of them warns "
                "the analyst (the span is still saved).",
                to="annotator.label",
            ),
        ),
    ]
