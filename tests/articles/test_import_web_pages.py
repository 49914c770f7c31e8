"""Web pages in: saved HTML files and fetched addresses through the importer, the command and the admin."""

from __future__ import annotations

import datetime
import gzip
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from articles import importers
from articles.importers import html_page, web
from articles.models import Article, WebPage
from tests.page_server import ARTICLE_HTML

pytestmark = pytest.mark.django_db

PARAGRAPHS = [
    "The Port Alder council approved the forty-year harbour lease shortly before midnight on Thursday, "
    "after a debate that ran for more than five hours and drew a crowd of dock workers to the public "
    "gallery.",
    "Councillor Ines Brook, who voted against the deal, said the lease “hands the waterfront to a single "
    "operator for two generations” and asked the council to publish the full terms before signing.",
    "The operator, Northline Terminals, said it would invest in new cranes and keep every current job, and "
    "that the council would receive a share of the cargo fees from the third year of the lease.",
    "The vote was seven to four. The lease still needs the approval of the regional port authority, which "
    "meets next month and may ask for changes to the environmental conditions.",
]
CANONICAL = "https://gazette.example/news/harbour-lease-approved"


def test_a_page_becomes_an_article_with_its_metadata():
    [record] = html_page.parse(
        ARTICLE_HTML, url="https://gazette.example/news/harbour-lease-approved?ref=rss"
    )
    assert record.title == "Harbour lease approved after late-night vote"
    assert record.byline == "Mara Quell"
    assert record.publisher == "Port Alder Gazette"
    assert record.published_on == datetime.date(2025, 3, 14)
    assert record.language == "en-gb"
    assert (record.url, record.canonical_url) == (CANONICAL, CANONICAL)
    assert record.page_url == "https://gazette.example/news/harbour-lease-approved?ref=rss"
    assert [p for p in record.paragraphs if p in PARAGRAPHS] == PARAGRAPHS
    assert not any(
        "Reader1234" in p or "All rights reserved" in p or "Subscribe" in p for p in record.paragraphs
    )
    assert record.raw_text == ARTICLE_HTML


def test_a_saved_page_is_imported_with_its_html_and_canonical_url(tmp_path):
    path = tmp_path / "harbour.html"
    path.write_text(ARTICLE_HTML, encoding="utf-8")
    report = importers.import_file(path)
    assert report.error is None
    [article] = report.articles
    assert article.raw_text == ARTICLE_HTML
    assert article.publisher.name == "Port Alder Gazette"
    assert article.web_page.canonical_url == CANONICAL
    stored = list(article.paragraphs.values_list("text", flat=True))
    assert [p for p in stored if p in PARAGRAPHS] == PARAGRAPHS


def test_the_same_page_is_not_imported_twice_even_with_other_text(tmp_path):
    (tmp_path / "a.html").write_text(ARTICLE_HTML, encoding="utf-8")
    changed = ARTICLE_HTML.replace("The vote was seven to four.", "The vote was seven to four, late.")
    (tmp_path / "b.html").write_text(changed, encoding="utf-8")
    first = importers.import_file(tmp_path / "a.html")
    second = importers.import_file(tmp_path / "b.html")
    assert (len(first.articles), second.articles, second.duplicates) == (1, [], 1)
    assert Article.objects.count() == WebPage.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200),
         "the file is binary (it holds NUL bytes), not an HTML page"),
        (b"  \n ", "the page is empty"),
        (b"<!doctype html><html><head><title>App</title></head><body><script>start()</script></body></html>",
         "no article text was found in the page"),
    ],
)  # fmt: skip
def test_hostile_files_are_refused_with_nothing_written(tmp_path, data, message):
    path = tmp_path / "page.html"
    path.write_bytes(data)
    assert importers.import_file(path).error == message
    assert Article.objects.count() == 0


def test_a_50_megabyte_page_file_is_refused_before_it_is_read(tmp_path, settings):
    path = tmp_path / "huge.html"
    with path.open("wb") as file:
        file.write(b"<!doctype html><html><body><p>")
        file.truncate(50 * 2**20)
    assert importers.import_file(path).error == (
        f"the file is 52,428,800 bytes; the limit is {settings.IMPORT_MAX_BYTES:,} bytes (IMPORT_MAX_BYTES)"
    )
    assert Article.objects.count() == 0


def test_the_declared_charset_decides_and_a_wrong_one_is_passed_over(tmp_path):
    latin = ARTICLE_HTML.replace('<meta charset="utf-8">', '<meta charset="windows-1252">')
    latin = latin.replace("“", '"').replace("”", '"').replace("©", "(c)").replace("·", "-")
    latin = latin.replace("Ines Brook", "Inès Brook")
    assert html_page.decode(latin.encode("cp1252")).count("Inès Brook") == 1
    # Declared UTF-8, written in Latin-1: the bytes do not fit, so the next candidates are tried.
    wrong = latin.replace('<meta charset="windows-1252">', '<meta charset="utf-8">').encode("cp1252")
    assert "Inès Brook" in html_page.decode(wrong)
    (tmp_path / "wrong.html").write_bytes(wrong)
    [article] = importers.import_file(tmp_path / "wrong.html").articles
    assert any("Inès Brook" in text for text in article.paragraphs.values_list("text", flat=True))


def test_an_unknown_charset_label_is_ignored():
    page = ARTICLE_HTML.replace('<meta charset="utf-8">', '<meta charset="x-no-such-charset">')
    assert html_page.decode(page.encode()) == page


