"""Each segment's postings as flat arrays in one file, written once at index time and
memory-mapped by readers: a term asked for the first time costs a binary search and
two array slices, not the unpickling and decompressing of every Whoosh block of it.

Why: real users mostly ask what nobody asked since the last reindex. Whoosh stores a
term's postings as zlib-compressed pickles of 128 postings each; decoding them was
the largest part of a search the first time its words were asked (about 75 µs per
block, hundreds of blocks for a common word at 100k documents). Decoding every term
once when a segment is written costs a few seconds per 10,000 documents and is kept
with the segment for every search after.

File `<segment id>.kbpost` beside the segment's own files, per field (title, body, and
words: the unstemmed forms the exact-word boost and "Bedoelde u" use):
- `hashes`: 64-bit hashes of the terms, sorted; `order`: the term each belongs to;
- `terms` + `term_starts`: the term bytes, to confirm a hash match;
- `starts`: where each term's postings begin in `docs` (segment-local document
  numbers, int32) and `weights` (term frequencies, float32), deleted documents
  included (readers drop those);
- `lengths` per document and `total_length` (one number) of the scorable fields:
  the lengths as the segment stores them (rounded), the total exact, as BM25F reads
  them; for `words`, which Whoosh does not hold (engine/word_postings.py), these are
  the only ones;
- `block_index`, `block_starts`, `block_last`: each term's Whoosh posting blocks (file
  offsets and last document), so character offsets (for snippets) can still be read
  from the one block that holds a document; an empty range for postings stored inline
  with the term;
- for fields with positions (title, body): `position_counts` per posting,
  `position_starts` per term and `positions` (uint32) in a row, so phrases and the
  proximity re-rank are vector operations too.

Layout: MAGIC, the header length (8 bytes, little endian), a JSON header naming each
array's field, name, dtype, offset (from the 64-byte aligned end of the header) and
length, then the arrays, each 64-byte aligned.
A segment without the file (written by an older version) is read the Whoosh way.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import mmap
import shutil
import struct
import tempfile
from array import array as machine_array
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

from kennisbank.engine.schema import FACET_MULTI

SUFFIX = ".kbpost"
# Text fields (postings, positions where kept, document lengths) and the facet fields
# (postings only: the facet columns are built from them when a generation is opened).
FIELDS = ("title", "body", "words", *FACET_MULTI)
MAGIC = b"KBPOST1\n"
ALIGN = 64
SPOOL_COPY_BYTES = 1024 * 1024
# 1: postings and positions of the text fields; 2: also facet fields and document
# lengths; 3: field totals, and `words` only here (written by the index writer, not
# by Whoosh; SCHEMA_VERSION 8). A file of an older version is still read (what it
# lacks is read the Whoosh way) and is replaced by the next index run.
VERSION = 3


def term_hash(btext: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(btext, digest_size=8).digest(), "little")


@dataclass(frozen=True)
class Postings:
    docs: np.ndarray  # segment-local document numbers
    weights: np.ndarray
    block_starts: tuple[int, ...] | None  # None: stored inline with the term
    block_last: np.ndarray | None
    # (number of positions per posting, the positions in a row); None: the field
    # keeps no positions
    positions: tuple[np.ndarray, np.ndarray] | None = None


class FieldArrays:
    """One field's arrays of one segment (views into the mapped file)."""

    def __init__(self, arrays: dict[str, np.ndarray]) -> None:
        self._a = arrays

    @property
    def arrays(self) -> dict[str, np.ndarray]:
        """The named arrays (views into the mapped file), for vocabulary scans."""
        return self._a

    def lengths(self) -> np.ndarray | None:
        """Each document's length in this field (0: none), for BM25F; None when the
        file does not hold them."""
        return self._a.get("lengths")

    def total_length(self) -> int | None:
        """The field's total length in the segment (deleted documents included, as
        Whoosh counts it); None when the file does not hold it."""
        total = self._a.get("total_length")
        return None if total is None else int(total[0])

    def document_frequencies(self) -> dict[str, int]:
        """Every term of the field with the number of documents holding it (deleted
        ones included, as Whoosh's own term statistics count them)."""
        a = self._a
        blob, bounds = a["terms"].tobytes(), a["term_starts"].tolist()
        counts = np.diff(a["starts"]).tolist()
        return {blob[start:end].decode("utf-8"): count
                for start, end, count in zip(bounds, bounds[1:], counts, strict=False)}

    def lookup(self, btext: bytes) -> Postings | None:
        a = self._a
        wanted = np.uint64(term_hash(btext))
        i = int(np.searchsorted(a["hashes"], wanted))
        while i < len(a["hashes"]) and a["hashes"][i] == wanted:
            term = int(a["order"][i])
            start, end = int(a["term_starts"][term]), int(a["term_starts"][term + 1])
            if a["terms"][start:end].tobytes() == btext:
                return self._postings(term)
            i += 1
        return None

    def _postings(self, term: int) -> Postings:
        a = self._a
        first, last = int(a["starts"][term]), int(a["starts"][term + 1])
        block_first, block_end = int(a["block_index"][term]), int(a["block_index"][term + 1])
        blocks = None if block_first == block_end else tuple(
            a["block_starts"][block_first:block_end].tolist())
        positions = None
        if "positions" in a:
            base, end = int(a["position_starts"][term]), int(a["position_starts"][term + 1])
            positions = (a["position_counts"][first:last], a["positions"][base:end])
        return Postings(a["docs"][first:last], a["weights"][first:last], blocks,
                        None if blocks is None else a["block_last"][block_first:block_end],
                        positions)


