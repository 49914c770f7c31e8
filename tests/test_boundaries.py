"""The corpus app knows nothing about annotations: no import, no reflection, no annotator name or URL.

The names come from the annotator app itself (its models and fields through the app registry, its URL names
through the resolver), so this stays true when the annotator changes.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

ROOT = Path(settings.BASE_DIR)
CORPUS_CODE = sorted((ROOT / "articles").rglob("*.py"))
CORPUS_TEMPLATES = sorted(
    path
    for folder in ("templates/articles", "templates/admin/articles")
    for path in (ROOT / folder).rglob("*.html")
)
ANNOTATOR = apps.get_app_config("annotator")
CORPUS = apps.get_app_config("articles")


def _relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _is_annotator_view(pattern: URLPattern) -> bool:
    return pattern.callback.__module__.startswith(f"{ANNOTATOR.name}.")


def _annotator_url_names() -> set[str]:
    """Return every URL name, with its namespace, whose view lives in the annotator package."""

    def walk(patterns: list, namespace: str) -> Iterator[str]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(part for part in (namespace, pattern.namespace) if part)
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name and _is_annotator_view(pattern):
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    return set(walk(get_resolver().url_patterns, ""))


def _annotator_names() -> set[str]:
    """Return names only the annotator gives meaning to: its app, its models' classes, and the relations it
    adds to corpus models (`Article.annotations`). Field names like `label` are common words, so they count
    only inside ORM lookups (`_annotator_fields`)."""
    names = {ANNOTATOR.label, ANNOTATOR.name}
    for model in ANNOTATOR.get_models():
        names.add(model.__name__)
    for model in CORPUS.get_models():
        names |= {
            relation.get_accessor_name()
            for relation in model._meta.related_objects
            if relation.related_model._meta.app_config is ANNOTATOR
        }
    return names


def _annotator_fields() -> set[str]:
    """Return the annotator models' field names that no corpus model has (`label`, `quote`, `reviewer`...)."""
    corpus = {f.name for m in CORPUS.get_models() for f in [*m._meta.fields, *m._meta.many_to_many]}
    return {f.name for m in ANNOTATOR.get_models() for f in m._meta.get_fields()} - corpus


URL_NAMES = _annotator_url_names()
NAMES = _annotator_names()
FIELDS = _annotator_fields()


def _parse(path: Path) -> ast.Module:
    """Return the module's syntax tree less `from __future__ import annotations`, Python's word, not ours."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    tree.body = [n for n in tree.body if not (isinstance(n, ast.ImportFrom) and n.module == "__future__")]
    return tree


def _docstrings(tree: ast.Module) -> set[int]:
    holders = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    return {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, holders)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }


def _identifiers(node: ast.AST) -> list[str]:
    match node:
        case ast.Name(id=name) | ast.Attribute(attr=name) | ast.keyword(arg=str(name)) | ast.arg(arg=name):
            return [name]
        case ast.FunctionDef(name=name) | ast.ClassDef(name=name) | ast.alias(name=name):
            return name.split(".")
        case ast.ImportFrom(module=str(module)):
            return module.split(".")
    return []


def _string_problems(value: str) -> list[str]:
    """Return what an identifier-like string (ORM lookup, URL name, model path) names of the annotator."""
    if not re.fullmatch(r"[\w.:-]+", value):
        return []  # prose: messages, help texts
    if value in URL_NAMES:
        return [f"the annotator URL {value!r}"]
    parts = re.split(r"__|[.:]", value)
    problems = [f"{part!r} in {value!r}" for part in parts if part in NAMES]
    if "__" in value:
        problems += [f"the annotator field {part!r} in {value!r}" for part in parts if part in FIELDS]
    return problems


def _code_problems(path: Path) -> list[str]:
    tree = _parse(path)
    docstrings = _docstrings(tree)
    problems = []
    for node in ast.walk(tree):
        where = f"{_relative(path)}:{getattr(node, 'lineno', '?')}"
        problems += [f"{where} names {name!r}" for name in _identifiers(node) if name in NAMES]
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            problems += [f"{where} names {problem}" for problem in _string_problems(node.value)]
    return problems


def _template_problems(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    problems = [
        f"{_relative(path)} links to the annotator URL {name!r}"
        for name in re.findall(r"{%\s*url\s+['\"]([^'\"]+)['\"]", text)
        if name in URL_NAMES
    ]
    for tag in re.findall(r"{[{%].*?[}%]}", text, flags=re.DOTALL):
        problems += [f"{_relative(path)} names {word!r}" for word in re.findall(r"\w+", tag) if word in NAMES]
    return problems


def test_the_names_come_from_the_annotator():
    # Guard the guard: if the registry or the resolver stopped answering, every check below would pass.
    assert {"Annotation", "annotations", "annotator"} <= NAMES
    assert {"label", "quote", "reviewer"} <= FIELDS
    assert "annotator:article" in URL_NAMES
    assert CORPUS_CODE
    assert CORPUS_TEMPLATES


@pytest.mark.parametrize("path", CORPUS_CODE, ids=_relative)
def test_corpus_code_names_nothing_of_the_annotator(path):
    assert _code_problems(path) == []


@pytest.mark.parametrize("path", CORPUS_TEMPLATES, ids=_relative)
def test_corpus_templates_name_nothing_of_the_annotator(path):
    assert _template_problems(path) == []


@pytest.mark.parametrize("path", CORPUS_CODE, ids=_relative)
def test_corpus_code_never_imports_the_annotator(path):
    tree = _parse(path)
    imported = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    imported += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert [name for name in imported if name.split(".")[0] == ANNOTATOR.name] == []


@pytest.mark.parametrize("path", CORPUS_CODE, ids=_relative)
def test_corpus_code_does_not_reflect_over_related_models(path):
    """Asking every reverse relation (`_meta.related_objects`) is how the corpus used to find annotations."""
    tree = _parse(path)
    reflective = {"related_objects", "related_model"}
    found = [
        f"{_relative(path)}:{node.lineno} {node.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr in reflective
    ]
    assert found == []
