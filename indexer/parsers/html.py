"""Read a saved web page (bytes, any encoding) into its main text and its metadata.

Why this exists: a web page carries navigation, headers, footers, cookie banners and
scripts around the few paragraphs that matter. Indexing all of that makes every page
match every menu word, so we keep the main content only. trafilatura does the main
extraction: it scored best on our benchmark (docs/html-extraction.md). On short pages,
such as our own programme pages, trafilatura keeps menus and banners too, so its
paragraphs that are exactly the text of a navigation, page header or footer, form or
cookie banner are dropped afterwards. A small hand-written extractor takes over when
trafilatura finds nothing or when a page is nested too deeply for it.

The parser runs in worker processes on files nobody on the team wrote: whatever goes
wrong inside, a caller only ever sees ParseError.
"""

from __future__ import annotations

import codecs
import datetime as dt
import email.utils
import html
import re
from collections.abc import Iterable, Iterator

import charset_normalizer
import lxml.html
import trafilatura
from lxml import etree

from indexer.parsers.base import ParsedDocument, ParseError

# Deeper trees are not handed to trafilatura: its run time grows steeply with depth
# (nested tables 900 deep take seconds) and parts of it recurse.
MAX_EXTRACTOR_DEPTH = 256
# trafilatura's "fast" mode skips its second opinions (readability, jusText): on the
# benchmark it scored as well (F1 0.966 vs 0.963) in two thirds of the time.
TRAFILATURA_FAST = True

_PARA = "\x00"  # paragraph break; NUL never survives decoding (see _clean_chars)
_LINE = "\x01"  # line break inside a paragraph (<br>)

# --- decoding -------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_DECLARED_CHARSET = re.compile(
    rb"""<meta[^>]{0,500}?charset\s*=\s*["']?\s*([a-z0-9_.:-]{1,40})"""
    rb"""|<\?xml[^>]{0,200}?encoding\s*=\s*["']([a-z0-9_.:-]{1,40})""",
    re.IGNORECASE,
)
# What browsers actually use for these labels (WHATWG Encoding Standard).
_CHARSET_ALIASES = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "ascii": "cp1252",
    "us-ascii": "cp1252",
    "windows-1252": "cp1252",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "shift_jis": "cp932",
    "sjis": "cp932",
    "euc-kr": "cp949",
}
_CONTROL_CHARS = re.compile("[\x00-\x08\x0e-\x1f\x7f\ufffd]")
_XML_INVALID_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>")


def _declared_charset(data: bytes) -> str | None:
    """The charset named in <meta charset>, http-equiv or <?xml encoding>, if Python knows it."""
    match = _DECLARED_CHARSET.search(data[:8192])
    if not match:
        return None
    label = (match.group(1) or match.group(2)).decode("ascii").lower()
    label = _CHARSET_ALIASES.get(label, label)
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    # A declaration readable as ASCII cannot be in UTF-16/32: browsers ignore it too.
    return None if name.startswith(("utf-16", "utf-32")) else name


def _decode_strict(data: bytes, encoding: str | None) -> str | None:
    if encoding is None:
        return None
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _detected_charset(data: bytes, isolation: list[str] | None = None) -> str | None:
    best = charset_normalizer.from_bytes(data, cp_isolation=isolation).best()
    return best.encoding if best is not None else None


def _guessed_charset(data: bytes) -> str | None:
    """windows-1252 whenever the detector finds it plausible, as Western browsers do.

    Left to choose freely, charset-normalizer reads short Dutch text as e.g. mac_latin2.
    """
    return _detected_charset(data, ["cp1252"]) or _detected_charset(data)


