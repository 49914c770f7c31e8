"""A web page (saved HTML or fetched) -> one article, through trafilatura's main-content extraction.

Pure: no database access. `decode` turns the page's bytes into text by the charset its server or its
markup declares; `parse` extracts the article: title, author (byline), date, site name (publisher),
canonical URL, language and the body, one paragraph per block (paragraph, heading, list item, quote, table
row). The raw HTML is the record's `raw_text`, so the article keeps the page it came from.

Extraction settings: `include_comments=False` (readers' comments are not the article) and
`favor_precision=True` (leave out doubtful blocks: teasers, "read more" lists, captions), chosen for news
pages as a whole on the article-extraction benchmark, where each raises F1 over trafilatura's defaults
(`bench/bench_extraction.py`; figures in BENCHMARKS.md).
"""

from __future__ import annotations

import codecs
import datetime
import re
from urllib.parse import quote, urljoin, urlsplit

import charset_normalizer
from lxml import etree, html

from articles.importers.article_record import ArticleRecord, ImportFailed, is_absolute_uri

EXTENSIONS = (".html", ".htm", ".xhtml")
EXTRACTION = {"include_comments": False, "favor_precision": True, "include_tables": True}
MAX_TITLE, MAX_BYLINE, MAX_PUBLISHER, MAX_URL = 500, 500, 200, 1000
# Blocks of trafilatura's output that are paragraphs of their own; their children's text joins into one.
BLOCKS = {"p", "head", "item", "quote", "code", "row"}
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
LANGUAGE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")
# What a browser means by a label (WHATWG Encoding): Latin-1 and ASCII are read as windows-1252.
ALIASES = {"iso-8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252", "us-ascii": "cp1252",
           "ascii": "cp1252", "iso_8859-1": "cp1252"}  # fmt: skip


def looks_like(text: str) -> bool:
    """Return whether a text is an HTML page (a doctype or an <html> element near its start)."""
    head = text.lstrip("\ufeff \t\r\n")[:2048].lower()
    return head.startswith(("<!doctype html", "<html")) or ("<html" in head and "<head" in head)


def _codec(label: str | bytes | None) -> str | None:
    if not label:
        return None
    name = label.decode("ascii", "replace") if isinstance(label, bytes) else label
    name = ALIASES.get(name.strip().lower(), name.strip())
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode(data: bytes, declared: str | None = None) -> str:
    """Return a page's text: by its byte order mark, else the charset the server declared, else its
    <meta charset>, else UTF-8, else the encoding charset_normalizer finds. A declared charset the bytes do
    not fit (a "wrong charset") is passed over for the next; binary data is refused."""
    if not data.strip():
        raise ImportFailed("the page is empty")
    for bom, codec in [(codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                       (codecs.BOM_UTF16_BE, "utf-16")]:  # fmt: skip
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    if b"\x00" in data[:4096]:
        raise ImportFailed("the file is binary (it holds NUL bytes), not an HTML page")
    meta = META_CHARSET.search(data[:4096])
    for codec in dict.fromkeys(filter(None, [_codec(declared), _codec(meta and meta.group(1)), "utf-8"])):
        try:
            return data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
    matches = list(charset_normalizer.from_bytes(data[:1_000_000]))
    if not matches:
        raise ImportFailed("the page's character encoding cannot be told: it looks binary, not HTML")
    # Few non-ASCII bytes fit many code pages equally well; windows-1252, the web's legacy default
    # (WHATWG Encoding), wins a tie, as it would in a browser.
    least = min(match.chaos for match in matches)
    tied = [match.encoding for match in matches if match.chaos == least]
    return data.decode("cp1252" if "cp1252" in tied else tied[0], errors="replace")


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def paragraphs_of(body: etree._Element) -> list[str]:
    """Return the text of each block of trafilatura's body, in order; a table row's cells joined by " | ".

    Text outside every block (trafilatura leaves some as the tail of a heading or a list, or as a
    container's own text) is a paragraph of its own, so nothing extracted is dropped.
    """
    found: list[str] = []

    def add(text: str | None) -> None:
        if cleaned := _clean(text):
            found.append(cleaned)

    def walk(element: etree._Element) -> None:
        if element.tag == "row":
            add(" | ".join(filter(None, (_clean("".join(cell.itertext())) for cell in element))))
        elif element.tag in BLOCKS:
            add("".join(element.itertext()))
        else:
            add(element.text)
            for child in element:
                walk(child)
                add(child.tail)

    walk(body)
    return found


def absolute_url(value: str | None, base: str | None = None) -> str | None:
    """Return `value` as an absolute http(s) URI (resolved against `base`, unsafe characters %-encoded), or
    None when it cannot be one."""
    if not value:
        return None
    value = urljoin(base or "", value.strip())
    if urlsplit(value).scheme not in ("http", "https"):
        return None
    value = quote(value, safe=":/?#[]@!$&'()*+,;=%~")
    return value if is_absolute_uri(value) and len(value) <= MAX_URL else None


def _language(tree: html.HtmlElement) -> str:
    declared = tree.xpath("/html/@lang | /html/@xml:lang | //meta[@http-equiv]/@content[../@http-equiv"
                          " = 'content-language' or ../@http-equiv = 'Content-Language']")  # fmt: skip
    for value in declared:
        value = value.strip().split(",")[0].strip().replace("_", "-")
        if LANGUAGE.fullmatch(value) and len(value) <= 16:
            return value.lower()
    return "und"  # BCP 47: undetermined


def _date(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def parse(text: str, *, url: str | None = None) -> list[ArticleRecord]:
    """Return the page's article as a one-record list (the shape every format's parser returns).

    `url` is where the page came from (fetched, or sent by the bookmarklet); the canonical URL the page
    names wins over it. Raise ImportFailed when no article text is found.
    """
    # Imported here: trafilatura takes about a second to import, which every Django process (the admin
    # imports the importers) would pay at start for a feature most of them never use.
    import trafilatura
    from trafilatura.utils import load_html

    text = text.removeprefix("\ufeff")
    try:
        tree = load_html(text)
    except (ValueError, etree.ParserError):
        tree = None
    if tree is None:
        raise ImportFailed("the file is not an HTML page that can be read")
    language = _language(tree)
    try:
        document = trafilatura.bare_extraction(tree, url=url, with_metadata=True, **EXTRACTION)
    except (ValueError, TypeError, etree.LxmlError, RecursionError):
        # Hostile or broken markup that the extractor cannot walk: a refusal, not a crash.
        raise ImportFailed("the page's markup cannot be read by the article extractor") from None
    paragraphs = paragraphs_of(document.body) if document is not None and document.body is not None else []
    if not paragraphs:
        raise ImportFailed("no article text was found in the page")
    page_url = absolute_url(url)
    canonical = absolute_url(document.url, page_url) or page_url
    title = _clean(document.title) or paragraphs[0]
    return [
        ArticleRecord(
            title=_cut(title, MAX_TITLE),
            paragraphs=paragraphs,
            byline=_cut(_clean(document.author), MAX_BYLINE),
            publisher=_cut(_clean(document.sitename), MAX_PUBLISHER) or None,
            published_on=_date(document.date),
            url=canonical,
            language=language,
            raw_text=text,
            canonical_url=canonical,
            page_url=page_url,
        )
    ]
