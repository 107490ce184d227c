"""Writing each segment's posting arrays (posting_arrays.py): the fields Whoosh holds
decoded from the segment, `words` from what the writer collected (word_postings.py).

Why here and not after commit only: a rebuild's writer processes write the arrays of
their own segment as soon as it is complete, in parallel, each with only its own
segment in memory (`write_arrays`). After a commit, `write_missing_arrays` writes
them for the segments that have none yet: the one segment of an incremental run,
whose documents are those the run added followed by those Whoosh merged into it from
older segments (their `words` postings are carried over from the older arrays).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from kennisbank.engine.generations import open_index_folder
from kennisbank.engine.posting_arrays import (
    FIELDS,
    SUFFIX,
    VERSION,
    SegmentArrays,
    file_version,
    write_segment_arrays,
)
from kennisbank.engine.vectors import segment_lengths, segment_postings
from kennisbank.engine.word_postings import FIELD as WORDS
from kennisbank.engine.word_postings import WordPostings


class MissingWordsError(RuntimeError):
    """A segment holds documents whose `words` postings nobody has (Dutch message)."""


def write_arrays(folder: Path, leaf: Any, words: WordPostings) -> None:
    """The arrays file of one complete segment, beside its files in `folder`."""
    fields = [field for field in FIELDS if field in leaf.schema and field != WORDS]
    scorable = [field for field in fields if leaf.schema[field].scorable]
    count = leaf.doc_count_all()
    write_segment_arrays(
        folder / f"{leaf.segment().segment_id()}{SUFFIX}",
        [*((field, segment_postings(leaf, field)) for field in fields),
         (WORDS, words.postings())],
        {**{field: segment_lengths(leaf, field) for field in scorable},
         WORDS: words.lengths(count)},
        {**{field: leaf.field_length(field) for field in scorable}, WORDS: words.total})


def write_missing_arrays(folder: Path, reader: Any,
                         collected: dict[str, WordPostings] | None = None,
                         previous: Path | None = None) -> None:
    """Arrays for each segment of the generation in `folder` (read by `reader`) that
    has none, or has them in an older version. `collected`: segment id -> the `words`
    postings of the documents this run wrote into it (numbered from 0); documents
    after those were merged in by Whoosh from the generation in `previous`. Arrays of
    segments that are gone (merged away) are removed."""
    current: set[str] = set()
    for leaf, _offset in reader.leaf_readers():
        segment = leaf.segment().segment_id()
        current.add(segment)
        if file_version(folder / f"{segment}{SUFFIX}") == VERSION:
            continue
        words = (collected or {}).get(segment) or WordPostings(leaf.schema[WORDS])
        if len(words) < leaf.doc_count_all():
            _carry_words(words, leaf, previous)
        write_arrays(folder, leaf, words)
    for path in folder.glob(f"*{SUFFIX}"):
        if path.name[:-len(SUFFIX)] not in current:
            path.unlink()


def _carry_words(words: WordPostings, leaf: Any, previous: Path | None) -> None:
    """Add the `words` postings of the segment's documents from `len(words)` on, found
    by path among the live documents of the previous generation's segments."""
    first = len(words)
    paths = list(leaf.column_reader("path"))[first:]
    wanted = {path: first + i for i, path in enumerate(paths)}
    if previous is not None:
        with open_index_folder(previous).reader() as reader:
            for old, _offset in reader.leaf_readers():
                _carry_from(words, old, previous, wanted)
    if wanted:
        raise MissingWordsError(
            f"de woordenlijst van {len(wanted)} documenten ontbreekt "
            f"(bijvoorbeeld {next(iter(wanted))})")


def _carry_from(words: WordPostings, old: Any, folder: Path, wanted: dict[str, int]
                ) -> None:
    new_of_old = np.full(old.doc_count_all(), -1, dtype=np.int64)
    paths = old.column_reader("path")
    for docnum in old.all_doc_ids():
        new = wanted.pop(paths[docnum], None)
        if new is not None:
            new_of_old[docnum] = new
    if not (new_of_old >= 0).any():
        return
    path = folder / f"{old.segment().segment_id()}{SUFFIX}"
    field = SegmentArrays(path).field(WORDS) if file_version(path) else None
    if field is None or field.lengths() is None:
        raise MissingWordsError(f"{path.name}: geen woordenlijst om over te nemen")
    words.add_carried(field, new_of_old)
