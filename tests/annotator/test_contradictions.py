"""Contradicting spans: labels that exclude each other, the warning that names the other span, the marks."""

import json

import pytest
from django.urls import reverse

from annotator import contradictions, spans
from annotator.models import Annotation, Label
from tests.factories import UserFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def paragraph(article):
    """'The mayor said the budget would be cut by 10%.'"""
    return article.paragraphs.get(position=1)


def tag(client, paragraph, quote, label):
    start = paragraph.text.index(quote)
    data = {
        "paragraph": paragraph.pk,
        "start": start,
        "end": start + len(quote),
        "quote": quote,
        "label": label,
    }
    return client.post(reverse("annotator:span-create", args=[paragraph.article_id]), data, **HTMX)


def test_reported_fact_and_speculation_exclude_each_other_by_default(labels):
    fact, speculation = labels["reported_fact"], labels["speculation"]
    assert list(fact.excludes.all()) == [speculation]
    assert list(speculation.excludes.all()) == [fact]
    assert not labels["attributed_claim"].excludes.exists()
    assert not labels["boilerplate"].excludes.exists()


def test_tagging_words_that_carry_an_excluding_label_saves_and_warns_naming_the_other_span(
    client, analyst, paragraph, labels
):
    client.force_login(analyst)
    assert tag(client, paragraph, "the budget would be cut", "speculation").status_code == 200
    response = tag(client, paragraph, "budget", "reported_fact")
    assert response.status_code == 200
    event = json.loads(response["HX-Trigger"])["annotationChanged"]
    assert event["message"] == "Tagged as Reported fact."
    assert event["warning"] == (
        "Contradiction: “the budget would be cut” is also tagged Speculation, which excludes Reported fact. "
        "Both spans are kept."
    )
    assert Annotation.objects.live().count() == 2
    body = response.content.decode()
    assert body.count(' contra" data-annotation-id') == 2


def test_no_warning_for_labels_that_do_not_exclude_or_for_someone_elses_span(
    client, analyst, paragraph, labels
):
    spans.create(paragraph=paragraph, label="speculation", start=4, end=9, reviewer=UserFactory())
    client.force_login(analyst)
    tag(client, paragraph, "The mayor", "attributed_claim")
    response = tag(client, paragraph, "mayor", "reported_fact")
    assert json.loads(response["HX-Trigger"])["annotationChanged"]["warning"] == ""


def test_relabelling_into_a_contradiction_warns_too(client, analyst, paragraph, labels):
    spans.create(paragraph=paragraph, label="reported_fact", start=4, end=9, reviewer=analyst)
    claim = spans.create(paragraph=paragraph, label="attributed_claim", start=0, end=14, reviewer=analyst)
    client.force_login(analyst)
    response = client.post(
        reverse("annotator:span-change", args=[claim.pk]), {"version": 1, "label": "speculation"}, **HTMX
    )
    event = json.loads(response["HX-Trigger"])["annotationChanged"]
    assert event["message"] == "Span saved as Speculation."
    assert event["warning"] == (
        "Contradiction: “mayor” is also tagged Reported fact, which excludes Speculation. "
        "Both spans are kept."
    )


def test_spans_that_only_touch_do_not_contradict(client, analyst, paragraph, labels):
    spans.create(paragraph=paragraph, label="reported_fact", start=0, end=9, reviewer=analyst)
    client.force_login(analyst)
    response = tag(client, paragraph, "said", "speculation")  # right after "The mayor"
    assert json.loads(response["HX-Trigger"])["annotationChanged"]["warning"] == ""
    assert contradictions.exclusions()[labels["speculation"].pk] == {labels["reported_fact"].pk}


def test_without_htmx_the_warning_comes_as_a_message_after_the_redirect(client, analyst, paragraph, labels):
    spans.create(paragraph=paragraph, label="speculation", start=4, end=9, reviewer=analyst)
    client.force_login(analyst)
    url = reverse("annotator:span-create", args=[paragraph.article_id])
    data = {"paragraph": paragraph.pk, "start": 0, "end": 9, "quote": "The mayor", "label": "reported_fact"}
    page = client.post(url, data, follow=True).content.decode()
    assert "Contradiction: “mayor” is also tagged Speculation, which excludes Reported fact." in page


def test_the_admin_sets_which_labels_exclude_each_other(client, staff, labels):
    client.force_login(staff)
    claim, boilerplate = labels["attributed_claim"], labels["boilerplate"]
    url = reverse("admin:annotator_label_change", args=[claim.pk])
    page = client.get(url).content.decode()
    assert 'type="checkbox" name="excludes"' in page
    assert f'value="{claim.pk}"' not in page.split('name="excludes"', 1)[1].split("</div>", 1)[0]
    data = {
        "name": claim.name,
        "colour": claim.colour,
        "shortcut": claim.shortcut,
        "description": claim.description,
        "order": claim.order,
        "excludes": [boilerplate.pk],
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(Label.objects.get(pk=boilerplate.pk).excludes.all()) == [claim]


def test_the_side_panel_lists_spans_in_reading_order_with_label_note_and_warning(
    client, analyst, article, labels
):
    first, second = article.paragraphs.order_by("position")[:2]
    later = spans.create(paragraph=second, label="speculation", start=4, end=9, reviewer=analyst, note="why?")
    fact = spans.create(paragraph=second, label="reported_fact", start=0, end=9, reviewer=analyst)
    opening = spans.create(paragraph=first, label="boilerplate", start=0, end=3, reviewer=analyst)
    client.force_login(analyst)
    page = client.get(article.get_absolute_url()).content.decode()
    listed = page.split('<ol class="span-items">', 1)[1].split("</ol>", 1)[0]
    order = [listed.index(f'data-goto="{span.pk}"') for span in (opening, fact, later)]
    assert order == sorted(order)
    assert '<span class="note-mark" aria-hidden="true">✎</span> why?' in listed
    assert listed.count('class="contra-mark"') == 2
