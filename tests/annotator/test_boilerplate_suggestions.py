"""Boilerplate suggestions for an analyst: listed apart from spans, accept one, accept all, dismiss."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from annotator import spans, suggestions
from annotator.models import Annotation, AnnotationChange
from articles import detection
from articles.models import Article, BoilerplateDismissal, BoilerplateSuggestion
from tests.factories import ArticleFactory, SourceFactory

FOOTER = "Copyright © The Valley Courier. All rights reserved, reproduction only with permission."
APPEAL = "Become a member of the Valley Courier and support local reporting from the valley."


@pytest.fixture
def article(db, settings):
    settings.BOILERPLATE_MIN_ARTICLES = 2
    courier = SourceFactory(name="Valley Courier")
    first = ArticleFactory(publisher=courier, paragraphs=["The council met on Monday.", FOOTER, APPEAL])
    second = ArticleFactory(publisher=courier, paragraphs=["A storm hit the coast.", FOOTER, APPEAL])
    detection.detect([first.pk, second.pk])
    return first


def test_suggestions_are_listed_apart_from_spans(client, analyst, article):
    client.force_login(analyst)
    response = client.get(reverse("reuse:suggestions", args=[article.pk]), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert 'Boilerplate suggestions <span class="muted">2</span>' in html
    assert "Copyright © The Valley Courier." in html and "In 2 articles of this publisher" in html
    assert Annotation.objects.count() == 0
    assert "<html" in client.get(reverse("reuse:suggestions", args=[article.pk])).content.decode()


def test_accepting_one_creates_the_analysts_boilerplate_span_with_history(client, analyst, article):
    client.force_login(analyst)
    footer = BoilerplateSuggestion.objects.get(article=article, paragraph__text=FOOTER)
    response = client.post(reverse("reuse:suggestion-accept", args=[footer.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'Boilerplate suggestions <span class="muted">1</span>' in response.content.decode()
    assert "annotationChanged" in response.headers["HX-Trigger"]
    span = Annotation.objects.get()
    assert (span.quote, span.label.slug, span.reviewer, span.start) == (FOOTER, "boilerplate", analyst, 0)
    assert AnnotationChange.objects.get(annotation=span).action == "create"
    again = client.post(reverse("reuse:suggestion-accept", args=[footer.pk]), HTTP_HX_REQUEST="true")
    assert (again.status_code, again.content.decode()) == (
        400,
        "You already tagged or dismissed this boilerplate.",
    )
    assert Annotation.objects.count() == 1


def test_accept_all_tags_every_open_suggestion_once(client, analyst, article):
    client.force_login(analyst)
    url = reverse("reuse:suggestions-accept-all", args=[article.pk])
    response = client.post(url)
    assert response.status_code == 302
    assert response.url == article.get_absolute_url()
    assert sorted(Annotation.objects.values_list("quote", flat=True)) == sorted([FOOTER, APPEAL])
    client.post(url)
    assert Annotation.objects.count() == 2


def test_dismissing_hides_it_for_this_analyst_only(client, analyst, colleague, article):
    client.force_login(analyst)
    footer = BoilerplateSuggestion.objects.get(article=article, paragraph__text=FOOTER)
    response = client.post(reverse("reuse:suggestion-dismiss", args=[footer.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert FOOTER not in response.content.decode()
    assert [s.text for s in suggestions.for_user(article, analyst)] == [APPEAL]
    assert [s.text for s in suggestions.for_user(article, colleague)] == [FOOTER, APPEAL]
    assert Annotation.objects.count() == 0


def test_a_dismissal_survives_detection_running_again(analyst, article):
    footer = BoilerplateSuggestion.objects.get(article=article, paragraph__text=FOOTER)
    suggestions.dismiss(suggestion=footer, user=analyst)
    detection.clear()
    detection.detect(Article.objects.values_list("pk", flat=True))
    assert not BoilerplateSuggestion.objects.filter(pk=footer.pk).exists()
    assert [s.text for s in suggestions.for_user(article, analyst)] == [APPEAL]
    assert BoilerplateDismissal.objects.count() == 1


def test_a_span_of_their_own_hides_the_suggestion(analyst, article, annotate):
    annotate(article.paragraphs.get(text=FOOTER), "All rights reserved", "boilerplate", reviewer=analyst)
    assert [s.text for s in suggestions.for_user(article, analyst)] == [APPEAL]
    footer = BoilerplateSuggestion.objects.get(article=article, paragraph__text=FOOTER)
    with pytest.raises(ValidationError, match="You already tagged or dismissed this boilerplate."):
        suggestions.accept(suggestion=footer, user=analyst)


def test_writes_need_post_and_a_login(client, article):
    footer = BoilerplateSuggestion.objects.get(article=article, paragraph__text=FOOTER)
    response = client.post(reverse("reuse:suggestion-accept", args=[footer.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert Annotation.objects.count() == 0


def test_a_get_cannot_accept(client, analyst, article):
    client.force_login(analyst)
    footer = BoilerplateSuggestion.objects.get(article=article, paragraph__text=FOOTER)
    assert client.get(reverse("reuse:suggestion-accept", args=[footer.pk])).status_code == 405
    assert Annotation.objects.count() == 0


def _section(html: str, paragraph) -> str:
    start = html.index(f'<section class="para" id="para-{paragraph.pk}"')
    return html[start : html.index("</section>", start) + len("</section>")]


def test_accepting_redraws_the_paragraph_with_its_new_highlight(
    client, analyst, colleague, article, annotate
):
    footer_paragraph = article.paragraphs.get(text=FOOTER)
    theirs = annotate(footer_paragraph, "All rights reserved", "reported_fact", reviewer=colleague)
    client.force_login(analyst)
    footer = BoilerplateSuggestion.objects.get(article=article, paragraph=footer_paragraph)
    page = f"http://testserver{article.get_absolute_url()}"
    response = client.post(
        reverse("reuse:suggestion-accept", args=[footer.pk]), HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL=page
    )
    html = response.content.decode()
    assert 'Boilerplate suggestions <span class="muted">1</span>' in html
    section = _section(html, footer_paragraph)
    assert section.startswith(
        f'<section class="para" id="para-{footer_paragraph.pk}" hx-swap-oob="outerHTML"'
    )
    span = Annotation.objects.get(reviewer=analyst)
    assert f'data-annotation-id="{span.pk}" data-label="boilerplate"' in section
    assert f'data-annotation-id="{theirs.pk}"' not in section  # the page shows the analyst's own layer
    assert html.count("hx-swap-oob") == 1


def test_accepting_all_redraws_every_tagged_paragraph_in_the_pages_layer(
    client, analyst, colleague, article, annotate
):
    footer_paragraph = article.paragraphs.get(text=FOOTER)
    theirs = annotate(footer_paragraph, "All rights reserved", "reported_fact", reviewer=colleague)
    client.force_login(analyst)
    page = f"http://testserver{article.get_absolute_url()}?layer=all"
    response = client.post(
        reverse("reuse:suggestions-accept-all", args=[article.pk]),
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL=page,
    )
    html = response.content.decode()
    assert "Tagged 2 passages as boilerplate." in response.headers["HX-Trigger"]
    assert html.count('hx-swap-oob="outerHTML"') == 2
    for paragraph in article.paragraphs.filter(text__in=[FOOTER, APPEAL]):
        span = Annotation.objects.get(paragraph=paragraph, reviewer=analyst)
        assert f'data-annotation-id="{span.pk}" data-label="boilerplate"' in _section(html, paragraph)
    assert f'data-annotation-id="{theirs.pk}"' in _section(html, footer_paragraph)
    assert "The council met on Monday." not in html


def _accept_all_undo_url(client, article) -> str:
    response = client.post(reverse("reuse:suggestions-accept-all", args=[article.pk]), HTTP_HX_REQUEST="true")
    event = json.loads(response.headers["HX-Trigger"])["annotationChanged"]
    assert event["message"] == "Tagged 2 passages as boilerplate."
    return event["undo"]


def test_accept_all_offers_one_undo_that_removes_every_span_it_made(client, analyst, article, annotate):
    client.force_login(analyst)
    mine = annotate(article.paragraphs.get(position=0), "The council", "reported_fact", reviewer=analyst)
    undo = _accept_all_undo_url(client, article)
    created = AnnotationChange.objects.filter(action="create", annotation__label__slug="boilerplate")
    ids = ",".join(
        str(pk) for pk in created.order_by("annotation__paragraph__position").values_list("pk", flat=True)
    )
    assert undo == reverse(
        "reuse:suggestions-accept-all-undo", args=[article.pk]
    ) + "?changes=" + ids.replace(",", "%2C")
    response = client.post(undo, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    event = json.loads(response.headers["HX-Trigger"])["annotationChanged"]
    assert event == {"message": "Undone: 2 boilerplate spans removed.", "undo": ""}
    assert list(Annotation.objects.live()) == [mine]
    assert AnnotationChange.objects.filter(action="undo").count() == 2
    # The suggestions are open again and the two paragraphs come back without the spans.
    assert 'Boilerplate suggestions <span class="muted">2</span>' in response.content.decode()
    assert response.content.decode().count('hx-swap-oob="outerHTML"') == 2
    again = client.post(undo, HTTP_HX_REQUEST="true")
    assert (again.status_code, again.content.decode()) == (400, "This change has already been undone.")


def test_the_accept_all_undo_is_all_or_nothing_and_only_for_its_author(client, analyst, colleague, article):
    client.force_login(analyst)
    undo = _accept_all_undo_url(client, article)
    client.force_login(colleague)
    refused = client.post(undo, HTTP_HX_REQUEST="true")
    assert (refused.status_code, refused.content.decode()) == (
        400,
        "These are not your accepted boilerplate suggestions on this article.",
    )
    client.force_login(analyst)
    footer = Annotation.objects.get(quote=FOOTER)
    spans.change(annotation=footer, actor=analyst, version=1, note="kept")
    refused = client.post(undo, HTTP_HX_REQUEST="true")
    assert (refused.status_code, refused.content.decode()) == (
        400,
        "This span has changed since; undo the later changes first.",
    )
    assert Annotation.objects.live().count() == 2
    bad = client.post(undo.split("?")[0] + "?changes=1,x", HTTP_HX_REQUEST="true")
    assert (bad.status_code, bad.content.decode()) == (400, "The changes to undo must be numbers.")
