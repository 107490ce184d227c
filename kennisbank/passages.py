"""Passages: a document cut into paragraph-sized pieces that never cross a PDF page,
and the best of them for a query.

Why: a professional wants the passage that answers the question, and the page it is
on, not one snippet cut from a 120-page report. The cut is made once, at index time
(the indexer stores each passage's start in the record), so it is incremental like
everything else; choosing the best passages for a hit then costs only the hit's match
spans. Pure functions over text and offsets: the indexer, the search service and the
web pages share them.

A passage runs from one start to the next (the last to the end of the text), so the
passages cover the text without gaps. Paragraphs (blank-line separated) shorter than
MIN_PASSAGE_CHARS are joined with the next ones; a short line without closing
punctuation (a heading) starts a passage, so it stays with the text it heads (in a run
of such lines, as table rows or code give, only the first does);
a paragraph longer than MAX_PASSAGE_CHARS is cut at a sentence end (or a space) near
that length, so one 10 MB paragraph gives bounded passages too.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from kennisbank.snippets import render_snippet

MIN_PASSAGE_CHARS = 300
MAX_PASSAGE_CHARS = 1_500
HEADING_MAX_CHARS = 80
PASSAGE_SNIPPET_CHARS = 320
BEST_PASSAGES = 3
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\f\v\r]*\n\s*")
_SENTENCE_END = re.compile(r"[.!?…:;]['\")\]]?\s")

Span = tuple[int, int, str]


@dataclass(frozen=True)
class Passage:
    """A passage of a hit: its number in the document (1-based), offsets into the
    text, the PDF page it is on (None for a text without pages), its score for the
    query, and a snippet of it (HTML: escaped, matches in <mark>)."""

    number: int
    start: int
    end: int
    page: int | None
    score: float
    snippet: str


def passage_starts(text: str, page_starts: tuple[int, ...] | list[int] = ()) -> tuple[int, ...]:
    """Where each passage begins; a page start is always a passage start."""
    bounds = list(page_starts) if page_starts else [0]
    if not bounds or bounds[0] != 0:
        bounds = [0, *bounds]
    starts: list[int] = []
    for index, begin in enumerate(bounds):
        end = bounds[index + 1] if index + 1 < len(bounds) else len(text)
        starts.extend(_cut_page(text, begin, end))
    return tuple(dict.fromkeys(starts)) or (0,)


def _cut_page(text: str, begin: int, end: int) -> Iterator[int]:
    current, size, after_heading = begin, 0, False
    yield begin
    for start, stop in _paragraphs(text, begin, end):
        length = stop - start
        heading = length <= HEADING_MAX_CHARS and _is_heading(text[start:stop])
        # Only the first of a run of short lines heads what follows: table rows, code
        # and verse set one line per paragraph would otherwise make a passage each.
        if start > current and ((heading and not after_heading) or size >= MIN_PASSAGE_CHARS
                                or size + length > MAX_PASSAGE_CHARS):
            current, size = start, 0
            yield start
        after_heading = heading
        while length > MAX_PASSAGE_CHARS:
            cut = _cut_point(text, start, start + MAX_PASSAGE_CHARS)
            yield cut
            current, length, start = cut, stop - cut, cut
        size += length


def _paragraphs(text: str, begin: int, end: int) -> Iterator[tuple[int, int]]:
    cursor = begin
    for found in _PARAGRAPH_BREAK.finditer(text, begin, end):
        if found.start() > cursor:
            yield cursor, found.start()
        cursor = found.end()
    if end > cursor:
        yield cursor, end


def _is_heading(paragraph: str) -> bool:
    line = paragraph.strip()
    return 0 < len(line) <= HEADING_MAX_CHARS and "\n" not in line and (
        line[-1] not in ".!?;:,")


def _cut_point(text: str, low: int, high: int) -> int:
    """A place to cut between `low` and `high`: after the last sentence end in the
    second half of the window, else after the last space, else at `high`."""
    window_start = low + (high - low) // 2
    last = None
    for found in _SENTENCE_END.finditer(text, window_start, high):
        last = found.end()
    if last is not None and last > low:
        return last
    space = text.rfind(" ", window_start, high)
    return space + 1 if space > low else high


def passage_bounds(starts: tuple[int, ...], text_length: int) -> list[tuple[int, int]]:
    return [(start, starts[i + 1] if i + 1 < len(starts) else text_length)
            for i, start in enumerate(starts)]


def best_passages(text: str, starts: tuple[int, ...], page_starts: tuple[int, ...],
                  spans: Iterable[Span], limit: int = BEST_PASSAGES) -> list[Passage]:
    """The passages holding most of the query's distinct words, then most matches,
    best first (at most `limit`)."""
    if not text or not starts:
        return []
    by_passage: dict[int, list[Span]] = {}
    for span in spans:
        index = bisect.bisect_right(starts, span[0]) - 1
        by_passage.setdefault(max(index, 0), []).append(span)
    scored = sorted(((_score(found), index) for index, found in by_passage.items()),
                    key=lambda entry: (-entry[0], entry[1]))
    passages = []
    for score, index in scored[:limit]:
        begin = starts[index]
        end = starts[index + 1] if index + 1 < len(starts) else len(text)
        local = [(s - begin, e - begin, term) for s, e, term in by_passage[index]
                 if e <= end]
        page = bisect.bisect_right(page_starts, begin) if page_starts else None
        snippet = render_snippet(text[begin:end], local, PASSAGE_SNIPPET_CHARS)
        passages.append(Passage(index + 1, begin, end, page, score, snippet))
    return passages


def _score(spans: list[Span]) -> float:
    """Distinct words count most (a passage with every query word beats one repeating
    one word), then the number of matches, with diminishing returns."""
    distinct = len({term for _start, _end, term in spans})
    return distinct + math.log1p(len(spans)) / 10
