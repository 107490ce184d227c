"""Snippets: the best passage of a text around match offsets, HTML-escaped, with <mark>.

Works from character spans (from the index postings), so the cost depends on the
number of matches, not on the length of the document.
"""

from __future__ import annotations

import bisect
import html
import re

SNIPPET_WIDTH = 260
MAX_PAGES = 10
CONTEXT_BEFORE = 60
_SPACE_RE = re.compile(r"\s+")


def best_window(spans: list[tuple[int, int, str]], width: int = SNIPPET_WIDTH) -> int:
    """Start offset of the window of `width` chars that holds the most spans."""
    best_start, best_count, right = spans[0][0], 0, 0
    for left, (start, _end, *_term) in enumerate(spans):
        right = max(right, left)
        while right < len(spans) and spans[right][1] <= start + width:
            right += 1
        if right - left > best_count:
            best_start, best_count = start, right - left
    return best_start


def _cut(text: str, start: int, width: int) -> tuple[int, int]:
    begin = max(0, start - CONTEXT_BEFORE)
    if begin > 0:
        space = text.rfind(" ", max(0, begin - 20), begin + 20)
        begin = space + 1 if space >= 0 else begin
    end = min(len(text), begin + width)
    if end < len(text):
        space = text.rfind(" ", end - 30, end)
        end = space if space > begin else end
    return begin, end


def render_snippet(text: str, spans: list[tuple[int, int, str]],
                   width: int = SNIPPET_WIDTH) -> str:
    """HTML for the best passage: everything escaped, matches in <mark>."""
    if not text:
        return ""
    begin, end = _cut(text, best_window(spans, width), width) if spans else _cut(text, 0, width)
    pieces: list[str] = ["…" if begin > 0 else ""]
    cursor = begin
    for start, stop, *_term in spans:
        if start < cursor or stop > end:
            continue
        pieces.append(_escape(text[cursor:start]))
        pieces.append(f"<mark>{_escape(text[start:stop])}</mark>")
        cursor = stop
    pieces.append(_escape(text[cursor:end]))
    pieces.append("…" if end < len(text) else "")
    return "".join(pieces).strip()


def _escape(fragment: str) -> str:
    return html.escape(_SPACE_RE.sub(" ", fragment), quote=True)


def pages_for(spans: list[tuple[int, int, str]], page_starts: tuple[int, ...] | list[int],
              limit: int = MAX_PAGES) -> list[int]:
    """The 1-based pages where the query matches best, in page order: pages with more
    of the query's distinct terms first, then more matches; at most `limit`, so a word
    on every page of a long report does not list them all."""
    if not page_starts:
        return []
    terms: dict[int, set[str]] = {}
    counts: dict[int, int] = {}
    for start, _end, term in spans:
        page = bisect.bisect_right(page_starts, start)
        terms.setdefault(page, set()).add(term)
        counts[page] = counts.get(page, 0) + 1
    ranked = sorted(terms, key=lambda page: (-len(terms[page]), -counts[page], page))
    return sorted(page for page in ranked[:limit] if page >= 1)


def strip_marks(snippet_html: str) -> str:
    """Plain text of a snippet (for terminals and CSV)."""
    return html.unescape(re.sub(r"</?mark>", "", snippet_html))
