"""Snippets: the best passage of a text around match offsets, HTML-escaped, with <mark>.

Works from character spans (from the index postings), so the cost depends on the
number of matches, not on the length of the document.
"""

from __future__ import annotations

import bisect
import html
import re

SNIPPET_WIDTH = 260
CONTEXT_BEFORE = 60
_SPACE_RE = re.compile(r"\s+")


def best_window(spans: list[tuple[int, int]], width: int = SNIPPET_WIDTH) -> int:
    """Start offset of the window of `width` chars that holds the most spans."""
    best_start, best_count, right = spans[0][0], 0, 0
    for left, (start, _end) in enumerate(spans):
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


def render_snippet(text: str, spans: list[tuple[int, int]], width: int = SNIPPET_WIDTH) -> str:
    """HTML for the best passage: everything escaped, matches in <mark>."""
    if not text:
        return ""
    begin, end = _cut(text, best_window(spans, width), width) if spans else _cut(text, 0, width)
    pieces: list[str] = ["…" if begin > 0 else ""]
    cursor = begin
    for start, stop in spans:
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


def pages_for(spans: list[tuple[int, int]], page_starts: tuple[int, ...] | list[int]) -> list[int]:
    """1-based page numbers on which the spans stand, in page order, without repeats."""
    if not page_starts:
        return []
    pages = {bisect.bisect_right(page_starts, start) for start, _end in spans}
    return sorted(p for p in pages if p >= 1)


def strip_marks(snippet_html: str) -> str:
    """Plain text of a snippet (for terminals and CSV)."""
    return html.unescape(re.sub(r"</?mark>", "", snippet_html))
