"""The article page: header, paragraphs with highlights, layers, side panel, popover, query count."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotator import spans
from annotator.models import Annotation
from articles.models import Paragraph, Source, Tag
from tests.factories import ArticleFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def paragraph(article):
    return article.paragraphs.get(position=1)


def test_anonymous_users_are_sent_to_the_login_page(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/articles/{article.pk}/"


def test_it_shows_the_header_and_the_paragraphs(client, analyst, labels):
    import datetime

    article = ArticleFactory(
        title="Breaking: ISIS Terrorists Advancing on Palmyra",
        byline="By South Front",
        publisher=Source.objects.create(name="Global Research", slug="global-research"),
        original_source=Source.objects.create(name="South Front", slug="south-front"),
        published_on=datetime.date(2016, 12, 10),
        original_published_on=datetime.date(2016, 12, 9),
        url="https://www.globalresearch.ca/breaking/5561706",
        paragraphs=["First <b>paragraph</b> & more.", "Second."],
    )
    article.tags.add(Tag.objects.create(kind=Tag.Kind.REGION, name="Middle East & North Africa"))
    client.force_login(analyst)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert '<h1 id="article-title">Breaking: ISIS Terrorists Advancing on Palmyra</h1>' in body
    assert "By South Front" in body
    assert (
        '<dd><a class="outlet-link" href="/corpus/sources/global-research/">Global Research</a>, '
        '<time datetime="2016-12-10">10 December 2016</time></dd>'
    ) in body
    assert (
        '<dd><a class="outlet-link" href="/corpus/sources/south-front/">South Front</a>, '
        '<time datetime="2016-12-09">9 December 2016</time></dd>'
    ) in body
    assert "<dt>Region</dt><dd>Middle East &amp; North Africa</dd>" in body
    assert 'href="https://www.globalresearch.ca/breaking/5561706"' in body
    first = article.paragraphs.get(position=0)
    escaped = "First &lt;b&gt;paragraph&lt;/b&gt; &amp; more."
    assert f'<p class="para-text" data-paragraph-id="{first.pk}">{escaped}</p>' in body
    for label in labels.values():
        assert re.search(
            rf'<button type="button" class="label-button l{label.pk}" data-label="{label.slug}"', body
        )


def test_a_javascript_url_is_not_linked(client, analyst, labels):
    article = ArticleFactory(url="javascript:alert(1)")
    client.force_login(analyst)
    assert "javascript:" not in client.get(article.get_absolute_url()).content.decode()


def test_a_deleted_article_is_not_found(client, analyst, article):
    from django.utils import timezone

    article.deleted_at = timezone.now()
    article.save()
    client.force_login(analyst)
    assert client.get(article.get_absolute_url()).status_code == 404


def test_the_page_has_no_inline_script_and_a_csp(client, analyst, article, labels):
    client.force_login(analyst)
    response = client.get(article.get_absolute_url())
    csp = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    body = response.content.decode()
    for tag in re.findall(r"<(?:script|style)\b[^>]*>", body):
        assert f'nonce="{nonce}"' in tag or "src=" in tag, tag
    assert not re.search(r"\son[a-z]+=", body)
    assert 'src="/static/js/workbench.js"' in body
    assert "//cdn" not in body and "unpkg" not in body


def test_layers_show_mine_everyone_or_one_reviewer(client, analyst, colleague, paragraph, annotate):
    mine = annotate(paragraph, "mayor", "speculation", reviewer=analyst)
    theirs = annotate(paragraph, "budget", "reported_fact", reviewer=colleague)
    client.force_login(analyst)
    url = paragraph.article.get_absolute_url()

    def shown(query: str) -> set[int]:
        body = client.get(url + query).content.decode()
        return {int(pk) for pk in re.findall(r'<mark [^>]*data-annotation-id="(\d+)"', body)}

    assert shown("") == {mine.pk}
    assert shown("?layer=all") == {mine.pk, theirs.pk}
    assert shown("?reviewer=bob") == {theirs.pk}
    body = client.get(url + "?reviewer=bob").content.decode()
    assert 'data-can-tag="false"' in body
    assert "Read-only layer: you see bob's spans." in body
    assert f'<a href="/articles/{paragraph.article_id}/?reviewer=bob" aria-current="true">bob</a>' in body


def test_deleted_spans_are_not_shown(client, analyst, paragraph, annotate):
    span = annotate(paragraph, "mayor", "speculation", reviewer=analyst)
    spans.delete(annotation=span, actor=analyst)
    client.force_login(analyst)
    assert "<mark" not in client.get(paragraph.article.get_absolute_url()).content.decode()


def test_the_panel_counts_labels_and_lists_spans(client, analyst, paragraph, annotate, labels):
    annotate(paragraph, "mayor", "speculation", reviewer=analyst, attributed_to="")
    annotate(paragraph, "The mayor said", "attributed_claim", reviewer=analyst, attributed_to="The mayor")
    client.force_login(analyst)
    url = reverse("annotator:article-panel", args=[paragraph.article_id])
    response = client.get(url, **HTMX)
    body = response.content.decode()
    assert not body.lstrip().startswith("<!doctype")
    assert '<span class="count" data-count-for="speculation">1</span>' in body
    assert '<span class="count" data-count-for="reported_fact">0</span>' in body
    assert '<q>The mayor said</q> <span class="attr">— The mayor</span>' in body
    assert '<option value="The mayor"></option>' in body


def test_the_popover_lists_the_spans_under_a_click_innermost_first(
    client, analyst, colleague, paragraph, annotate
):
    outer = annotate(paragraph, "The mayor said", "attributed_claim", reviewer=analyst)
    inner = annotate(paragraph, "mayor", "speculation", reviewer=colleague)
    client.force_login(analyst)
    url = reverse("annotator:span-popover", args=[paragraph.article_id])
    body = client.get(f"{url}?layer=all&ids={inner.pk},{outer.pk}", **HTMX).content.decode()
    assert body.index(f'data-card-for="{inner.pk}"') < body.index(f'data-card-for="{outer.pk}"')
    assert "Read-only: this is bob's span." in body
    assert body.count('class="span-edit"') == 1
    assert f'action="/spans/{outer.pk}/change/?layer=all"' in body
    assert '<input type="hidden" name="version" value="1">' in body


def test_the_popover_ignores_spans_of_other_articles(client, analyst, annotate, labels):
    other = annotate(ArticleFactory().paragraphs.first(), "On Monday", reviewer=analyst)
    article = ArticleFactory()
    client.force_login(analyst)
    url = reverse("annotator:span-popover", args=[article.pk])
    body = client.get(f"{url}?ids={other.pk},x", **HTMX).content.decode()
    assert "This span no longer exists" in body


def make_big_article(reviewer, labels, paragraphs: int, spans_per_paragraph: int):
    text = " ".join(f"word{i:02d}" for i in range(40))
    article = ArticleFactory(paragraphs=[text] * paragraphs)
    label_list = list(labels.values())
    rows = []
    for paragraph in Paragraph.objects.filter(article=article):
        for i in range(spans_per_paragraph):
            start = (i % 30) * 7
            end = start + 6 + 7 * (i // 30)
            rows.append(
                Annotation(
                    article=article,
                    paragraph=paragraph,
                    start=start,
                    end=end,
                    quote=text[start:end],
                    label=label_list[i % 4],
                    reviewer=reviewer,
                )
            )
    Annotation.objects.bulk_create(rows)
    return article


def test_the_page_runs_a_fixed_number_of_queries(
    client, analyst, colleague, labels, django_assert_max_num_queries
):
    small = make_big_article(analyst, labels, paragraphs=1, spans_per_paragraph=1)
    big = make_big_article(analyst, labels, paragraphs=100, spans_per_paragraph=10)
    spans.change(
        annotation=Annotation.objects.filter(article=big).first(), actor=analyst, version=1, note="n"
    )
    assert Annotation.objects.filter(article=big).count() == 1000
    client.force_login(analyst)
    client.get(small.get_absolute_url())
    with CaptureQueriesContext(connection) as few:
        client.get(small.get_absolute_url() + "?layer=all")
    with django_assert_max_num_queries(len(few)):
        response = client.get(big.get_absolute_url() + "?layer=all")
    assert response.content.decode().count("<mark ") >= 1000
    # 12 for the page, 2 for the queue bar (the article's projects and my "done" on it), 1 asking once
    # whether any blind project is in progress (which spares building the blind filter's subquery).
    assert len(few) <= 15


def test_the_popover_ignores_ids_no_span_can_have(client, analyst, paragraph, annotate):
    span = annotate(paragraph, "The mayor said", "attributed_claim", reviewer=analyst)
    client.force_login(analyst)
    url = reverse("annotator:span-popover", args=[paragraph.article_id])
    for ids in ["99999999999999999999999", "0", "²", "9223372036854775808"]:
        response = client.get(f"{url}?ids={ids},{span.pk}", **HTMX)
        assert response.status_code == 200, ids
        body = response.content.decode()
        assert body.count('class="span-edit"') == 1
        assert f'action="/spans/{span.pk}/change/"' in body
