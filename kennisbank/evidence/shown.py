"""The links of a document as people see them: each passage with its page and a
quote, each linked passage with its document's title, type, year and page.

Plain data for the document page, the JSON document API and `kennisbank links`.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import asdict, dataclass

from kennisbank.evidence.links import GUIDANCE_ROLE, RESEARCH_ROLE, DocumentLinks

QUOTE_CHARS = 220
HEADINGS = {GUIDANCE_ROLE: "Onderbouwing uit onderzoek", RESEARCH_ROLE: "Toegepast in"}


@dataclass(frozen=True)
class ShownPassage:
    doc_id: str
    title: str
    doctype: str
    year: int | None
    passage: int  # 1-based
    page: int | None  # PDF page, None for a text without pages
    quote: str
    score: float = 0.0


@dataclass(frozen=True)
class ShownLinks:
    passage: ShownPassage  # of the document itself
    linked: tuple[ShownPassage, ...]


@dataclass(frozen=True)
class Evidence:
    """`role`: "guidance" (its passages link to research: "Onderbouwing uit
    onderzoek"), "research" (to guidance that applies it: "Toegepast in") or ""."""

    role: str
    passages: tuple[ShownLinks, ...]

    @property
    def heading(self) -> str:
        return HEADINGS.get(self.role, "")

    def to_json(self) -> dict:
        return {"role": self.role, "heading": self.heading,
                "passages": [{"passage": asdict(item.passage),
                              "linked": [asdict(other) for other in item.linked]}
                             for item in self.passages]}


def shown_evidence(record: dict, links: DocumentLinks,
                   record_by_id: Callable[[str], dict | None]) -> Evidence:
    """`links` of the document `record`, with what a reader needs to follow them;
    a linked document that is gone (a newer generation removed it) is left out."""
    records: dict[str, dict | None] = {}
    shown = []
    for item in links.passages:
        linked = []
        for other in item.linked:
            if other.doc_id not in records:
                records[other.doc_id] = record_by_id(other.doc_id)
            found = records[other.doc_id]
            if found is not None:
                linked.append(shown_passage(found, other.passage, other.score))
        if linked:
            shown.append(ShownLinks(shown_passage(record, item.passage), tuple(linked)))
    return Evidence(links.role, tuple(shown))


def shown_passage(record: dict, number: int, score: float = 0.0) -> ShownPassage:
    starts = list(record.get("passage_starts") or (0,))
    index = min(max(number - 1, 0), len(starts) - 1)
    text = record["text"]
    begin = starts[index]
    end = starts[index + 1] if index + 1 < len(starts) else len(text)
    page_starts = record.get("page_starts") or ()
    page = bisect.bisect_right(page_starts, begin) if page_starts else None
    return ShownPassage(record["id"], record["title"], record.get("doctype", ""),
                        record.get("year"), index + 1, page, quote(text[begin:end]), score)


def quote(text: str, limit: int = QUOTE_CHARS) -> str:
    """The passage's start, whitespace collapsed, cut at a word with an ellipsis."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat.rfind(" ", limit // 2, limit)
    return flat[:cut if cut > 0 else limit].rstrip(" ,;:") + " …"