class SegmentArrays:
    """The mapped file of one segment; `field(name)` is None for a field it lacks."""

    def __init__(self, path: Path) -> None:
        with open(path, "rb") as handle:
            self._map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        if self._map[:len(MAGIC)] != MAGIC:
            raise ValueError(f"{path.name}: geen bestand met postings")
        try:
            (length,) = struct.unpack_from("<Q", self._map, len(MAGIC))
        except struct.error as exc:  # cut off inside the header
            raise ValueError(f"{path.name}: onvolledig") from exc
        header = json.loads(self._map[len(MAGIC) + 8:len(MAGIC) + 8 + length])
        data_start = _aligned(len(MAGIC) + 8 + length)
        self.version = header.get("version", 1) if "fields" in header else 1
        header = header.get("fields", header)
        self._fields = {
            field: FieldArrays({
                name: np.frombuffer(self._map, dtype=np.dtype(dtype), count=count,
                                    offset=data_start + offset)
                for name, (dtype, offset, count) in arrays.items()})
            for field, arrays in header.items()}

    def field(self, name: str) -> FieldArrays | None:
        return self._fields.get(name)


def file_version(path: Path) -> int | None:
    """The version of an arrays file; None when there is none or it is unreadable."""
    try:
        return SegmentArrays(path).version
    except (OSError, ValueError):
        return None


def write_segment_arrays(path: Path,
                         fields: Iterable[tuple[str, Iterable[tuple[bytes, Postings]]]],
                         lengths: dict[str, np.ndarray],
                         totals: dict[str, int] | None = None) -> None:
    """Write the file for one segment: per field, its terms in any order with their
    postings (segment-local numbers), the document lengths of the fields in `lengths`
    and the total lengths in `totals`. The postings are taken one term at a time and
    spooled to temporary files, so memory does not grow with the segment (a
    50k-document segment's postings and positions held whole took 4.6 GB). Written to
    a temporary name and renamed, so a reader never maps half a file, and a hard link
    to the previous file (another generation's) stays as it was."""
    with contextlib.ExitStack() as stack:
        arrays: dict[str, dict[str, np.ndarray | _Spool]] = {}
        for field, terms in fields:
            writer = stack.enter_context(_FieldWriter(path.parent))
            for btext, postings in terms:
                writer.add(btext, postings)
            arrays[field] = writer.arrays()
        for field, values in lengths.items():
            arrays.setdefault(field, {})["lengths"] = values.astype(np.uint32)
        for field, total in (totals or {}).items():
            arrays.setdefault(field, {})["total_length"] = np.array([total], np.uint64)
        _write_file(path, arrays)


