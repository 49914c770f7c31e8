"""The form staff create and change a project with: its people, its settings, its articles and its
per-label guidelines."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.text import slugify

from annotator.models import GOLD_USERNAME_PREFIX, Guideline, Label, Project
from articles.models import Article


def people() -> QuerySet:
    """Return the users who can be analysts or curators: active ones, gold layers left out."""
    return (
        get_user_model()
        .objects.filter(is_active=True, gold_project__isnull=True)
        .exclude(username__startswith=GOLD_USERNAME_PREFIX)
        .order_by("username")
    )


class ArticleChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, article: Article) -> str:
        return f"{article.title} ({article.publisher})"


class ProjectForm(forms.ModelForm):
    analysts = forms.ModelMultipleChoiceField(
        people(), widget=forms.CheckboxSelectMultiple, required=False, help_text="Who labels the articles."
    )
    curators = forms.ModelMultipleChoiceField(
        people(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Besides staff, who may settle the gold layer.",
    )
    articles = ArticleChoice(Article.objects.none(), widget=forms.CheckboxSelectMultiple, required=False)

    class Meta:
        model = Project
        fields = ["name", "slug", "description", "analysts_per_article", "blind", "analysts", "curators"]
        help_texts = {"slug": "Used in the project's address; left empty, it is made from the name."}

    def __init__(self, *args, articles: QuerySet, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["articles"].queryset = articles
        self.labels = list(Label.objects.all())
        guidelines = {}
        if self.instance.pk:
            guidelines = {g.label_id: g for g in self.instance.guidelines.all()}
            self.fields["slug"].disabled = True
            self.fields[
                "slug"
            ].help_text = "Set when the project was created: exports and the gold layer use it."
        for label in self.labels:
            current = guidelines.get(label.pk)
            self.fields[f"definition_{label.slug}"] = forms.CharField(
                label=f"{label.name}: definition",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=current.definition if current else label.description,
            )
            self.fields[f"examples_{label.slug}"] = forms.CharField(
                label=f"{label.name}: examples, one per line",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=current.examples if current else "",
            )

    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("name", "slug", "description", "analysts_per_article", "blind")]

    def guideline_fields(self) -> list[tuple[Label, forms.BoundField, forms.BoundField]]:
        return [
            (label, self[f"definition_{label.slug}"], self[f"examples_{label.slug}"]) for label in self.labels
        ]

    def clean_slug(self) -> str:
        if self.instance.pk:
            return self.instance.slug
        slug = self.cleaned_data.get("slug") or slugify(self.data.get("name", ""))[:100]
        if not slug:
            raise forms.ValidationError("Give the project a name or a slug made of letters and digits.")
        if Project.objects.filter(slug=slug).exists():
            raise forms.ValidationError(f"A project already uses the slug '{slug}'; choose another.")
        return slug

    def clean(self) -> dict:
        data = super().clean()
        analysts = data.get("analysts") or []
        wanted = data.get("analysts_per_article")
        if wanted is not None and wanted < 1:
            self.add_error("analysts_per_article", "Each article needs at least one analyst.")
        elif wanted and analysts and wanted > len(analysts):
            self.add_error(
                "analysts_per_article",
                f"{wanted} analysts per article needs at least {wanted} analysts on the project; "
                f"{len(analysts)} chosen.",
            )
        return data

    def save_guidelines(self, project: Project) -> None:
        for label in self.labels:
            definition = self.cleaned_data.get(f"definition_{label.slug}", "").strip()
            examples = self.cleaned_data.get(f"examples_{label.slug}", "").strip()
            if definition or examples:
                Guideline.objects.update_or_create(
                    project=project, label=label, defaults={"definition": definition, "examples": examples}
                )
            else:
                Guideline.objects.filter(project=project, label=label).delete()
