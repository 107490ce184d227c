"""A BeautifulSoup of only the few tags that carry a page's metadata, built in linear time.

Why this exists: `BeautifulSoup(markup, "lxml", parse_only=SoupStrainer(...))` builds
only the tags asked for, but bs4 converts every tag of the page before its strainer
says no: that made parse_html half again as slow on our benchmark, and a page of
100 000 nested <div>s took a second. `_NeededTagsBuilder` (bs4's own lxml builder)
drops lxml's parse events outside the needed tags before bs4 sees them, which changes
nothing the strainer lets through, and stops building below MAX_KEPT_DEPTH inside a
kept tag, so that an <h1> wrapping 100 000 levels costs neither seconds nor memory.
"""

from __future__ import annotations

import warnings
from typing import Any

from bs4 import BeautifulSoup, ParserRejectedMarkup, SoupStrainer
from bs4.builder import LXMLTreeBuilder

NEEDED_TAGS = ("title", "h1", "meta", "time", "script")
JSON_LD = "application/ld+json"  # the only <script> type needed; most pages have dozens
# Text of a title or heading deeper than this inside it is not needed.
MAX_KEPT_DEPTH = 256

_NEEDED = frozenset(NEEDED_TAGS) - {"script"}
_STRAINER = SoupStrainer(["head", *NEEDED_TAGS])


class _NeededTagsBuilder(LXMLTreeBuilder):
    """bs4's lxml builder, passing on only the NEEDED_TAGS and what is inside them.

    Of the <script>s only JSON-LD is passed on.

    A <title> whose parent is <head> is passed on inside a <head> of its own, so that
    the page's title can be told from an SVG icon's: libxml2 may put both in <head>.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._open: list[str | bytes] = []  # the page's open elements, outermost first
        self._kept = 0  # how many of them, from the outermost needed tag inwards

    def _head_title(self, tag: str | bytes) -> bool:
        return self._kept == 1 and tag == "title" and self._open[-1:] == ["head"]

    def start(self, tag: str | bytes, attrib: Any, nsmap: Any = None) -> None:
        if self._kept or tag in _NEEDED or (tag == "script" and attrib.get("type") == JSON_LD):
            self._kept += 1
            if self._head_title(tag):
                super().start("head", {}, {})
            if self._kept <= MAX_KEPT_DEPTH:
                super().start(tag, attrib, nsmap or {})
        self._open.append(tag)

    def end(self, tag: str | bytes) -> None:
        if self._open:
            self._open.pop()
        if self._kept:
            if self._kept <= MAX_KEPT_DEPTH:
                super().end(tag)
            if self._head_title(tag):
                super().end("head")
            self._kept -= 1

    def data(self, data: str | bytes) -> None:
        if 0 < self._kept <= MAX_KEPT_DEPTH:
            super().data(data)

    def comment(self, text: str | bytes) -> None:
        if 0 < self._kept <= MAX_KEPT_DEPTH:
            super().comment(text)


def needed_tags(markup: str) -> BeautifulSoup | None:
    """The NEEDED_TAGS of markup (JSON-LD scripts only), or None if lxml refuses it."""
    # bs4 warns about markup that looks like a URL, a file name or XML; for us it is
    # a page like any other (and pytest turns warnings into errors).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return BeautifulSoup(
                markup,
                builder=_NeededTagsBuilder(
                    huge_tree=True,  # as in tree.py: no cut-off for long text nodes
                    multi_valued_attributes=None,  # every attribute value a plain str
                ),
                parse_only=_STRAINER,
            )
        except ParserRejectedMarkup:
            return None
