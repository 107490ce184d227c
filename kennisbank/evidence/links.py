"""What a document page shows: per passage, the best linked passages of other
documents ("Onderbouwing uit onderzoek" for guidance, "Toegepast in" for research).

Loaded once per generation from its evidence files and shared by all request threads
(it is never changed after loading). A lookup is two binary searches in the sorted
pair arrays plus the document's own pairs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kennisbank.evidence.store import LinkTable, load_documents, load_links

SHOWN_PER_PASSAGE = 3  # linked documents per passage, the best passage of each
GUIDANCE_ROLE, RESEARCH_ROLE = "guidance", "research"


@dataclass(frozen=True)
class LinkedPassage:
    doc_id: str
    passage: int  # 1-based, as in the document's passage anchors
    score: float


@dataclass(frozen=True)
class PassageLinks:
    passage: int  # 1-based number of the passage in this document
    linked: tuple[LinkedPassage, ...]


@dataclass(frozen=True)
class DocumentLinks:
    """`role`: the side the document is on (GUIDANCE_ROLE, RESEARCH_ROLE or "": its
    type is on neither side, it has no links)."""

    role: str
    passages: tuple[PassageLinks, ...]

    @classmethod
    def none(cls) -> DocumentLinks:
        return cls("", ())


class EvidenceLinks:
    """The links of one generation."""

    def __init__(self, doc_ids: np.ndarray, doctypes: np.ndarray, doc_ptr: np.ndarray,
                 links: LinkTable) -> None:
        self.doc_ids, self.doctypes, self.doc_ptr, self.links = doc_ids, doctypes, doc_ptr, links
        self._research_sorted = links.research[links.by_research]
        self._guidance_types = {t.lower() for t in links.guidance_types}
        self._research_types = {t.lower() for t in links.research_types}

    @classmethod
    def load(cls, folder: Path) -> EvidenceLinks | None:
        """None for a generation without (readable) evidence files."""
        documents, links = load_documents(folder), load_links(folder)
        if documents is None or links is None:
            return None
        return cls(*documents, links)

    def of(self, doc_id: str, per_passage: int = SHOWN_PER_PASSAGE) -> DocumentLinks:
        index = int(np.searchsorted(self.doc_ids, doc_id))
        if index >= len(self.doc_ids) or self.doc_ids[index] != doc_id:
            return DocumentLinks.none()
        doctype = str(self.doctypes[index]).lower()
        first, end = int(self.doc_ptr[index]), int(self.doc_ptr[index + 1])
        if doctype in self._guidance_types:
            mine, theirs, scores = self._guidance_pairs(first, end)
            role = GUIDANCE_ROLE
        elif doctype in self._research_types:
            mine, theirs, scores = self._research_pairs(first, end)
            role = RESEARCH_ROLE
        else:
            return DocumentLinks.none()
        return DocumentLinks(role, self._grouped(mine - first, theirs, scores, per_passage))

    def _guidance_pairs(self, first: int, end: int) -> tuple[np.ndarray, ...]:
        low, high = np.searchsorted(self.links.guidance, [first, end])
        span = slice(low, high)
        return self.links.guidance[span], self.links.research[span], self.links.scores[span]

    def _research_pairs(self, first: int, end: int) -> tuple[np.ndarray, ...]:
        low, high = np.searchsorted(self._research_sorted, [first, end])
        order = self.links.by_research[low:high]
        return self.links.research[order], self.links.guidance[order], self.links.scores[order]

    def _grouped(self, mine: np.ndarray, theirs: np.ndarray, scores: np.ndarray,
                 per_passage: int) -> tuple[PassageLinks, ...]:
        """Per passage of this document (in order), the best passage of each linked
        document, best first. The pairs come sorted by passage, then score."""
        their_docs = np.searchsorted(self.doc_ptr, theirs, side="right") - 1
        grouped: dict[int, list[LinkedPassage]] = {}
        seen: dict[int, set[int]] = {}
        for row, other, doc, score in zip(mine.tolist(), theirs.tolist(),
                                          their_docs.tolist(), scores.tolist(), strict=True):
            found = grouped.setdefault(row, [])
            docs = seen.setdefault(row, set())
            if doc in docs or len(found) >= per_passage:
                continue
            docs.add(doc)
            found.append(LinkedPassage(str(self.doc_ids[doc]),
                                       other - int(self.doc_ptr[doc]) + 1, round(score, 3)))
        return tuple(PassageLinks(row + 1, tuple(found))
                     for row, found in sorted(grouped.items()))