def decode_html(data: bytes) -> str:
    """Bytes to text: BOM, then UTF-8, then the declared charset, then detection.

    Valid UTF-8 wins over a declaration because pages re-saved as UTF-8 often keep
    their old <meta charset>, while legacy text is practically never valid UTF-8.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    declared = _declared_charset(data)
    # Many NUL bytes are valid UTF-8, but in text they mean UTF-16/32 without a BOM.
    head = data[:4096]
    first = _detected_charset(data) if head.count(0) > len(head) // 10 else None
    for encoding in (first, "utf-8", declared):
        text = _decode_strict(data, encoding)
        if text is not None:
            return text
    detected = first or _guessed_charset(data)
    return data.decode(detected or declared or "cp1252", errors="replace")


def _clean_chars(text: str) -> str:
    """Drop what lxml refuses (NUL, most C0 controls) and a leading XML declaration."""
    return _XML_DECLARATION.sub("", _XML_INVALID_CHARS.sub("", text), count=1)


def _looks_binary(text: str) -> bool:
    sample = text[:65536]
    return len(_CONTROL_CHARS.findall(sample)) > 0.05 * len(sample)


# --- parsing ----------------------------------------------------------------------


def _parse_tree(text: str) -> tuple[lxml.html.HtmlElement, bool]:
    """The document tree, and whether libxml2 gave up on deep nesting (content lost)."""
    parser = lxml.html.HTMLParser(huge_tree=True, remove_comments=True, remove_pis=True)
    try:
        root = lxml.html.document_fromstring(text, parser=parser)
    except etree.ParserError as exc:  # "Document is empty"
        raise ParseError("empty", "geen HTML-inhoud") from exc
    too_deep = any("RESOURCE_LIMIT" in error.type_name for error in parser.error_log)
    return root, too_deep


# True when some element lies deeper than MAX_EXTRACTOR_DEPTH (evaluated in C, O(n)).
_TOO_DEEP_FOR_EXTRACTOR = etree.XPath(
    "boolean(/" + "/".join(["*"] * (MAX_EXTRACTOR_DEPTH + 1)) + ")"
)


# --- text ---------------------------------------------------------------------------


def _one_line(text: str | None) -> str:
    return " ".join(text.split()) if text else ""


def _join_paragraphs(chunks: Iterable[str]) -> str:
    """Paragraphs separated by blank lines, whitespace normalised inside each line."""
    paragraphs = []
    for chunk in chunks:
        lines = [_one_line(line) for line in chunk.split(_LINE)]
        paragraph = "\n".join(line for line in lines if line)
        if paragraph:
            paragraphs.append(paragraph)
    return "\n\n".join(paragraphs)


def _extractor_text(root: etree._Element) -> str:
    """Main text according to trafilatura ("" when it finds none)."""
    text = trafilatura.extract(
        root,
        fast=TRAFILATURA_FAST,
        output_format="txt",
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        deduplicate=False,
        with_metadata=False,
    )
    return _join_paragraphs(text.splitlines()) if text else ""


# --- boilerplate rules, and a small main-content extractor of our own ---------------

_INVISIBLE_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "math"})
_DROP_TAGS = _INVISIBLE_TAGS | {
    "head",
    "title",
    "iframe",
    "object",
    "embed",
    "canvas",
    "video",
    "audio",
    "map",
    "nav",
    "aside",
    "button",
    "select",
    "textarea",
    "input",
    "label",
    "dialog",
    "menu",
}
_SUSPECT_TAGS = frozenset({"header", "footer", "form"})
_PAGE_FRAME_TAGS = frozenset({"header", "footer"})
_CONTENT_TAGS = frozenset({"article", "main"})
_DROP_ROLES = frozenset(
    [
        "navigation",
        "banner",
        "contentinfo",
        "dialog",
        "alertdialog",
        "search",
        "menu",
        "menubar",
        "complementary",
    ]
)
# Matched against each class name and the id. Loose patterns ("nav" anywhere) also hit
# page wrappers such as "has-section-nav" and cost 0.02 F1 on the benchmark.
_BOILERPLATE_NAME = re.compile(
    r"cookie|consent|gdpr"
    r"|^(?:site-|main-|page-|top-)?(?:nav|navbar|navigation|menu|breadcrumbs?|skip-?links?"
    r"|sidebar|header|footer)$",
    re.IGNORECASE,
)
_LIST_MARK = re.compile(r"^[-*\u2022]\s+")
_BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "section",
        "article",
        "main",
        "header",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "blockquote",
        "pre",
        "table",
        "tr",
        "thead",
        "tbody",
        "tfoot",
        "caption",
        "figure",
        "figcaption",
        "address",
        "hr",
        "details",
        "summary",
        "center",
        "fieldset",
        "legend",
        "body",
    ]
)
_CELL_TAGS = frozenset({"td", "th"})


def _content_container(root: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """<main> (or role=main), else a single <article>, else <body>."""
    for candidate in root.xpath("//main | //*[@role='main']"):
        if _one_line(candidate.text_content()):
            return candidate
    articles = root.xpath("//article")
    if len(articles) == 1 and _one_line(articles[0].text_content()):
        return articles[0]
    return _body(root)


def _in_content(element: etree._Element) -> bool:
    return any(ancestor.tag in _CONTENT_TAGS for ancestor in element.iterancestors())


def _is_boilerplate(element: etree._Element, page_chars: int) -> bool:
    tag = element.tag
    if tag in _DROP_TAGS or element.get("role", "").lower() in _DROP_ROLES:
        return True
    if tag in _PAGE_FRAME_TAGS and _in_content(element):
        return False  # an article's own header or footer
    names = f"{element.get('id', '')} {element.get('class', '')}".split()
    suspect = tag in _SUSPECT_TAGS or any(map(_BOILERPLATE_NAME.search, names))
    # Some pages wrap everything in one <form> or class="cookies-accepted" <div>:
    # never take most of the page for boilerplate.
    return suspect and len(element.text_content()) < page_chars / 2


def _body(root: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    body = root.find("body")
    return body if body is not None else root


def _boilerplate(container: etree._Element) -> Iterator[etree._Element]:
    """Outermost boilerplate elements below container, in document order."""
    page_chars = len(container.text_content())
    walker = etree.iterwalk(container, events=("start",))
    for _, element in walker:
        if element is container or not isinstance(element.tag, str):
            continue
        if _is_boilerplate(element, page_chars):
            walker.skip_subtree()
            yield element


def _block_text(container: etree._Element) -> str:
    """Text of the tree with paragraph breaks at block elements; no recursion."""
    parts: list[str] = []
    for event, element in etree.iterwalk(container, events=("start", "end")):
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "start":
            parts.append(_PARA if tag in _BLOCK_TAGS else _LINE if tag == "br" else "")
            parts.append(" " if tag in _CELL_TAGS else "")
            parts.append(element.text or "")
        else:
            parts.append(_PARA if tag in _BLOCK_TAGS else "")
            if element is not container:
                parts.append(element.tail or "")
    return _join_paragraphs("".join(parts).split(_PARA))


def _drop_boilerplate(root: lxml.html.HtmlElement) -> None:
    """Remove navigation, page header and footer, banners and forms from <body>."""
    for element in list(_boilerplate(_body(root))):
        element.drop_tree()


def _snippet_key(text: str) -> str:
    return _LIST_MARK.sub("", _one_line(text)).casefold()


def _boilerplate_snippets(root: lxml.html.HtmlElement) -> set[str]:
    """Every line and every text piece found inside boilerplate elements."""
    snippets: set[str] = set()
    for element in _boilerplate(_body(root)):
        if element.tag in ("script", "style"):
            continue  # code, never in trafilatura's text
        lines = _block_text(element).replace("\n\n", "\n").split("\n")
        snippets.update(map(_snippet_key, lines))
        snippets.update(map(_snippet_key, element.itertext()))
    snippets.discard("")
    return snippets


def _without_snippets(text: str, snippets: set[str]) -> str:
    """Drop paragraphs of text that are exactly a piece of boilerplate."""
    kept = (p for p in text.split("\n\n") if _snippet_key(p) not in snippets)
    return "\n\n".join(kept)


def _rules_text(root: lxml.html.HtmlElement) -> str:
    """Main text by simple rules: drop boilerplate, keep <main>, <article> or <body>."""
    _drop_boilerplate(root)
    return _block_text(_content_container(root))


# --- last resort for trees deeper than libxml2 accepts: strip tags by pattern ---------

_INVISIBLE_BLOCKS = re.compile(
    # An unclosed block runs to the end (as in browsers); "|\Z" also keeps this linear.
    r"<(script|style|noscript|template|svg|head)\b.*?(?:</\1\s*>|\Z)",
    re.IGNORECASE | re.DOTALL,
)
_BREAK_TAGS = re.compile(
    r"</?(?:p|div|h[1-6]|li|tr|section|article|table|blockquote|pre|ul|ol|dd|dt|hr)\b[^<>]*>",
    re.IGNORECASE,
)
_BR_TAG = re.compile(r"<br\b[^<>]*>", re.IGNORECASE)
_ANY_TAG = re.compile(r"<[^<>]*>")  # [^<>] rather than [^>]: linear on "<<<<..."


def _stripped_text(markup: str) -> str:
    """All visible text of markup without building a tree (structure is lost)."""
    markup = _INVISIBLE_BLOCKS.sub(" ", markup)
    markup = _BR_TAG.sub(_LINE, _BREAK_TAGS.sub(_PARA, markup))
    text = html.unescape(_ANY_TAG.sub("", markup))  # never yields NUL or C0 controls
    return _join_paragraphs(text.split(_PARA))


# --- metadata -------------------------------------------------------------------------

_TITLE_KEYS = ("og:title", "twitter:title", "dc.title", "dcterms.title")
_DESCRIPTION_KEYS = (
    "description",
    "og:description",
    "twitter:description",
    "dc.description",
    "dcterms.description",
    "dcterms.abstract",
)
_AUTHOR_KEYS = ("author", "dc.creator", "dcterms.creator", "article:author", "parsely-author")
_DATE_KEYS = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "date",
    "dc.date",
    "dc.date.issued",
    "dc.date.created",
    "dcterms.created",
    "dcterms.issued",
    "dcterms.date",
    "citation_publication_date",
    "citation_date",
    "publication_date",
    "publish-date",
    "publish_date",
    "publishdate",
    "pubdate",
    "parsely-pub-date",
    "sailthru.date",
)
_SITE_SUFFIX = re.compile(r"^(.+?)\s+[|\-\u2013\u2014\u00b7\u2022]\s+[^|\-\u2013\u2014]+$")
_JSON_LD_DATE = re.compile(r'"datePublished"\s*:\s*"([^"]{4,40})"')
_YEAR_FIRST = re.compile(r"(\d{4})[-/.]?(\d{1,2})[-/.]?(\d{1,2})")
_DAY_FIRST = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")


def _meta_values(root: etree._Element) -> dict[str, str]:
    """First non-empty content of each <meta> by name, property or itemprop (lowercased)."""
    values: dict[str, str] = {}
    for meta in root.iter("meta"):
        key = meta.get("name") or meta.get("property") or meta.get("itemprop")
        content = _one_line(meta.get("content"))
        if key and content:
            values.setdefault(key.strip().lower(), content)
    return values


def _first(values: dict[str, str], keys: Iterable[str]) -> str | None:
    return next((values[key] for key in keys if values.get(key)), None)


def _first_text(root: etree._Element, xpath: str) -> str | None:
    for element in root.xpath(xpath):
        text = _one_line(element.text_content())
        if text:
            return text[:500]
    return None


def _title(root: etree._Element, meta: dict[str, str]) -> str | None:
    """og:title; for "Title | Site" the page's <h1> (or "Title"); else <title> or <h1>."""
    declared = _first(meta, _TITLE_KEYS)
    if declared:
        return declared
    page_title = _first_text(root, "//head/title") or _first_text(root, "//title")
    heading = _first_text(root, "//h1")
    suffixed = _SITE_SUFFIX.match(page_title or "")
    if suffixed:
        return heading or suffixed.group(1)
    return page_title or heading


