"""Per-document columns of a generation, computed once when it is published.

Why: every search needs each document's live flag and its rank by path (the
tie-break between equal scores), and sorting by date needs every date. Read through
Whoosh's readers these cost a Python call per document: at 100k documents some 0.3 s
for the first search after start and as much again for the first sorted by date. A
generation never changes once published, so the indexer computes them after its
commit and a reader loads them as arrays. A generation without the file (written
before it existed), or with one that does not fit, is read the slow way.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from kennisbank.npz_files import read_npz, write_npz

COLUMNS_FILE = "document_columns.npz"
PATH_FIELD, DATE_FIELD, ADDED_FIELD = "path", "date", "added"


@dataclass(frozen=True)
class DocumentColumns:
    live: np.ndarray  # bool per document number
    path_rank: np.ndarray  # int64: rank by path, the tie-break
    dates: np.ndarray  # int64 sortable date, 0 where a document has none
    added: np.ndarray | None  # int64 seconds since 1970; None: not recorded


def live_documents(reader: Any) -> np.ndarray:
    live = np.zeros(reader.doc_count_all(), dtype=bool)
    live[np.fromiter(reader.all_doc_ids(), dtype=np.int64)] = True
    return live


def path_ranks(reader: Any) -> np.ndarray:
    paths = list(reader.column_reader(PATH_FIELD))
    ranks = np.zeros(len(paths), dtype=np.int64)
    ranks[sorted(range(len(paths)), key=paths.__getitem__)] = np.arange(len(paths))
    return ranks


def number_column(reader: Any, fieldname: str) -> np.ndarray | None:
    """A numeric column with 0 for missing values; None when the schema has no such
    field (an index written before it was added)."""
    if fieldname not in reader.schema:
        return None
    return np.fromiter((value or 0 for value in reader.column_reader(fieldname)),
                       dtype=np.int64, count=reader.doc_count_all())


def compute_columns(reader: Any) -> DocumentColumns:
    dates = number_column(reader, DATE_FIELD)
    return DocumentColumns(live_documents(reader), path_ranks(reader),
                           dates if dates is not None else np.zeros(
                               reader.doc_count_all(), dtype=np.int64),
                           number_column(reader, ADDED_FIELD))


def write_document_columns(folder: Path, reader: Any) -> None:
    """Compute the columns of the generation in `folder` (read by `reader`) and write
    them beside it."""
    columns = compute_columns(reader)
    arrays = {"live": columns.live, "path_rank": columns.path_rank,
              "dates": columns.dates}
    if columns.added is not None:
        arrays["added"] = columns.added
    write_npz(folder / COLUMNS_FILE, arrays)


def load_document_columns(folder: Path, size: int) -> DocumentColumns | None:
    """The generation's columns if it has a readable file for `size` documents."""
    arrays = read_npz(folder / COLUMNS_FILE)
    if arrays is None:
        return None
    expected = {"live": np.bool_, "path_rank": np.int64, "dates": np.int64,
                "added": np.int64}
    if any(key not in arrays for key in ("live", "path_rank", "dates")) or any(
            values.shape != (size,) or values.dtype != expected.get(key)
            for key, values in arrays.items()):
        return None
    return DocumentColumns(arrays["live"], arrays["path_rank"], arrays["dates"],
                           arrays.get("added"))
