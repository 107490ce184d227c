"""The evidence files of a generation: every passage's terms, and the links found.

    passage_terms.npz  documents (sorted by id) with their type, each document's
                       passages, each passage's (term, count) entries, the terms
    links.npz          guidance passage row, research passage row, score; the types
                       that counted as guidance and research when they were made

Rows are passage numbers in the table's order, so the two files go together. Plain
numpy arrays (no pickles): np.load never runs code from an index folder. Strings are
stored as one UTF-8 blob each (numpy's own string arrays are UTF-32 at the longest
string's width: 100 characters × 4 bytes for every term), counts as bytes, rows as
32-bit numbers. A new generation starts as hard links to the previous one's files:
they are replaced by writing a new file and renaming it over the link, never written
in place.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kennisbank.evidence.arrays import ranges
from kennisbank.evidence.similarity import best_per_group
from kennisbank.evidence.terms import PassageTerms
from kennisbank.npz_files import read_npz, write_npz

TERMS_FILE = "passage_terms.npz"
LINKS_FILE = "links.npz"
TABLE_KEYS = ("doc_ids", "doctypes", "doc_ptr", "passage_ptr", "terms", "counts",
              "vocabulary")
STRING_KEYS = ("doc_ids", "doctypes", "vocabulary", "guidance_types", "research_types")
MAX_COUNT = 255  # counts are stored as bytes; a passage of 1,500 characters stays below


@dataclass(frozen=True)
class PassageTable:
    doc_ids: np.ndarray  # str, sorted
    doctypes: np.ndarray  # str
    doc_ptr: np.ndarray  # int64, documents + 1: each document's passage rows
    passage_ptr: np.ndarray  # int64, passages + 1: each passage's entries
    terms: np.ndarray  # int32 into vocabulary
    counts: np.ndarray  # uint8
    vocabulary: np.ndarray  # str

    @classmethod
    def empty(cls) -> PassageTable:
        return PassageTableBuilder().table()

    @property
    def passages(self) -> int:
        return len(self.passage_ptr) - 1

    def doc_index(self, doc_id: str) -> int | None:
        index = int(np.searchsorted(self.doc_ids, doc_id))
        found = index < len(self.doc_ids) and self.doc_ids[index] == doc_id
        return index if found else None

    def passage_doc(self) -> np.ndarray:
        """The document index of every passage row."""
        return np.repeat(np.arange(len(self.doc_ids)), np.diff(self.doc_ptr))


class PassageTableBuilder:
    """Collects documents' passage terms as compact arrays while an indexer run
    reads them: a rebuild of 100,000 documents holds some 15 million (term, count)
    pairs, which as Python tuples would take gigabytes."""

    def __init__(self) -> None:
        self._vocabulary: dict[str, int] = {}
        self._documents: dict[str, tuple[str, int, int]] = {}  # id -> type, passages
        self._passage_ends = array("q")
        self._terms = array("i")
        self._counts = array("B")

    def add(self, doc_id: str, doctype: str, passages: tuple[PassageTerms, ...]) -> None:
        """Add a document (a later add of the same id replaces it)."""
        first = len(self._passage_ends)
        vocabulary = self._vocabulary
        for passage in passages:
            for term, count in passage:
                self._terms.append(vocabulary.setdefault(term, len(vocabulary)))
                self._counts.append(min(count, MAX_COUNT))
            self._passage_ends.append(len(self._terms))
        self._documents[doc_id] = (doctype, first, len(self._passage_ends))

    def discard(self, doc_id: str) -> None:
        self._documents.pop(doc_id, None)

    def table(self) -> PassageTable:
        ids = sorted(self._documents)
        ends = np.frombuffer(self._passage_ends, dtype=np.int64) if self._passage_ends \
            else np.zeros(0, dtype=np.int64)
        starts = np.concatenate(([0], ends[:-1])).astype(np.int64)
        spans = np.array([self._documents[doc_id][1:] for doc_id in ids],
                         dtype=np.int64).reshape(-1, 2)
        passages = spans[:, 1] - spans[:, 0]
        rows = ranges(spans[:, 0], passages)
        lengths = ends[rows] - starts[rows]
        entries = ranges(starts[rows], lengths)
        terms = np.frombuffer(self._terms, dtype=np.int32) if self._terms else np.zeros(
            0, dtype=np.int32)
        counts = np.frombuffer(self._counts, dtype=np.uint8) if self._counts else np.zeros(
            0, dtype=np.uint8)
        return PassageTable(
            doc_ids=np.array(ids, dtype=str),
            doctypes=np.array([self._documents[i][0] for i in ids], dtype=str),
            doc_ptr=np.concatenate(([0], np.cumsum(passages))).astype(np.int64),
            passage_ptr=np.concatenate(([0], np.cumsum(lengths))).astype(np.int64),
            terms=terms[entries].astype(np.int32), counts=counts[entries],
            vocabulary=np.array(list(self._vocabulary), dtype=str))


@dataclass(frozen=True)
class LinkTable:
    """All guidance–research passage pairs above the threshold; `by_research` orders
    them by research row (they are stored by guidance row)."""

    guidance: np.ndarray  # int32 passage rows, sorted
    research: np.ndarray  # int32 passage rows
    scores: np.ndarray  # float32
    by_research: np.ndarray  # int32 order of the pairs by research row
    guidance_types: tuple[str, ...]
    research_types: tuple[str, ...]

    @classmethod
    def from_pairs(cls, guidance: np.ndarray, research: np.ndarray, scores: np.ndarray,
                   guidance_types: tuple[str, ...], research_types: tuple[str, ...],
                   per_guidance: int | None = None) -> LinkTable:
        """The pairs, sorted; at most `per_guidance` (the best) per guidance row."""
        order = (np.lexsort((-scores, guidance)) if per_guidance is None
                 else best_per_group(guidance, scores, per_guidance))
        guidance, research, scores = guidance[order], research[order], scores[order]
        by_research = np.lexsort((-scores, research))
        return cls(guidance.astype(np.int32), research.astype(np.int32),
                   scores.astype(np.float32), by_research.astype(np.int32),
                   tuple(guidance_types), tuple(research_types))


def save_table(folder: Path, table: PassageTable) -> None:
    _save(folder / TERMS_FILE, {key: getattr(table, key) for key in TABLE_KEYS})


def save_links(folder: Path, links: LinkTable) -> None:
    _save(folder / LINKS_FILE, {
        "guidance": links.guidance, "research": links.research, "scores": links.scores,
        "by_research": links.by_research,
        "guidance_types": np.array(links.guidance_types, dtype=str),
        "research_types": np.array(links.research_types, dtype=str)})


def _pack(strings: np.ndarray) -> np.ndarray:
    """Strings (without newlines: terms, ids and types never hold one) as one UTF-8
    blob, newline-separated."""
    return np.frombuffer("\n".join(strings.tolist()).encode("utf-8"), dtype=np.uint8)


def _unpack(blob: np.ndarray, count: int) -> np.ndarray:
    strings = blob.tobytes().decode("utf-8").split("\n") if count else []
    if len(strings) != count:
        raise ValueError("damaged string blob")
    return np.array(strings, dtype=str)


def _save(path: Path, arrays: dict[str, np.ndarray]) -> None:
    packed = {}
    for key, values in arrays.items():
        if key in STRING_KEYS:
            packed[key] = _pack(values)
            packed[f"{key}_count"] = np.array(len(values), dtype=np.int64)
        else:
            packed[key] = values
    write_npz(path, packed)


def load_table(folder: Path) -> PassageTable | None:
    """The generation's passage table; None when it has none (or an unreadable one)."""
    data = _load(folder / TERMS_FILE, TABLE_KEYS)
    return None if data is None else PassageTable(**data)


def load_links(folder: Path) -> LinkTable | None:
    keys = ("guidance", "research", "scores", "by_research", "guidance_types",
            "research_types")
    data = _load(folder / LINKS_FILE, keys)
    if data is None:
        return None
    return LinkTable(data["guidance"], data["research"], data["scores"],
                     data["by_research"], tuple(data["guidance_types"].tolist()),
                     tuple(data["research_types"].tolist()))


def _load(path: Path, keys: tuple[str, ...]) -> dict[str, np.ndarray] | None:
    counts = tuple(f"{key}_count" for key in keys if key in STRING_KEYS)
    data = read_npz(path, keys + counts)
    if data is None:
        return None
    try:
        return {key: _unpack(data[key], int(data[f"{key}_count"])) if key in STRING_KEYS
                else data[key] for key in keys}
    except (ValueError, UnicodeDecodeError):
        return None


def load_documents(folder: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Only the documents of the passage table (ids, types, passage rows): what a
    reader needs to find a document's links, without its terms."""
    data = _load(folder / TERMS_FILE, ("doc_ids", "doctypes", "doc_ptr"))
    return None if data is None else (data["doc_ids"], data["doctypes"], data["doc_ptr"])
