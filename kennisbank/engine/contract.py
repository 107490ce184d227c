"""What crosses the door between the search service and the engine, as plain data.

The service (Dutch logic: synonyms, broadening, spelling help, presentation) asks one
`EngineQuery` and gets one `EngineAnswer`: total, ranked hits, facet counts and match
spans. Nothing here names Whoosh: another engine could answer the same object, and the
service never sees a query tree, a document number or a reader.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

WordsMode = Literal["all", "most", "any"]
Order = Literal["relevance", "date", "added"]


@dataclass(frozen=True)
class EngineQuery:
    """One question to the engine.

    `text` is what the user typed (query syntax included); `expand` rewrites it before
    it is parsed (the synonym expansion, applied after malformed syntax was judged on
    the user's own text). `words` (only for plain words: syntax stays strict): "all"
    needs every word; "most" takes documents holding most of the query's weight
    (rare words weigh more), those holding more of it ranked higher; "any" takes
    documents with any of the words, ranked the same way. `filters` and `years`
    narrow; each facet's counts ignore its own filter. The best `limit` hits are
    ranked; hits from `detail_from` on carry their record and match spans. `order`:
    "relevance" (a query without words lists newest first), "date" (the document's
    date, newest first) or "added" (most recently added to the index first; documents
    added in one run newest date first). `paths`:
    answer for exactly these documents, in this order, whether or not they match
    (spans where they do), ranking nothing: for exports and for highlighting one
    document. `facets=False` skips the facet counts (autocomplete needs none).
    """

    text: str = ""
    expand: Callable[[str], str] | None = None
    words: WordsMode = "all"
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    years: tuple[int, int] | None = None
    order: Order = "relevance"
    limit: int = 10
    detail_from: int = 0
    paths: tuple[str, ...] | None = None
    facets: bool = True


Span = tuple[int, int, str]


@dataclass(frozen=True)
class EngineHit:
    """A ranked document: its corpus path (a stable key across generations), its
    score, and, for hits asked in detail, its stored record and where the query
    matches in its text (start, end, matched term)."""

    path: str
    score: float
    record: dict | None = None
    spans: tuple[Span, ...] = ()


@dataclass(frozen=True)
class EngineAnswer:
    """`matched`: documents matching the words, before filters; `total`: after them;
    `complete`: matched documents holding every word.
    `facets`: value → count per facet; `selected`: the filter values as the index
    spells them. `notice`: why the query was read otherwise than typed (Dutch).
    `everything`: the query asked for no words (all documents, newest first).
    `widenable`: plain words, so `words="any"` could find more."""

    total: int
    matched: int
    hits: list[EngineHit]
    facets: dict[str, dict[str, int]]
    selected: dict[str, set[str]]
    notice: str | None = None
    everything: bool = False
    widenable: bool = False
    generation: str = ""
    complete: int = 0
