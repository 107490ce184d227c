"""Text laid out as the index wants it: paragraphs split by a blank line, one space inside.

Why this exists: the hand-written extractor, the boilerplate rules and the tag
stripper for over-deep pages all turn markup into text, and must do it the same way,
or a boilerplate line would not be recognised in trafilatura's output. While text is
being collected, two private marker characters stand for breaks; they cannot occur in
the page itself because decoding.clean_chars removes them.
"""

from __future__ import annotations

from collections.abc import Iterable

from lxml import etree

PARA = "\x00"  # paragraph break
LINE = "\x01"  # line break inside a paragraph (<br>)

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


def one_line(text: str | None) -> str:
    """text with every run of whitespace made one space, trimmed ("" for None)."""
    return " ".join(text.split()) if text else ""


def join_paragraphs(chunks: Iterable[str]) -> str:
    """Paragraphs separated by blank lines, whitespace normalised inside each line."""
    paragraphs = []
    for chunk in chunks:
        lines = [one_line(line) for line in chunk.split(LINE)]
        paragraph = "\n".join(line for line in lines if line)
        if paragraph:
            paragraphs.append(paragraph)
    return "\n\n".join(paragraphs)


def block_text(container: etree._Element) -> str:
    """Text of the tree with paragraph breaks at block elements; no recursion."""
    parts: list[str] = []
    for event, element in etree.iterwalk(container, events=("start", "end")):
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "start":
            parts.append(PARA if tag in _BLOCK_TAGS else LINE if tag == "br" else "")
            parts.append(" " if tag in _CELL_TAGS else "")
            parts.append(element.text or "")
        else:
            parts.append(PARA if tag in _BLOCK_TAGS else "")
            if element is not container:
                parts.append(element.tail or "")
    return join_paragraphs("".join(parts).split(PARA))
