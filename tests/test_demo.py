from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from annotator import spans
from annotator.models import Annotation, AnnotationChange, DemoLoad
from articles.models import Article, Paragraph, Source


def load_demo(*args: str) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def debug(settings, labels):
    settings.DEBUG = True


def test_load_demo_imports_the_corpus_makes_the_logins_and_tags_spans(debug):
    output = load_demo()
    assert (
        "Demo corpus: 7 articles imported, 0 already there.\nDemo spans for analyst: 11 added, 0 already"
        in output
    )
    assert "  analyst / provenance-analyst   (analyst: the workbench at /)" in output
    assert "  admin / provenance-admin   (staff and superuser: the admin at /admin/)" in output
    assert sorted(Source.objects.values_list("name", flat=True)) == ["Harbour Ledger", "Meridian Review"]
    analyst = authenticate(username="analyst", password="provenance-analyst")
    admin = authenticate(username="admin", password="provenance-admin")
    assert (analyst.is_staff, admin.is_staff, admin.is_superuser) == (False, True, True)
    spans = Annotation.objects.filter(reviewer=analyst)
    assert set(spans.values_list("label__slug", flat=True)) == {
        "reported_fact", "attributed_claim", "speculation", "boilerplate",
    }  # fmt: skip
    claim = spans.get(attributed_to="Mayor Ilse Varga")
    assert claim.quote == "the lease would bring 62 million crowns into the city budget over its first decade"
    assert claim.paragraph.text[claim.start : claim.end] == claim.quote


def test_the_demo_has_a_republished_near_duplicate_pair(debug):
    load_demo()
    threat = Article.objects.get(title="Dockworkers Threaten Strike Over “Secret” Terminal Lease")
    walkout = Article.objects.get(title="Breaking: Dockworkers Walk Out as Port Alder Lease Row Deepens")
    assert (threat.publisher.name, threat.original_source.name) == ("Meridian Review", "Harbour Ledger")
    first, second = (set(a.paragraphs.values_list("text", flat=True)) for a in (threat, walkout))
    assert "Councillors received the 214-page contract only three days before the vote." in first
    assert any(
        "Councillors received the 214-page contract only three days before the vote." in p for p in second
    )
    assert len(first & second) >= 5
    assert walkout.paragraphs.count() > threat.paragraphs.count()


def test_load_demo_twice_changes_nothing_and_prints_the_logins_again(debug):
    load_demo()
    counts = (Article.objects.count(), Paragraph.objects.count(), Annotation.objects.count())
    history = AnnotationChange.objects.count()
    output = load_demo()
    assert (
        f"Demo corpus and spans: loaded into this database on {DemoLoad.objects.get().loaded_at:%Y-%m-%d}; "
        "nothing added, so what was changed or deleted since stays so.\n"
    ) in output
    assert "  admin / provenance-admin" in output
    assert (Article.objects.count(), Paragraph.objects.count(), Annotation.objects.count()) == counts
    assert AnnotationChange.objects.count() == history


def test_a_demo_span_the_analyst_deleted_stays_deleted_when_the_demo_loads_again(debug):
    load_demo()
    analyst = authenticate(username="analyst", password="provenance-analyst")
    claim = Annotation.objects.get(attributed_to="Mayor Ilse Varga")
    changed = Annotation.objects.get(quote="Police arrested eleven people at Pier Nine late on Monday")
    spans.delete(annotation=claim, actor=analyst, version=claim.version)
    spans.change(annotation=changed, actor=analyst, version=changed.version, label="speculation")
    load_demo()
    assert Annotation.objects.live().filter(attributed_to="Mayor Ilse Varga").count() == 0
    assert Annotation.objects.live().filter(quote=changed.quote).get().label.slug == "speculation"
    assert Annotation.objects.live().count() == 10


def test_a_demo_article_staff_deleted_for_good_does_not_come_back_nor_its_spans(debug):
    """The demo loads once per database: a second `make run` adds nothing, whatever was removed since."""
    load_demo()
    lease = Article.objects.get(
        title="Port Alder Council Approves 30-Year Lease of the Eastern Container Terminal"
    )
    spans_before = Annotation.objects.count()
    Annotation.objects.filter(article=lease).delete()  # with their history
    lease.delete()  # a hard delete, as from the shell: the admin only soft-deletes
    counts = (Article.objects.count(), Paragraph.objects.count(), Annotation.objects.count())
    assert counts[0] == 6 and counts[2] < spans_before
    output = load_demo()
    assert "nothing added" in output and "  analyst / provenance-analyst" in output
    assert (Article.objects.count(), Paragraph.objects.count(), Annotation.objects.count()) == counts
    assert DemoLoad.objects.count() == 1


def test_a_database_that_had_the_demo_before_the_load_was_recorded_is_not_loaded_again(debug):
    load_demo()
    DemoLoad.objects.all().delete()  # as in a database the demo was loaded into by an older version
    profits = Article.objects.get(title="Who Really Profits from the Port Alder Harbour Deal?")
    Annotation.objects.filter(article=profits).delete()
    profits.delete()
    counts = (Article.objects.count(), Annotation.objects.count())
    assert "nothing added" in load_demo()
    assert (Article.objects.count(), Annotation.objects.count()) == counts
    assert DemoLoad.objects.count() == 1


def test_without_debug_the_passwords_must_be_given(settings, labels, monkeypatch):
    settings.DEBUG = False
    monkeypatch.delenv("DEMO_ANALYST_PASSWORD", raising=False)
    monkeypatch.delenv("DEMO_ADMIN_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="the built-in demo passwords are only used when DEBUG is on"):
        load_demo()
    assert Article.objects.count() == 0
    output = load_demo("--analyst-password", "s3cret-analyst", "--admin-password", "s3cret-admin")
    assert "  analyst / s3cret-analyst" in output
    assert authenticate(username="admin", password="s3cret-admin").is_superuser
