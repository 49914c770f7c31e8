"""Factories for every model, in one place."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model

from articles.models import Article, Paragraph, Source


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Outlet {n}")
    slug = factory.LazyAttribute(lambda s: s.name.lower().replace(" ", "-"))


class ArticleFactory(factory.django.DjangoModelFactory):
    """An article; pass `paragraphs=[...]` to give it text (default: three short paragraphs)."""

    class Meta:
        model = Article
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Report number {n}")
    byline = "By Staff"
    publisher = factory.SubFactory(SourceFactory)
    raw_text = factory.LazyAttribute(lambda a: a.title)
    checksum = factory.Sequence(lambda n: f"{n:064x}")

    @factory.post_generation
    def paragraphs(self, create: bool, extracted: list[str] | None, **kwargs) -> None:
        if not create:
            return
        texts = (
            extracted
            if extracted is not None
            else [
                "On Monday the council met in the town hall.",
                "The mayor said the budget would be cut by 10%.",
                "Some observers wonder whether the cut is a prelude to privatisation.",
            ]
        )
        Paragraph.objects.bulk_create(
            Paragraph(article=self, position=i, text=text) for i, text in enumerate(texts)
        )


class ParagraphFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Paragraph

    article = factory.SubFactory(ArticleFactory, paragraphs=[])
    position = factory.Sequence(lambda n: n)
    text = "The quick brown fox jumps over the lazy dog."
