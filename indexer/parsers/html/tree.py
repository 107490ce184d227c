"""The lxml document tree of a page, and how deep is too deep for what comes after.

Why this exists: pages nobody on the team wrote can nest elements 100 000 levels deep.
libxml2 gives up at 2048 levels (`huge_tree`) and silently drops the rest of the page,
and trafilatura slows down steeply on deep trees and partly recurses. Both limits are
detected here, in C and in linear time, so that content.py can take another route.
"""

from __future__ import annotations

import lxml.html
from lxml import etree

from kennisbank.indexer.parsers.base import ParseError

# Deeper trees are not handed to trafilatura: its run time grows steeply with depth
# (nested tables 900 deep take seconds) and parts of it recurse.
MAX_EXTRACTOR_DEPTH = 256

# True when some element lies deeper than MAX_EXTRACTOR_DEPTH (evaluated in C, O(n)).
_DEEPER_THAN_EXTRACTOR_LIMIT = etree.XPath(
    "boolean(/" + "/".join(["*"] * (MAX_EXTRACTOR_DEPTH + 1)) + ")"
)


# Every element an HtmlElement (trafilatura requires one), the class chosen in C.
# lxml.html's own lookup also gives form fields classes of their own, which nothing
# here uses, but runs Python code each time an element is touched: 4 % of our time.
_HTML_CLASSES = etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement,
    comment=lxml.html.HtmlComment,
    pi=lxml.html.HtmlProcessingInstruction,
    entity=lxml.html.HtmlEntity,
)


def parse_tree(markup: str) -> tuple[lxml.html.HtmlElement, bool]:
    """The document tree, and whether libxml2 gave up on deep nesting (content lost)."""
    parser = lxml.html.HTMLParser(huge_tree=True, remove_comments=True, remove_pis=True)
    parser.set_element_class_lookup(_HTML_CLASSES)
    try:
        root = lxml.html.document_fromstring(markup, parser=parser)
    except etree.ParserError as exc:  # "Document is empty"
        raise ParseError("empty", "geen HTML-inhoud") from exc
    too_deep = any("RESOURCE_LIMIT" in error.type_name for error in parser.error_log)
    return root, too_deep


def too_deep_for_extractor(root: etree._Element) -> bool:
    """Whether some element lies deeper than MAX_EXTRACTOR_DEPTH."""
    return bool(_DEEPER_THAN_EXTRACTOR_LIMIT(root))