def _author(meta: dict[str, str]) -> str | None:
    author = _first(meta, _AUTHOR_KEYS)
    return None if author is None or author.startswith(("http://", "https://")) else author


def _date_from(value: str) -> dt.date | None:
    """A date from ISO-like, day-first (19-11-2019) or RFC 2822 text; None if unsure."""
    for pattern, order in ((_YEAR_FIRST, (1, 2, 3)), (_DAY_FIRST, (3, 2, 1))):
        match = pattern.search(value)
        if match:
            year, month, day = (int(match.group(i)) for i in order)
            try:
                date = dt.date(year, month, day)
            except ValueError:
                continue
            if 1900 <= date.year <= 2100:
                return date
    try:
        parsed = email.utils.parsedate(value)
        return dt.date(*parsed[:3]) if parsed else None
    except (TypeError, ValueError, IndexError):
        return None


def _date_candidates(root: etree._Element, meta: dict[str, str]) -> Iterator[str]:
    yield from (meta[key] for key in _DATE_KEYS if key in meta)
    for script in root.xpath("//script[@type='application/ld+json']"):
        yield from _JSON_LD_DATE.findall(script.text or "")
    published = "//time[@datetime][@pubdate or @itemprop='datePublished']"
    for time in root.xpath(published) + root.xpath("//time[@datetime]"):
        yield time.get("datetime")


