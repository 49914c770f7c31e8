from django.db import migrations

# The slugs are part of the API: never rename them in a migration.
DEFAULT_LABELS = [
    {
        "slug": "reported_fact",
        "name": "Reported fact",
        "colour": "#bfdbfe",
        "shortcut": "f",
        "order": 1,
        "description": "The text states something as having happened, in its own voice, without naming "
        "who says so: 'ISIS used a high number of car bombs.'",
    },
    {
        "slug": "attributed_claim",
        "name": "Attributed claim",
        "colour": "#fde68a",
        "shortcut": "c",
        "order": 2,
        "description": "A statement the text attributes to someone else: 'The terrorist group claim that "
        "...', 'Pro-government sources deny ...'. Record who makes the claim in 'attributed to'.",
    },
    {
        "slug": "speculation",
        "name": "Speculation",
        "colour": "#fbcfe8",
        "shortcut": "s",
        "order": 3,
        "description": "Conjecture, insinuation or a loaded question: 'could also be linked', 'If true, "
        "this was evidence that ...', 'Is there a coordination between ...?'",
    },
    {
        "slug": "boilerplate",
        "name": "Boilerplate",
        "colour": "#e5e7eb",
        "shortcut": "b",
        "order": 4,
        "description": "Text that is not part of the report: copyright and disclaimer lines, "
        "'The original source of this article is ...', membership and donation appeals, social prompts.",
    },
]


def create_labels(apps, schema_editor):
    Label = apps.get_model("annotator", "Label")
    for values in DEFAULT_LABELS:
        Label.objects.update_or_create(slug=values["slug"], defaults=values)


def remove_labels(apps, schema_editor):
    Label = apps.get_model("annotator", "Label")
    Label.objects.filter(slug__in=[v["slug"] for v in DEFAULT_LABELS], annotations__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("annotator", "0001_initial")]

    operations = [migrations.RunPython(create_labels, remove_labels)]
