"""The text preview on a document page: escaped, with the query's matches in <mark>.

A PDF is shown per page, PREVIEW_PAGES pages at a time, starting at the first page that
matches (a hit on page 180 opens there, not on page 1). Other texts are shown whole up to
a limit. Matches come as character spans from the index, so nothing is re-analysed.
"""

from __future__ import annotations

import bisect
import html
from dataclasses import dataclass

PREVIEW_PAGES = 10
PREVIEW_CHARS = 200_000


@dataclass(frozen=True)
class PreviewPart:
    page: int | None  # page number for a PDF, None for a text without pages
    html: str


@dataclass(frozen=True)
class Preview:
    parts: list[PreviewPart]
    page_count: int  # 0 for a text without pages
    first: int
    last: int
    truncated: bool  # a text without pages was cut at PREVIEW_CHARS
    match_pages: list[int]

    @property
    def previous_start(self) -> int | None:
        return max(1, self.first - PREVIEW_PAGES) if self.first > 1 else None

    @property
    def next_start(self) -> int | None:
        return self.last + 1 if self.last < self.page_count else None


def highlight(text: str, spans: list[tuple[int, int]], begin: int, end: int) -> str:
    """HTML of text[begin:end], escaped, with the spans inside it marked."""
    pieces, cursor = [], begin
    for start, stop in spans:
        if start < cursor or stop > end:
            continue
        pieces.append(html.escape(text[cursor:start]))
        pieces.append(f"<mark>{html.escape(text[start:stop])}</mark>")
        cursor = stop
    pieces.append(html.escape(text[cursor:end]))
    return "".join(pieces)


def page_of(offset: int, page_starts: list[int] | tuple[int, ...]) -> int:
    return max(1, bisect.bisect_right(page_starts, offset))


def _with_passage_anchors(record: dict, spans: list[tuple[int, int]], end: int) -> str:
    """The text up to `end`, each passage in a span with id `passage-N`, so a result's
    passage link lands on it (a PDF's passage links go to its page instead)."""
    text = record["text"]
    starts = [s for s in record.get("passage_starts") or (0,) if s < end] or [0]
    span_starts = [start for start, _stop in spans]
    pieces = []
    for number, begin in enumerate(starts, start=1):
        stop = starts[number] if number < len(starts) else end
        inside = spans[bisect.bisect_left(span_starts, begin):
                       bisect.bisect_left(span_starts, stop)]
        pieces.append(f'<span class="passage" id="passage-{number}">'
                      f"{highlight(text, inside, begin, stop)}</span>")
    return "".join(pieces)


def build_preview(record: dict, spans: list[tuple[int, int]], start: int | None) -> Preview:
    """The part of the document to show; `start` is the first page asked for, if any."""
    text, starts = record["text"], list(record["page_starts"])
    if not starts:
        end = len(text)
        if end > PREVIEW_CHARS:
            cut = text.rfind(" ", PREVIEW_CHARS - 200, PREVIEW_CHARS)
            end = cut if cut > 0 else PREVIEW_CHARS
        part = PreviewPart(None, _with_passage_anchors(record, spans, end))
        return Preview([part], 0, 1, 1, end < len(text), [])
    match_pages = sorted({page_of(s, starts) for s, _e in spans})
    count = len(starts)
    wanted = start or (match_pages[0] if match_pages else 1)
    first = min(max(wanted, 1), count)
    last = min(first + PREVIEW_PAGES - 1, count)
    parts = []
    for page in range(first, last + 1):
        begin = starts[page - 1]
        end = starts[page] if page < count else len(text)
        parts.append(PreviewPart(page, highlight(text, spans, begin, end).rstrip()))
    return Preview(parts, count, first, last, False, match_pages)