def _write_file(path: Path, arrays: dict[str, dict[str, np.ndarray | _Spool]]) -> None:
    header: dict[str, dict[str, list]] = {}
    offset = 0  # from the start of the data, after the header
    for field, named in arrays.items():
        header[field] = {}
        for name, array in named.items():
            header[field][name] = [array.dtype.str, offset, len(array)]
            offset += _aligned(array.nbytes)
    encoded = json.dumps({"version": VERSION, "fields": header}).encode("utf-8")
    data_start = _aligned(len(MAGIC) + 8 + len(encoded))
    temporary = path.with_suffix(path.suffix + ".tmp")
    with open(temporary, "wb") as out:
        out.write(MAGIC + struct.pack("<Q", len(encoded)) + encoded)
        for field, named in arrays.items():
            for name, array in named.items():
                out.seek(data_start + header[field][name][1])
                if isinstance(array, _Spool):
                    array.copy_to(out)
                else:
                    out.write(array.tobytes())
        out.truncate(data_start + offset)
    temporary.replace(path)


def _aligned(count: int) -> int:
    return -(-count // ALIGN) * ALIGN


class _Spool:
    """An array written a piece at a time to a temporary file."""

    def __init__(self, folder: Path, dtype: type) -> None:
        self.dtype = np.dtype(dtype)
        # No name in the folder (unlinked at once); closed by close().
        self._file = tempfile.TemporaryFile(dir=folder, prefix=".kbpost-")  # noqa: SIM115
        self._count = 0

    def __len__(self) -> int:
        return self._count

    @property
    def nbytes(self) -> int:
        return self._count * self.dtype.itemsize

    def add(self, values: Iterable | np.ndarray) -> None:
        array = np.asarray(values, dtype=self.dtype)
        self._file.write(array.tobytes())
        self._count += len(array)

    def copy_to(self, out: BinaryIO) -> None:
        self._file.seek(0)
        shutil.copyfileobj(self._file, out, SPOOL_COPY_BYTES)

    def close(self) -> None:
        self._file.close()


# The arrays _FieldWriter spools to disk, and their types.
SPOOLED = (("docs", np.int32), ("weights", np.float32), ("block_starts", np.int64),
           ("block_last", np.int32), ("position_counts", np.uint32),
           ("positions", np.uint32), ("terms", np.uint8))


class _FieldWriter:
    """One field's arrays, built a term at a time: the large ones (postings, positions,
    term bytes) in spools, the per-term tables in memory."""

    def __init__(self, folder: Path) -> None:
        self._spools = {name: _Spool(folder, dtype) for name, dtype in SPOOLED}
        # Machine integers, not lists: a segment's field can hold millions of terms.
        self._hashes = machine_array("Q")
        self._term_lengths = machine_array("q")
        self._posting_counts = machine_array("q")
        self._block_counts = machine_array("q")
        self._position_totals = machine_array("q")
        self._with_positions = True

    def __enter__(self) -> _FieldWriter:
        return self

    def __exit__(self, *_exc: object) -> None:
        for spool in self._spools.values():
            spool.close()

    def add(self, btext: bytes, postings: Postings) -> None:
        spools = self._spools
        self._hashes.append(term_hash(btext))
        self._term_lengths.append(len(btext))
        spools["terms"].add(np.frombuffer(btext, dtype=np.uint8))
        self._posting_counts.append(len(postings.docs))
        spools["docs"].add(postings.docs)
        spools["weights"].add(postings.weights)
        self._block_counts.append(len(postings.block_starts or ()))
        if postings.block_starts:
            spools["block_starts"].add(postings.block_starts)
            spools["block_last"].add(postings.block_last)
        if postings.positions is None:
            self._with_positions = False
        else:
            counts, flat = postings.positions
            spools["position_counts"].add(counts)
            spools["positions"].add(flat)
            self._position_totals.append(len(flat))

    def arrays(self) -> dict[str, np.ndarray | _Spool]:
        hashes = np.frombuffer(self._hashes, dtype=np.uint64)
        order = np.argsort(hashes, kind="stable")
        found: dict[str, np.ndarray | _Spool] = {
            "hashes": hashes[order], "order": order.astype(np.int64),
            "term_starts": _cumulative(self._term_lengths),
            "starts": _cumulative(self._posting_counts),
            "block_index": _cumulative(self._block_counts)}
        spooled = dict(self._spools)
        if self._with_positions and self._hashes:
            found["position_starts"] = _cumulative(self._position_totals)
        else:
            del spooled["position_counts"], spooled["positions"]
        return {**spooled, **found}


def _cumulative(counts: machine_array) -> np.ndarray:
    starts = np.zeros(len(counts) + 1, dtype=np.int64)
    if len(counts):
        np.cumsum(np.frombuffer(counts, dtype=np.int64), out=starts[1:])
    return starts