def test_an_address_is_fetched_and_imported_once(page_server):
    url = page_server.page("/story")
    first = web.import_url(url)
    assert first.created and first.article.web_page.page_url == url
    assert first.article.url == CANONICAL
    again = web.import_url(url)
    assert (again.created, again.article) == (False, first.article)
    # Known by its canonical URL, the page is not even fetched a third time.
    fetched = len(page_server.requests)
    assert web.import_url(CANONICAL).article == first.article
    assert len(page_server.requests) == fetched


def test_the_same_text_under_another_address_is_the_stored_article(page_server):
    without_canonical = ARTICLE_HTML.replace(f'<link rel="canonical" href="{CANONICAL}">', "")
    first = web.import_url(page_server.page("/one", without_canonical))
    second = web.import_url(page_server.page("/two", without_canonical))
    assert first.created and not second.created
    assert second.article == first.article


def run(*args: str) -> str:
    out = StringIO()
    call_command("import_articles", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_command_imports_addresses_beside_files(page_server, tmp_path):
    (tmp_path / "note.txt").write_text("A note\n\nIts only paragraph.\n", encoding="utf-8")
    url = page_server.page("/story")
    assert (
        run(str(tmp_path), url) == "Imported 2 articles from 2 files; skipped 0 duplicates; 0 files failed.\n"
    )
    article = Article.objects.get(web_page__canonical_url=CANONICAL)
    assert run(url) == (
        "Imported 0 articles from 1 file; skipped 1 duplicate; 0 files failed.\n"
        f"  {url}: already imported as article {article.pk} (Harbour lease approved after late-night vote)\n"
    )


def test_the_command_reports_a_refused_address_and_fails(page_server, settings):
    url = page_server.redirect("/moved", "http://192.168.1.1/admin")
    out = StringIO()
    with pytest.raises(CommandError, match="1 of 1 files failed"):
        call_command("import_articles", url, stdout=out, stderr=StringIO())
    assert out.getvalue() == (
        "Imported 0 articles from 0 files; skipped 0 duplicates; 1 file failed.\n"
        f"  {url}: 192.168.1.1 is a private address; pages are fetched only from the public internet "
        "(an intranet range can be allowed with FETCH_ALLOWED_NETWORKS)\n"
    )
    assert Article.objects.count() == 0


def test_a_dry_run_fetches_but_stores_nothing(page_server):
    url = page_server.page("/story")
    assert run("--dry-run", url).startswith("Would import 1 article from 1 file;")
    assert Article.objects.count() == 0


def test_the_admin_imports_uploaded_pages_and_addresses(client, page_server, tmp_path):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="editor", is_staff=True, is_superuser=True))
    other = ARTICLE_HTML.replace(CANONICAL, "https://gazette.example/news/other").replace(
        "seven to four", "six"
    )
    upload = tmp_path / "other.html"
    upload.write_text(other, encoding="utf-8")
    with upload.open("rb") as file:
        response = client.post(
            "/admin/articles/article/upload/",
            {"files": [file], "format": "", "urls": f"{page_server.page('/story')}\n\nftp://example.org/x\n"},
        )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Imported: 2 articles" in page
    assert "only http and https addresses can be imported, not ftp: (ftp://example.org/x)" in page
    assert set(WebPage.objects.values_list("canonical_url", flat=True)) == {
        CANONICAL,
        "https://gazette.example/news/other",
    }
    article = Article.objects.get(web_page__canonical_url=CANONICAL)
    change = client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert f'<div class="readonly">{CANONICAL}</div>' in change
    assert f'<div class="readonly">{page_server.url("/story")}</div>' in change


def test_the_admin_upload_wants_files_or_addresses(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="editor", is_staff=True, is_superuser=True))
    response = client.post("/admin/articles/article/upload/", {"format": "", "urls": "  \n"})
    assert response.status_code == 400
    assert "Choose files to upload or give addresses of web pages." in response.content.decode()


@pytest.mark.shared
def test_real_news_pages_import_with_their_gold_text(shared_dir, tmp_path):
    corpus = shared_dir / "corpus" / "article-extraction-benchmark"
    gold = json.loads((corpus / "ground-truth.json").read_text(encoding="utf-8"))
    pages = sorted(gold)[:4]
    for page in pages:
        (tmp_path / f"{page}.html").write_bytes(
            gzip.decompress((corpus / "html" / f"{page}.html.gz").read_bytes())
        )
    reports = [importers.import_file(tmp_path / f"{page}.html") for page in pages]
    assert [report.error for report in reports] == [None] * len(pages)
    for page, report in zip(pages, reports, strict=True):
        [article] = report.articles
        stored = " ".join(article.paragraphs.values_list("text", flat=True)).split()
        # Paywalled gold bodies end with a cut paragraph ("All..."): compare whole paragraphs only.
        body = [p for p in gold[page]["articleBody"].split("\n\n") if p.strip() and not p.endswith("...")]
        # The gold body's first and last paragraphs are in the stored text, word for word.
        for paragraph in (body[0], body[-1]):
            words = paragraph.split()
            assert any(stored[i : i + len(words)] == words for i in range(len(stored))), (page, paragraph)
        assert article.raw_text.lstrip().lower().startswith(("<!doctype", "<html", "<!--"))


def test_a_page_deleted_since_its_import_is_said_not_imported_again(page_server):
    from django.utils import timezone

    url = page_server.page("/story")
    article = web.import_url(url).article
    Article.objects.filter(pk=article.pk).update(deleted_at=timezone.now())
    with pytest.raises(importers.ImportFailed) as refused:
        web.import_url(url)
    assert str(refused.value) == (
        f"this page was imported before as article {article.pk} (Harbour lease approved after late-night "
        "vote), which was deleted since; staff can restore it in the admin"
    )
    assert Article.objects.count() == 1
