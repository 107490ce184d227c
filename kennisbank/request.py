"""What a user asks: one search as plain data, shared by the CLI, the web pages (where
it is the state a URL carries) and the JSON API."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 100
MAX_PAGE = 10_000
# How a view may be asked for (web parameter `weergave`, CLI `--passages`).
VIEW_NAMES = {"documenten": "documents", "documents": "documents",
              "passages": "passages", "passage": "passages"}
# How a sort order may be asked for (web parameter, CLI flag), Dutch or English.
SORT_NAMES = {"relevantie": "relevance", "relevance": "relevance",
              "datum": "date", "date": "date",
              "toegevoegd": "added", "added": "added"}


@dataclass(frozen=True)
class SearchRequest:
    query: str = ""
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    year_from: int | None = None
    year_to: int | None = None
    sort: str = "relevance"  # "relevance" | "date" | "added" (newest in the index first)
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    # As typed: no spelling correction of a query that finds nothing.
    literal: bool = False
    # Synonyms and abbreviations widen the query (`IKC` also finds "integraal
    # kindcentrum"); False searches the words alone.
    synonyms: bool = True
    # "documents": a list of documents, each with its best passages; "passages": the
    # best passages across the best documents, for who wants the answer itself.
    view: str = "documents"

    @property
    def has_filters(self) -> bool:
        return any(self.filters.values()) or self.year_from is not None or (
            self.year_to is not None)

    def change(self, **changes: object) -> SearchRequest:
        """A new request; anything but a page change starts again at page 1."""
        changes.setdefault("page", 1)
        return replace(self, **changes)

    def toggled(self, name: str, value: str) -> SearchRequest:
        """The same search with one facet value added, or removed if it was selected."""
        current = self.filters.get(name, ())
        values = tuple(v for v in current if v != value) if value in current else (
            *current, value)
        return self.change(filters={**self.filters, name: values})

    def without_filters(self) -> SearchRequest:
        return self.change(filters={}, year_from=None, year_to=None)
