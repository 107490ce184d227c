"""Read a saved web page (bytes, any encoding) into its main text and its metadata.

Why this exists: it is the HTML parser behind `indexer.extract` (contract in
indexer/parsers/base.py). This module only runs the steps in order and guards the
boundary; each step has its own module:

- decoding.py: bytes to str (BOM, UTF-8, declared charset, detection);
- tree.py: the lxml tree, and whether it is too deep to trust;
- content.py: the main text (trafilatura, boilerplate.py's rules, stripped.py's tag
  stripper for over-deep pages), laid out by paragraphs.py;
- metadata.py: title, description, author and date, read with BeautifulSoup.

The parser runs in worker processes on files nobody on the team wrote: whatever goes
wrong inside, a caller only ever sees ParseError.
"""

from __future__ import annotations

from kennisbank.indexer.parsers.base import ParsedDocument, ParseError
from kennisbank.indexer.parsers.html.content import main_text
from kennisbank.indexer.parsers.html.decoding import clean_chars, decode_html, looks_binary
from kennisbank.indexer.parsers.html.metadata import read_metadata
from kennisbank.indexer.parsers.html.tree import parse_tree

__all__ = ["parse_html"]


# A longer paragraph is body text even when the page's title repeats it (og:title is
# often the post's first sentence): dropping it would lose it from the snippets.
MAX_TITLE_CHARS = 150


def _words(text: str) -> list[str]:
    return text.casefold().split()


def _drop_leading_title(text: str, title: str | None) -> str:
    """Without the first paragraph when it only repeats the title (the page's <h1>).

    Only a paragraph that is exactly the title, whitespace and case aside, and short
    like a title: a lead paragraph that starts with the title's words, or a body
    paragraph that og:title copies, is text the reader needs.
    """
    first, _, rest = text.partition("\n\n")
    if title and rest and len(first) <= MAX_TITLE_CHARS and _words(first) == _words(title):
        return rest
    return text


def _parse(data: bytes) -> ParsedDocument:
    if not bytes(data).strip():
        raise ParseError("empty")
    markup = decode_html(bytes(data))
    if looks_binary(markup):
        raise ParseError("damaged", "binaire gegevens, geen HTML")
    markup = clean_chars(markup)
    if not markup.strip():
        raise ParseError("empty")
    root, too_deep = parse_tree(markup)
    meta = read_metadata(markup)
    text, warning = main_text(root, markup, too_deep)
    if not text:
        raise ParseError("empty", "geen tekst op de pagina")
    return ParsedDocument(
        text=_drop_leading_title(text, meta.title),
        title=meta.title,
        description=meta.description,
        author=meta.author,
        date=meta.date,
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
