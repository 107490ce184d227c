"""Last resort for pages nested deeper than libxml2 accepts: strip tags by pattern.

Why this exists: beyond 2048 levels libxml2 drops the rest of the page, so the tree
cannot be trusted. The text is still wanted in the index. Every pattern here runs in
linear time, even on "<<<<..." or an unclosed <script> of megabytes; the structure of
the page (and so main-content extraction) is lost.
"""

from __future__ import annotations

import html
import re

from kennisbank.indexer.parsers.html.paragraphs import LINE, PARA, join_paragraphs

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


def stripped_text(markup: str) -> str:
    """All visible text of markup without building a tree (structure is lost)."""
    markup = _INVISIBLE_BLOCKS.sub(" ", markup)
    markup = _BR_TAG.sub(LINE, _BREAK_TAGS.sub(PARA, markup))
    text = html.unescape(_ANY_TAG.sub("", markup))  # never yields NUL or C0 controls
    return join_paragraphs(text.split(PARA))
