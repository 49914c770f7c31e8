from django.db import migrations

# The same words cannot be stated as fact and as conjecture at once.
DEFAULT_PAIR = ("reported_fact", "speculation")


def exclude_default_pair(apps, schema_editor):
    Label = apps.get_model("annotator", "Label")
    labels = {label.slug: label for label in Label.objects.filter(slug__in=DEFAULT_PAIR)}
    if len(labels) == 2:
        fact, speculation = (labels[slug] for slug in DEFAULT_PAIR)
        # Both rows by hand: a migration's model does not know the relation is symmetrical.
        fact.excludes.add(speculation)
        speculation.excludes.add(fact)


def forget_default_pair(apps, schema_editor):
    Label = apps.get_model("annotator", "Label")
    labels = {label.slug: label for label in Label.objects.filter(slug__in=DEFAULT_PAIR)}
    if len(labels) == 2:
        fact, speculation = (labels[slug] for slug in DEFAULT_PAIR)
        fact.excludes.remove(speculation)
        speculation.excludes.remove(fact)


class Migration(migrations.Migration):
    dependencies = [("annotator", "0004_label_excludes")]

    operations = [migrations.RunPython(exclude_default_pair, forget_default_pair)]
