"""Bring a generation's evidence files up to date in one indexer run.

Incremental like the index: the passage table keeps the rows of documents that did
not change and adds those that did; links between two unchanged documents are kept,
and only the changed documents' passages are compared with the rest (as guidance
with all research, as research with the unchanged guidance). A full recompute
happens on a rebuild, when the previous files are missing, or when the types that
count as guidance or research changed.

Scores kept from an earlier run were computed with the IDF of that run; a run that
changes few documents barely moves it, and the next rebuild recomputes everything.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kennisbank.evidence import similarity
from kennisbank.evidence.arrays import ranges
from kennisbank.evidence.similarity import TermMatrix
from kennisbank.evidence.store import (
    LinkTable,
    PassageTable,
    load_links,
    load_table,
    save_links,
    save_table,
)

DEFAULT_RESEARCH_TYPES = ("onderzoeksrapport",)
DEFAULT_GUIDANCE_TYPES = ("handreiking", "instrument", "brochure", "webpagina", "notitie",
                          "factsheet", "magazine", "boek", "manifest", "pleitnotitie",
                          "beleidsplan", "nieuwsbericht", "webinar")
GUIDANCE, RESEARCH = 1, 2


@dataclass(frozen=True)
class EvidenceTypes:
    """Which document types are guidance and which research (configuration:
    KENNISBANK_GUIDANCE_TYPES, KENNISBANK_RESEARCH_TYPES)."""

    guidance: tuple[str, ...] = DEFAULT_GUIDANCE_TYPES
    research: tuple[str, ...] = DEFAULT_RESEARCH_TYPES


@dataclass(frozen=True)
class EvidenceSummary:
    passages: int
    linked_passages: int
    pairs: int
    recomputed: bool  # all pairs computed anew (not only the changed documents')


def update_evidence(folder: Path, previous: Path | None, keep: Callable[[str], bool],
                    changed: PassageTable, types: EvidenceTypes, full: bool = False
                    ) -> EvidenceSummary:
    """Write `folder`'s evidence files from `previous`'s. `keep`: whether the new
    generation still holds a previous document (the changed ones aside); `changed`:
    the passage terms of the documents read in this run."""
    old_table = load_table(previous) if previous is not None else None
    old_links = load_links(previous) if previous is not None else None
    old_table = old_table or PassageTable.empty()
    read_again = np.isin(old_table.doc_ids, changed.doc_ids)
    kept = np.array([keep(doc_id) for doc_id in old_table.doc_ids.tolist()],
                    dtype=bool) & ~read_again
    table, old_to_new, is_new = merge_table(old_table, kept, changed)
    recompute = (full or old_links is None or not len(old_table.doc_ids)
                 or (old_links.guidance_types, old_links.research_types)
                 != (types.guidance, types.research))
    links = _links(table, types, None if recompute else (old_links, old_to_new), is_new)
    save_table(folder, table)
    save_links(folder, links)
    linked = len(np.union1d(links.guidance, links.research))
    return EvidenceSummary(table.passages, linked, len(links.scores), recompute)


def merge_table(old: PassageTable, keep: np.ndarray, new: PassageTable
                ) -> tuple[PassageTable, np.ndarray, np.ndarray]:
    """The kept documents of `old` and all of `new`, sorted by id; with each old
    passage row's new row (-1: dropped) and which new rows came from `new`."""
    vocabulary = {term: index for index, term in enumerate(old.vocabulary.tolist())}
    remap = np.array([vocabulary.setdefault(term, len(vocabulary))
                      for term in new.vocabulary.tolist()], dtype=np.int32)
    old_docs = np.flatnonzero(keep)
    doc_ids = np.concatenate((old.doc_ids[old_docs], new.doc_ids)).astype(str)
    doctypes = np.concatenate((old.doctypes[old_docs], new.doctypes)).astype(str)
    # Passage rows of old and new side by side; each document's first row and count.
    first = np.concatenate((old.doc_ptr[old_docs], new.doc_ptr[:-1] + old.passages))
    count = np.concatenate((np.diff(old.doc_ptr)[old_docs], np.diff(new.doc_ptr)))
    order = np.argsort(doc_ids, kind="stable")
    rows = ranges(first[order], count[order])  # new row -> combined row
    passage_ptr = np.concatenate((old.passage_ptr[:-1], new.passage_ptr[:-1] + len(old.terms)))
    lengths = np.diff(np.concatenate((old.passage_ptr, new.passage_ptr[1:] + len(old.terms))))
    entries = ranges(passage_ptr[rows], lengths[rows])
    terms = np.concatenate((old.terms, remap[new.terms] if len(new.terms) else new.terms))
    counts = np.concatenate((old.counts, new.counts)).astype(np.uint8)
    table = PassageTable(
        doc_ids=doc_ids[order], doctypes=doctypes[order],
        doc_ptr=np.concatenate(([0], np.cumsum(count[order]))).astype(np.int64),
        passage_ptr=np.concatenate(([0], np.cumsum(lengths[rows]))).astype(np.int64),
        terms=terms[entries].astype(np.int32), counts=counts[entries],
        vocabulary=np.array(list(vocabulary), dtype=str))
    old_to_new = np.full(old.passages, -1, dtype=np.int64)
    from_old = rows < old.passages
    old_to_new[rows[from_old]] = np.flatnonzero(from_old)
    return table, old_to_new, ~from_old


