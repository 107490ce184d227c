"""What counts as page furniture: navigation, page header and footer, banners, forms.

Why this exists: trafilatura keeps menus and cookie banners on short pages (such as our
own programme pages), and the hand-written fallback needs the same judgement. One set
of rules, used two ways: `drop_boilerplate` removes the elements from a tree,
`without_boilerplate_text` removes their text from trafilatura's output.
Pruning the tree *before* trafilatura scored worse (docs/html-extraction.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import lxml.html
from lxml import etree

from kennisbank.indexer.parsers.html.paragraphs import block_text, one_line

_INVISIBLE_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "math"})
# Never the article, whatever their size: invisible, embedded, form controls.
_DROP_TAGS = _INVISIBLE_TAGS | frozenset(
    [
        "head",
        "title",
        "iframe",
        "object",
        "embed",
        "canvas",
        "video",
        "audio",
        "map",
        "button",
        "select",
        "textarea",
        "input",
        "label",
    ]
)
# Furniture by their nature, but an unclosed <nav> or a theme's <aside> can wrap the
# rest of the page: like the suspects below they must leave half of the text.
_FURNITURE_TAGS = frozenset({"nav", "aside", "dialog", "menu"})
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
# A boilerplate line this long (without spaces) that also occurs outside the
# boilerplate is kept; shorter ones ("Home", "Lees meer") occur inside other words.
MIN_SHARED_CHARS = 40
_LIST_MARK = re.compile(r"^[-*\u2022]\s+")
# A page's scripts (JSON state of a few hundred kB is common) must not count when
# deciding what "half of the page" is. libxml2 keeps a script's or style's text as one
# text node directly below it.
_CODE_TEXT = etree.XPath(".//script/text() | .//style/text()", smart_strings=False)
# Text nodes a reader sees.
_VISIBLE_TEXT = etree.XPath(
    ".//text()[not(ancestor::script or ancestor::style or ancestor::template"
    " or ancestor::noscript)]",
    smart_strings=False,
)


def body(root: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """<body>, or the root when libxml2 made none."""
    found = root.find("body")
    return found if found is not None else root


def visible_text(element: etree._Element) -> str:
    """The text of element outside scripts, styles, templates and noscripts, run together."""
    return "".join(_VISIBLE_TEXT(element))


def visible_chars(element: etree._Element) -> int:
    """Characters of text in element outside scripts and styles.

    Cheaper than visible_text, which looks up every text node's ancestors: this runs
    once for every suspect element, and suspects can nest thousands deep.
    """
    code = sum(map(len, _CODE_TEXT(element)))
    return len(element.text_content()) - code


def _in_content(element: etree._Element) -> bool:
    return any(ancestor.tag in _CONTENT_TAGS for ancestor in element.iterancestors())


def _is_boilerplate(element: lxml.html.HtmlElement, page_chars: int) -> bool:
    tag = element.tag
    if tag in _DROP_TAGS:
        return True
    if tag in _PAGE_FRAME_TAGS and _in_content(element):
        return False  # an article's own header or footer
    names = f"{element.get('id', '')} {element.get('class', '')}".split()
    suspect = (
        tag in _FURNITURE_TAGS
        or tag in _SUSPECT_TAGS
        or element.get("role", "").lower() in _DROP_ROLES
        or any(map(_BOILERPLATE_NAME.search, names))
    )
    # Some pages wrap everything in one <form>, <header role="banner"> or
    # class="cookies-accepted" <div>: never take most of the page for boilerplate.
    return suspect and visible_chars(element) < page_chars / 2


def _boilerplate(container: lxml.html.HtmlElement) -> Iterator[lxml.html.HtmlElement]:
    """Outermost boilerplate elements below container, in document order."""
    page_chars = visible_chars(container)
    walker = etree.iterwalk(container, events=("start",))
    for _, element in walker:
        if element is container or not isinstance(element.tag, str):
            continue
        if _is_boilerplate(element, page_chars):
            walker.skip_subtree()
            yield element


def drop_boilerplate(root: lxml.html.HtmlElement) -> None:
    """Remove navigation, page header and footer, banners and forms from <body>."""
    for element in list(_boilerplate(body(root))):
        element.drop_tree()


def _snippet_key(text: str) -> str:
    return _LIST_MARK.sub("", one_line(text)).casefold()


def _snippets(elements: list[lxml.html.HtmlElement]) -> set[str]:
    """Every line and every text piece found inside the elements."""
    snippets: set[str] = set()
    for element in elements:
        lines = block_text(element).replace("\n\n", "\n").split("\n")
        snippets.update(map(_snippet_key, lines))
        snippets.update(map(_snippet_key, element.itertext()))
    snippets.discard("")
    return snippets


def _squashed(text: str) -> str:
    return "".join(text.split())


def without_boilerplate_text(text: str, root: lxml.html.HtmlElement) -> str:
    """Drop paragraphs of text that are exactly a line or text piece of boilerplate.

    Collecting those pieces walks every boilerplate element in Python: 3 ms of a
    typical page's 20. A paragraph can only be such a piece if, with all whitespace
    left out, it occurs in the text of a boilerplate element (whitespace left out too).
    On most pages no paragraph does, and the walk is skipped; the result is the same.
    """
    elements = [
        element
        for element in _boilerplate(body(root))
        if element.tag not in ("script", "style")  # code, never in trafilatura's text
    ]
    paragraphs = text.split("\n\n")
    keys = [_snippet_key(paragraph) for paragraph in paragraphs]
    haystack = "\x00".join(_squashed(element.text_content().casefold()) for element in elements)
    if not any(key and _squashed(key) in haystack for key in keys):
        return text
    snippets = _snippets(elements)
    page = _squashed(visible_text(body(root)).casefold())

    def furniture(key: str) -> bool:
        if key not in snippets:
            return False
        # A sentence that the page also shows outside its furniture (a post's lead
        # repeated in a teaser or a page header) is the post's own text.
        needle = _squashed(key)
        return len(needle) < MIN_SHARED_CHARS or page.count(needle) <= haystack.count(needle)

    return "\n\n".join(p for p, key in zip(paragraphs, keys, strict=True) if not furniture(key))
