"""The admin's "Import spans" page: the import of `import_spans` and `POST /api/v1/import/`, from uploads.

Every format the command reads, with the label mapping and the offset unit; the report lists what was
created, the problems (nothing written unless "partial") and what the file holds that is not imported.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from annotator.formats import UnknownFormat, label_mapping, loader
from annotator.formats.documents import FileRefused
from annotator.formats.units import CODE_POINTS, UNITS
from articles import importers
from articles.admin import MultipleFileField


class SpanImportForm(forms.Form):
    files = MultipleFileField(
        help_text="One file (our JSONL or W3C, doccano JSONL, Label Studio JSON, CoNLL), "
        "or brat .txt/.ann pairs."
    )
    format = forms.ChoiceField(
        choices=[("", "detect"), *((name, name) for name in loader.SPAN_IMPORT_FORMATS)], required=False
    )
    labels = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Label mapping",
        help_text="Other tools' label names, one THEIRS=OURS a line, e.g. claim=attributed_claim. Names that "
        "match our labels' slugs or names need no line.",
    )
    offsets = forms.ChoiceField(
        choices=[(unit, unit) for unit in UNITS],
        initial=CODE_POINTS,
        help_text="Unit of doccano offsets, and of Label Studio results without text.",
    )
    default_reviewer = forms.CharField(
        required=False, help_text="Username for spans whose file names no reviewer (default: you)."
    )
    partial = forms.BooleanField(required=False, help_text="Keep the spans that anchor even if others fail.")
    dry_run = forms.BooleanField(required=False, help_text="Check everything, write nothing.")

    def clean_labels(self) -> dict[str, str]:
        lines = [line.strip() for line in self.cleaned_data["labels"].splitlines() if line.strip()]
        try:
            return label_mapping.parse(lines)
        except label_mapping.MappingError as error:
            raise forms.ValidationError(str(error)) from None

    def clean_default_reviewer(self):
        name = self.cleaned_data["default_reviewer"].strip()
        if not name:
            return None
        user = get_user_model().objects.filter(username=name).first()
        if user is None:
            raise forms.ValidationError(f"Unknown user {name!r}.")
        return user


def _run(form: SpanImportForm, user) -> tuple[dict | None, str | None]:
    """Return the import's report, or the one error that refused the files."""
    files = []
    for upload in form.cleaned_data["files"]:
        try:
            importers.check_size(upload.size)
            files.append((upload.name, loader.decode_file(upload.name, upload.read())))
        except importers.ImportFailed as error:
            return None, f"{upload.name}: {error}"
    data = form.cleaned_data
    try:
        report = loader.load_files(
            files,
            format=data["format"] or None,
            mapping=data["labels"],
            offsets=data["offsets"],
            partial=data["partial"],
            dry_run=data["dry_run"],
            default_reviewer=data["default_reviewer"] or user,
            importer=user,
        )
    except (FileRefused, label_mapping.MappingError, UnknownFormat) as error:
        return None, f"{error} Nothing was imported."
    return report.as_dict(), None


def import_view(model_admin, request: HttpRequest) -> HttpResponse:
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    form, report, error, status = SpanImportForm(), None, None, 200
    if request.method == "POST":
        form = SpanImportForm(request.POST, request.FILES)
        if form.is_valid():
            report, error = _run(form, request.user)
            status = 400 if error or (report["problems"] and not form.cleaned_data["partial"]) else 200
        else:
            status = 400
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": "Import spans",
        "form": form,
        "report": report,
        "error": error,
        "dry_run": form.is_bound and form.is_valid() and form.cleaned_data["dry_run"],
    }
    return TemplateResponse(request, "admin/annotator/annotation/import.html", context, status=status)
