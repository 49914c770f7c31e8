"""Forms of the workbench: they check the types of input; `annotator.spans` checks the span rules (offsets,
quote, white space, length limits) and gives the one message for each."""

from __future__ import annotations

from django import forms

from annotator.models import Project
from articles.models import Source


class ArticleFilterForm(forms.Form):
    PROGRESS_CHOICES = [
        ("", "Any progress"),
        ("untouched", "Untouched"),
        ("in_progress", "In progress"),
        ("done", "Done"),
    ]

    q = forms.CharField(required=False, max_length=200, label="Search")
    publisher = forms.ModelChoiceField(
        Source.objects.all(), required=False, empty_label="All publishers", to_field_name="slug"
    )
    progress = forms.ChoiceField(choices=PROGRESS_CHOICES, required=False)
    # The view narrows the choice to the projects the user may see.
    project = forms.ModelChoiceField(
        Project.objects.none(), required=False, empty_label="All projects", to_field_name="slug"
    )


class SpanCreateForm(forms.Form):
    paragraph = forms.IntegerField(min_value=1)
    start = forms.IntegerField()
    end = forms.IntegerField()
    quote = forms.CharField(required=False, strip=False)
    label = forms.SlugField(max_length=50)
    attributed_to = forms.CharField(required=False)
    note = forms.CharField(required=False)


class SpanChangeForm(forms.Form):
    version = forms.IntegerField(min_value=1)
    label = forms.SlugField(max_length=50, required=False)
    attributed_to = forms.CharField(required=False)
    note = forms.CharField(required=False)


class SpanDeleteForm(forms.Form):
    version = forms.IntegerField(min_value=1, required=False)


def error_message(form: forms.Form) -> str:
    """Return the form's errors as one sentence a user can act on."""
    parts = []
    for name, errors in form.errors.items():
        prefix = "" if name == "__all__" else f"{form.fields[name].label or name.replace('_', ' ')}: "
        parts.append(prefix + " ".join(errors))
    return " ".join(parts)
