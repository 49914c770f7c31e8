"""The transfer preview and confirm views behind the compare page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from annotator.models import Annotation, AnnotationChange
from tests.factories import ArticleFactory

# One reused passage, long enough to count as reuse (a sentence or so), with one edit.
SHARED = "the army said its units held the hills north of the town until the evening."
ENCIRCLE = "Troops tried to encircle the city, cutting off the"
OLD = [f"{ENCIRCLE} Homs-Al-Salamiyah-Palmyra highway on Friday, and {SHARED}"]
NEW = [f"{ENCIRCLE} Homs-Palmyra highway on Friday, and {SHARED} It rained."]


@pytest.fixture
def pair(db):
    return ArticleFactory(paragraphs=OLD + ["Nobody saw the convoy."]), ArticleFactory(paragraphs=NEW)


@pytest.fixture
def spans_of(pair, analyst, annotate):
    old, _ = pair
    paragraphs = list(old.paragraphs.order_by("position"))
    return [
        annotate(paragraphs[0], "encircle the city", "reported_fact", reviewer=analyst),
        annotate(paragraphs[0], "the Homs-Al-Salamiyah-Palmyra highway", "speculation", reviewer=analyst),
        annotate(paragraphs[1], "Nobody saw the convoy.", "attributed_claim", reviewer=analyst),
    ]


def _url(name: str, source, target) -> str:
    return reverse(f"reuse:{name}", args=[source.pk, target.pk])


def test_the_preview_lists_exact_edited_and_missing(client, analyst, pair, spans_of):
    old, new = pair
    client.force_login(analyst)
    response = client.get(_url("transfer", old, new), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert html.index("Transfers exactly") < html.index("encircle the city")
    assert "Transfers onto edited text" in html
    assert "Lands on <q>the Homs-Palmyra highway</q>" in html
    assert "<del>Homs-Al-Salamiyah-Palmyra</del>" in html and "<ins>Homs-Palmyra</ins>" in html
    assert "No match" in html
    assert f'value="{spans_of[2].pk}" disabled' in html
    full = client.get(_url("transfer", old, new))
    assert "<html" in full.content.decode()
    assert "Transfers onto edited text" in full.content.decode()


def test_words_found_only_in_another_sentence_are_listed_as_no_match(client, analyst, annotate):
    old = ArticleFactory(paragraphs=["The talks failed. Both sides blamed each other for the collapse."])
    new = ArticleFactory(paragraphs=["Both sides blamed each other for the collapse. The talks will resume."])
    span = annotate(old.paragraphs.get(), "The talks", "reported_fact", reviewer=analyst)
    client.force_login(analyst)
    html = client.get(_url("transfer", old, new), HTTP_HX_REQUEST="true").content.decode()
    assert "Transfers exactly" not in html
    assert html.index("No match") < html.index("<q>The talks</q>")
    assert "The quoted words appear in this article, but only in other sentences." in html
    assert f'value="{span.pk}" disabled' in html
    response = client.post(_url("transfer-apply", old, new), {"span": [span.pk]}, HTTP_HX_REQUEST="true")
    assert (response.status_code, response.content.decode()) == (
        400,
        "This span cannot be transferred: “The talks” (no match in the target).",
    )
    assert Annotation.objects.filter(article=new).count() == 0


def test_confirming_creates_the_chosen_spans_as_transfers(client, analyst, pair, spans_of):
    old, new = pair
    client.force_login(analyst)
    chosen = {"span": [spans_of[0].pk, spans_of[1].pk]}
    response = client.post(_url("transfer-apply", old, new), chosen, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Transferred 2 spans to" in response.content.decode()
    assert response.headers["HX-Trigger"].startswith('{"annotationChanged"')
    created = Annotation.objects.filter(article=new).order_by("start")
    assert [(a.quote, a.label.slug, a.transferred_from_id) for a in created] == [
        ("encircle the city", "reported_fact", spans_of[0].pk),
        ("the Homs-Palmyra highway", "speculation", spans_of[1].pk),
    ]
    assert AnnotationChange.objects.filter(article=new, action="transfer").count() == 2


def test_transferring_the_same_spans_again_says_why_each_is_refused(client, analyst, pair, spans_of):
    old, new = pair
    client.force_login(analyst)
    first = client.post(
        _url("transfer-apply", old, new), {"span": [spans_of[0].pk, spans_of[1].pk]}, HTTP_HX_REQUEST="true"
    )
    assert first.status_code == 200
    again = client.post(
        _url("transfer-apply", old, new), {"span": [s.pk for s in spans_of]}, HTTP_HX_REQUEST="true"
    )
    assert (again.status_code, again.content.decode()) == (
        400,
        "These spans cannot be transferred: “encircle the city” (already there); "
        "“the Homs-Al-Salamiyah-Palmyra highway” (already there); "
        "“Nobody saw the convoy.” (no match in the target).",
    )
    assert again["Content-Type"] == "text/plain; charset=utf-8"
    assert Annotation.objects.filter(article=new).count() == 2


def test_without_javascript_confirming_goes_back_to_the_preview(client, analyst, pair, spans_of):
    old, new = pair
    client.force_login(analyst)
    response = client.post(_url("transfer-apply", old, new), {"span": [spans_of[0].pk]})
    assert response.status_code == 302
    assert response.url == _url("transfer", old, new)
    assert "Already there" in client.get(response.url).content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose at least one span to transfer."),
        ({"span": ["x"]}, "Spans are chosen by their numbers."),
    ],
)
def test_bad_choices_are_refused_and_write_nothing(client, analyst, pair, spans_of, data, message):
    old, new = pair
    client.force_login(analyst)
    response = client.post(_url("transfer-apply", old, new), data, HTTP_HX_REQUEST="true")
    assert (response.status_code, response.content.decode()) == (400, message)
    assert Annotation.objects.filter(article=new).count() == 0


def test_an_outsider_cannot_transfer_someone_elses_spans(client, outsider, pair, spans_of):
    old, new = pair
    client.force_login(outsider)
    preview = client.get(_url("transfer", old, new), HTTP_HX_REQUEST="true").content.decode()
    assert "You have no spans in the article you copy from." in preview
    response = client.post(
        _url("transfer-apply", old, new), {"span": [spans_of[0].pk]}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400
    assert response.content.decode() == f"These spans are not yours in this article: {spans_of[0].pk}."
    assert Annotation.objects.filter(article=new).count() == 0


def test_confirming_needs_a_csrf_token(analyst, pair, spans_of):
    from django.test import Client

    old, new = pair
    client = Client(enforce_csrf_checks=True)
    client.force_login(analyst)
    response = client.post(_url("transfer-apply", old, new), {"span": [spans_of[0].pk]})
    assert response.status_code == 403
    assert Annotation.objects.filter(article=new).count() == 0


def test_transfer_needs_a_login(client, pair):
    old, new = pair
    response = client.get(_url("transfer", old, new))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_compare_page_offers_the_transfer(client, analyst, pair):
    old, new = pair
    client.force_login(analyst)
    html = client.get(reverse("annotator:compare", args=[old.pk, new.pk])).content.decode()
    assert f'hx-get="{_url("transfer", old, new)}"' in html
    assert f'hx-get="{_url("transfer", new, old)}"' in html
