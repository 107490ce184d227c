"""The document record: what the indexer hands to the index, and what a reader gets back.

Plain data, engine-independent, picklable (records cross process boundaries).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from kennisbank.fields import FACETS


def document_id(path: str) -> str:
    """Stable id from the corpus-relative path: the same file keeps its URL across runs."""
    return hashlib.sha1(path.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class DocumentRecord:
    """One file as indexed. `text` is exactly what was analysed, so match offsets
    point into it; for PDFs `page_starts[i]` is where page i+1 begins in `text`."""

    id: str
    path: str
    title: str
    text: str
    format: str
    size: int
    sha256: str
    mtime_ns: int = 0
    stat_key: str = ""
    sidecar_sha256: str = ""
    page_starts: tuple[int, ...] = ()
    # Where each passage begins (kennisbank/passages.py), cut at index time.
    passage_starts: tuple[int, ...] = ()
    description: str = ""
    author: str = ""
    date: str = ""  # ISO date, may be only a year ("2021")
    year: int | None = None
    doctype: str = ""
    themes: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()
    audiences: tuple[str, ...] = ()
    source_url: str = ""
    warnings: tuple[str, ...] = field(default=())
    # When this corpus path first entered the index (UTC, "2026-12-04T07:32:38Z"): set
    # by the index writer, carried over from the previous generation on every later
    # run, so a changed or re-read file keeps it (the "Nieuw sinds" feeds sort on it).
    added: str = ""
    # The document's distinct words (folded, unstemmed), made by the extraction worker
    # so the single index writer need not analyse the text twice. Not stored.
    vocabulary: str = ""
    # Each passage's heaviest terms (kennisbank/evidence/terms.py), made by the
    # extraction worker for the evidence links. Not stored in the index (the links'
    # own file keeps them); None: not computed (a record read back from the index).
    passage_terms: tuple[tuple[tuple[str, int], ...], ...] | None = None

    @property
    def page_count(self) -> int:
        return len(self.page_starts)

    def facet_values(self) -> dict[str, tuple[str, ...]]:
        """The record's values per facet field, as strings (years too)."""
        values = {}
        for facet in FACETS:
            value = getattr(self, facet.attribute)
            items = value if facet.is_list else ((value,) if value else ())
            values[facet.facet] = tuple(str(item) for item in items)
        return values