def _date(root: etree._Element, meta: dict[str, str]) -> dt.date | None:
    return next(filter(None, map(_date_from, _date_candidates(root, meta))), None)


# --- putting it together ----------------------------------------------------------------


def _drop_leading_title(text: str, title: str | None) -> str:
    first, _, rest = text.partition("\n\n")
    if title and rest and first.casefold() == title.casefold():
        return rest
    return text


def _main_text(root: lxml.html.HtmlElement, markup: str, too_deep: bool) -> tuple[str, str]:
    """The page's main text, and a warning when the normal route could not be taken."""
    if too_deep:
        return _stripped_text(markup), "nesting deeper than the parser allows: tags ignored"
    if _TOO_DEEP_FOR_EXTRACTOR(root):
        return _rules_text(root), "nesting too deep for main-content extraction"
    # On short pages trafilatura keeps menus and banners along with the text.
    text = _without_snippets(_extractor_text(root), _boilerplate_snippets(root))
    return text or _rules_text(root), ""


def _parse(data: bytes) -> ParsedDocument:
    if not bytes(data).strip():
        raise ParseError("empty")
    markup = decode_html(bytes(data))
    if _looks_binary(markup):
        raise ParseError("damaged", "binaire gegevens, geen HTML")
    markup = _clean_chars(markup)
    if not markup.strip():
        raise ParseError("empty")
    root, too_deep = _parse_tree(markup)
    meta = _meta_values(root)
    title = _title(root, meta)
    description, author, date = _first(meta, _DESCRIPTION_KEYS), _author(meta), _date(root, meta)
    text, warning = _main_text(root, markup, too_deep)
    if not text:
        raise ParseError("empty", "geen tekst op de pagina")
    return ParsedDocument(
        text=_drop_leading_title(text, title),
        title=title,
        description=description,
        author=author,
        date=date,
        warnings=(warning,) if warning else (),
    )


def parse_html(data: bytes) -> ParsedDocument:
    """Main text, title, description, author and date of an HTML page.

    Raises ParseError only: "empty" for a page without text, "damaged" for binary
    junk or anything that breaks inside, "too_large" when memory runs out.
    """
    try:
        return _parse(data)
    except ParseError:
        raise
    except MemoryError as exc:
        raise ParseError("too_large", "te weinig geheugen") from exc
    except Exception as exc:
        raise ParseError("damaged", f"{type(exc).__name__}: {str(exc)[:200]}") from exc
