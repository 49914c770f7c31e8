"""backup_database / restore_database: a restore gives back every span, history row and timestamp exactly."""

from __future__ import annotations

import datetime
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from annotator import backup, spans
from annotator.models import Annotation, AnnotationChange
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)  # a backup sees committed rows

TABLES = ["annotator_annotation", "annotator_annotationchange", "articles_article", "articles_paragraph"]
MICROSECONDS = datetime.datetime(2026, 3, 4, 5, 6, 7, 123456, tzinfo=datetime.UTC)


@pytest.fixture
def history() -> None:
    """Spans with a full history: created, relabelled, deleted, the deletion undone; one exact timestamp."""
    analyst = UserFactory(username="alice")
    paragraph = ArticleFactory().paragraphs.first()
    kept = spans.create(paragraph=paragraph, label="reported_fact", start=0, end=9, reviewer=analyst)
    changed = spans.change(annotation=kept, actor=analyst, version=1, label="speculation", note="hedged")
    deleted = spans.delete(annotation=changed, actor=analyst, version=2)
    spans.undo(entry=deleted.last_change, actor=analyst)
    spans.create(paragraph=paragraph, label="reported_fact", start=14, end=21, reviewer=analyst)
    Annotation.objects.filter(pk=kept.pk).update(created_at=MICROSECONDS)


def table_rows(database: dict) -> dict[str, list[tuple]]:
    """Every row of the tables that hold spans and their history, as the database driver returns them."""
    queries = {table: f"SELECT * FROM {table} ORDER BY id" for table in TABLES}  # noqa: S608 - fixed names
    if database["ENGINE"].endswith("sqlite3"):
        name = str(database["NAME"])
        with closing(sqlite3.connect(name, uri=name.startswith("file:"))) as reader:
            return {table: reader.execute(query).fetchall() for table, query in queries.items()}
    import psycopg

    with psycopg.connect(**postgres_parameters(database)) as reader:
        return {table: reader.execute(query).fetchall() for table, query in queries.items()}


def postgres_parameters(database: dict, name: str | None = None) -> dict:
    parameters = {"dbname": name or database["NAME"], "user": database["USER"], "host": database["HOST"]}
    optional = {"port": database.get("PORT"), "password": database.get("PASSWORD")}
    parameters.update({key: value for key, value in optional.items() if value})
    return parameters


@pytest.fixture
def scratch(tmp_path: Path) -> Iterator[dict]:
    """An empty database of the same kind as the test database, dropped afterwards."""
    database = dict(settings.DATABASES["default"])
    if connection.vendor == "sqlite":
        yield {**database, "NAME": tmp_path / "restored.sqlite3"}
        return
    import psycopg

    name = f"{database['NAME']}_restore"
    with psycopg.connect(**postgres_parameters(database, "postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {**database, "NAME": name}
    finally:
        with psycopg.connect(**postgres_parameters(database, "postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restored_into_an_empty_database_holds_every_row_exactly(history, scratch, tmp_path):
    path = tmp_path / "provenance.backup"
    out = StringIO()
    call_command("backup_database", str(path), stdout=out)
    assert out.getvalue() == f"Backed up the 'default' database to {path}.\n"

    backup.restore(path, database=scratch)

    before = table_rows(settings.DATABASES["default"])
    assert len(before["annotator_annotation"]) == 2
    assert len(before["annotator_annotationchange"]) == 5
    assert any(str(MICROSECONDS.microsecond) in str(row) for row in before["annotator_annotation"])
    assert table_rows(scratch) == before


def test_restore_puts_back_what_was_deleted_since_the_backup(history, tmp_path):
    path = tmp_path / "provenance.backup"
    call_command("backup_database", str(path), stdout=StringIO())
    before = table_rows(settings.DATABASES["default"])
    AnnotationChange.objects.all().delete()
    Annotation.objects.all().delete()
    out = StringIO()

    call_command("restore_database", str(path), "--no-input", stdout=out)

    assert out.getvalue() == f"Restored the 'default' database from {path}.\n"
    assert table_rows(settings.DATABASES["default"]) == before
    assert Annotation.objects.get(created_at=MICROSECONDS).note == "hedged"


def test_restore_without_a_backup_file_changes_nothing(history, tmp_path):
    missing = tmp_path / "missing.backup"
    with pytest.raises(CommandError) as error:
        call_command("restore_database", str(missing), "--no-input")
    assert str(error.value) == f"There is no backup at {missing}."
    assert Annotation.objects.count() == 2
