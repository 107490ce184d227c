"""Every use of Whoosh beyond its documented API, in one place.

Why: reading posting blocks whole (instead of a posting at a time), reading one block
by its file offset, and hooking into the multi-process writer make search and
indexing several times faster, but they depend on attributes Whoosh does not
promise to keep. They are written for one version, checked at import: another
version stops the program with a clear message instead of giving wrong answers.
Everything else in kennisbank/engine uses Whoosh's public API.
"""

from __future__ import annotations

import pickle
import re
from collections.abc import Iterator
from typing import Any

import whoosh
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.reading import SegmentReader
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

SUPPORTED_VERSION = (2, 7, 5)  # whoosh-reloaded, pinned in pyproject.toml


class UnsupportedWhooshError(ImportError):
    """The installed Whoosh is not the version this module was written for."""


def check_version(found: tuple = tuple(whoosh.__version__)) -> None:
    if found[:3] != SUPPORTED_VERSION:
        wanted = ".".join(map(str, SUPPORTED_VERSION))
        raise UnsupportedWhooshError(
            f"De Kennisbank werkt met whoosh-reloaded {wanted}, maar versie "
            f"{'.'.join(map(str, found))} is geïnstalleerd. Installeer de juiste versie "
            f"opnieuw: pip install 'whoosh-reloaded=={wanted}'")


check_version()


# --- reading postings --------------------------------------------------------------

def raw_matcher(leaf: Any, fieldname: str, btext: bytes) -> Any:
    """A segment's postings of a term without Whoosh's deleted-documents filter
    (callers drop deleted documents themselves)."""
    return leaf._terms.matcher(fieldname, btext, leaf.schema[fieldname].format)


def posting_blocks(matcher: Any, values: bool = False
                   ) -> Iterator[tuple[int, int, tuple, Any, tuple | None]] | None:
    """(file offset, last document, documents, weights, raw values or None) of each
    block of a term's postings, decoded by the codec a whole block at a time; None for
    a short posting list stored inline with the term (read it with `inline_postings`)."""
    if not isinstance(matcher, W3LeafMatcher):
        return None

    def blocks() -> Iterator[tuple[int, int, tuple, Any, tuple | None]]:
        position = matcher._baseoffset
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            if values:
                matcher._read_values()
            yield (position, matcher._maxid, matcher._ids, matcher._weights,
                   matcher._values if values else None)
            position = matcher._nextoffset
            matcher._next_block()

    return blocks()


def inline_postings(matcher: Any, values: bool = False) -> tuple[list[int], list]:
    """(documents, weights or raw values) of a posting list, a posting at a time."""
    ids, found = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        found.append(matcher.value() if values else matcher.weight())
        matcher.next()
    return ids, found


def block_at(matcher: Any, offset: int) -> tuple[tuple[int, ...], tuple[bytes, ...]]:
    """(documents, raw values) of the posting block at a file offset."""
    matcher._goto(offset)
    matcher._read_ids()
    matcher._read_values()
    return tuple(matcher._ids), tuple(matcher._values)


# --- queries -------------------------------------------------------------------------

def wildcard_parts(q: wq.Prefix | wq.Wildcard) -> tuple[str, re.Pattern | None]:
    """The literal start of a prefix or wildcard query and, for a wildcard, the
    pattern a word must match (None: every word with the prefix)."""
    if isinstance(q, wq.Prefix):
        return q.text, None
    return q._find_prefix(q.text), re.compile(q._get_pattern())


# --- the multi-process writer ------------------------------------------------------

class HookedSubWriter(SubWriterTask):
    """A writer process of MpWriter (with `multisegment`) that calls
    `prepare(schema)` once, in the process, before it indexes its first batch,
    `add(writer, fields)` for each document, and `finished(reader)` with a reader of its
    segment once the segment is written (Whoosh offers no such hooks). `run` is
    Whoosh's own loop with these calls added."""

    def prepare(self, schema: Any) -> None:
        """Override: runs in the writer process, with the schema it indexes with."""

    def add(self, writer: SegmentWriter, fields: dict[str, Any]) -> None:
        """Override to see or change a document before Whoosh indexes it."""
        writer.add_document(**fields)

    def finished(self, reader: SegmentReader) -> None:
        """Override: runs in the writer process once its segment is complete."""

    def run(self) -> None:
        ix = self.storage.open_index(self.indexname)
        writer = self.writer = SegmentWriter(ix, _lk=False, **self.kwargs)
        self.prepare(writer.schema)
        while self.running:
            jobinfo = self.jobqueue.get()
            if jobinfo is None:
                break
            self._process_file(*jobinfo)
        if not self.running:
            writer.cancel()
            return
        fieldnames = writer.pool.fieldnames
        segment = writer._finalize_segment()
        if segment.doc_count_all():
            with SegmentReader(self.storage, writer.schema, segment) as reader:
                self.finished(reader)
        self.resultqueue.put((None, fieldnames, segment), timeout=5)

    def _process_file(self, filename: str, doc_count: int) -> None:
        storage = self.writer.temp_storage()
        with storage.open_file(filename).raw_file() as handle:
            for _ in range(doc_count):
                code, fields = pickle.load(handle)
                assert code == 0  # Whoosh's only command: add a document
                self.add(self.writer, fields)
        storage.delete_file(filename)


class HookedMpWriter(MpWriter):
    """MpWriter (with `multisegment`) whose writer processes are
    `new_process(*whoosh_args)`, are listed by `processes()`, and are killed by
    `cancel()` (Whoosh's only flags them in the parent's copy of the object, leaving
    them blocked on their queue)."""

    def new_process(self, *whoosh_args: object) -> HookedSubWriter:
        return HookedSubWriter(*whoosh_args)

    def _new_task(self) -> HookedSubWriter:
        task = self.new_process(self.storage, self.indexname, self.jobqueue,
                                self.resultqueue, self.subargs, self.multisegment)
        self.tasks.append(task)
        task.start()
        return task

    def processes(self) -> list[HookedSubWriter]:
        return list(self.tasks)

    def cancel(self) -> None:
        try:
            for task in self.tasks:
                if task.is_alive():
                    task.kill()
                task.join()
        finally:
            super().cancel()


# --- the single-process writer -----------------------------------------------------

def next_docnum(writer: SegmentWriter) -> int:
    """The number the writer's next document gets in the segment it writes."""
    return writer.docnum


def new_segment_id(writer: SegmentWriter) -> str:
    """The id of the segment the writer writes its documents into."""
    return writer.newsegment.segment_id()


def quantized_length(length: int) -> int:
    """A field length as the segment stores it (one byte, so large ones are rounded),
    which is what BM25F reads back."""
    return byte_to_length(length_to_byte(length))