def passage_roles(table: PassageTable, types: EvidenceTypes) -> np.ndarray:
    """GUIDANCE, RESEARCH or 0 for every passage row, from its document's type; 0
    for a passage with too few terms to be linked."""
    doctypes = np.char.lower(table.doctypes.astype(str))
    doc_roles = np.zeros(len(table.doc_ids), dtype=np.int8)
    doc_roles[np.isin(doctypes, [t.lower() for t in types.guidance])] = GUIDANCE
    doc_roles[np.isin(doctypes, [t.lower() for t in types.research])] = RESEARCH
    roles = doc_roles[table.passage_doc()]
    roles[np.diff(table.passage_ptr) < similarity.MIN_PASSAGE_TERMS] = 0
    return roles


def _links(table: PassageTable, types: EvidenceTypes,
           previous: tuple[LinkTable, np.ndarray] | None, is_new: np.ndarray) -> LinkTable:
    roles = passage_roles(table, types)
    vocabulary_size = len(table.vocabulary)
    idf = similarity.idf_weights(table.terms, table.passage_ptr, vocabulary_size)
    matrix = similarity.weigh(table.passage_ptr, table.terms, table.counts, idf)
    guidance, research = np.flatnonzero(roles == GUIDANCE), np.flatnonzero(roles == RESEARCH)
    if previous is None:
        pairs = [_pairs(matrix, table, guidance, research, vocabulary_size)]
    else:
        old_links, old_to_new = previous
        kept_g, kept_r = old_to_new[old_links.guidance], old_to_new[old_links.research]
        keep = (kept_g >= 0) & (kept_r >= 0)
        # The changed passages are the targets (the inverted list is built over them,
        # few); every passage of the other side is a query.
        pairs = [(kept_g[keep], kept_r[keep], old_links.scores[keep]),
                 _pairs(matrix, table, research, guidance[is_new[guidance]],
                        vocabulary_size, swap=True),
                 _pairs(matrix, table, guidance[~is_new[guidance]],
                        research[is_new[research]], vocabulary_size)]
    g, r, s = (np.concatenate(part) for part in zip(*pairs, strict=True))
    # At most PER_PASSAGE partners per guidance passage, as a rebuild keeps.
    return LinkTable.from_pairs(g, r, s, types.guidance, types.research,
                                per_guidance=similarity.PER_PASSAGE)


def _pairs(matrix: TermMatrix, table: PassageTable, queries: np.ndarray,
           targets: np.ndarray, vocabulary_size: int, swap: bool = False
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(guidance rows, research rows, scores) of the pairs above the threshold."""
    rows = link_pairs(matrix, table, queries, targets, vocabulary_size,
                      similarity.MIN_SCORE)
    return (rows[1], rows[0], rows[2]) if swap else rows


def link_pairs(matrix: TermMatrix, table: PassageTable, queries: np.ndarray,
               targets: np.ndarray, vocabulary_size: int, threshold: float
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(query rows, target rows, scores): passage cosine × √(document cosine), at
    least `threshold` (similarity.py)."""
    found = similarity.pairs_above(similarity.select_rows(matrix, queries),
                                   similarity.select_rows(matrix, targets),
                                   vocabulary_size, threshold)
    query_rows, target_rows = queries[found.queries], targets[found.targets]
    doc_of = table.passage_doc()
    # Each pair of documents once (many passage pairs share one).
    doc_count = len(table.doc_ids)
    doc_pairs, pair_of = np.unique(doc_of[query_rows] * doc_count + doc_of[target_rows],
                                   return_inverse=True)
    query_docs, target_docs = doc_pairs // doc_count, doc_pairs % doc_count
    docs, inverse = np.unique(np.concatenate((query_docs, target_docs)), return_inverse=True)
    vectors = similarity.document_vectors(matrix, table.doc_ptr, docs, vocabulary_size)
    doc_scores = similarity.pair_cosines(vectors, inverse[:len(query_docs)], vectors,
                                         inverse[len(query_docs):], vocabulary_size)
    scores = found.scores * np.sqrt(np.clip(doc_scores[pair_of], 0.0, 1.0))
    keep = scores >= threshold
    return query_rows[keep], target_rows[keep], scores[keep].astype(np.float32)
