"""Index storage: generations on disk, the single-writer lock, and the write session.

Layout of an index directory:
    CURRENT            name of the generation readers use (replaced atomically)
    gen-000007/        a complete Whoosh index + generation.json
    indexer.lock       held (flock) by the running indexer, holds its pid
    last-run.json      report of the last indexer run

Every run that changes something writes a *new* generation (hard-linked from the
current one, since Whoosh never rewrites a file in place), commits, and only then
points CURRENT at it. Readers therefore never see a half-written index, and a crash
leaves the previous generation untouched.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import shutil
import weakref
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh import writing
from whoosh.filedb.filestore import FileStorage
from whoosh.query import Term
from whoosh.searching import Searcher

from kennisbank.analysis import DEFAULT_STEMMER
from kennisbank.engine import added as added_times
from kennisbank.engine.diskspace import bytes_needed, ensure_free_space, folder_bytes
from kennisbank.engine.document_columns import COLUMNS_FILE, write_document_columns
from kennisbank.engine.generations import (
    CURRENT_FILE,
    current_generation,
    generation_meta,
    intact_generation,
    next_generation_name,
    open_index_folder,
    remove_old_generations,
    remove_unpublished,
)
from kennisbank.engine.integrity import (
    FILES_KEY,
    GENERATION_META,
    READERS_LOCK,
    file_sums,
    read_recorded,
)
from kennisbank.engine.parallel import ParallelWriter, use_vocabulary
from kennisbank.engine.posting_arrays import SUFFIX as ARRAYS_SUFFIX
from kennisbank.engine.posting_arrays import SegmentArrays
from kennisbank.engine.schema import FACET_MULTI, SCHEMA_VERSION, build_schema
from kennisbank.engine.segment_arrays import write_missing_arrays
from kennisbank.engine.whoosh_internals import new_segment_id, next_docnum
from kennisbank.engine.word_postings import FIELD as WORDS
from kennisbank.engine.word_postings import WordPostings
from kennisbank.evidence import similarity
from kennisbank.evidence.store import PassageTableBuilder
from kennisbank.evidence.update import EvidenceSummary, EvidenceTypes, update_evidence
from kennisbank.records import DocumentRecord, document_id

LOCK_FILE = "indexer.lock"
EVIDENCE_META_KEY = "evidence_types"  # in generation.json
REPORT_FILE = "last-run.json"  # written by the indexer (kennisbank.indexer.report)
# Whoosh's posting pool per writer process (`limitmb`, in Whoosh's own estimate; the
# process grows to about POOL_OVERHEAD times that). While a segment's postings fit,
# they are sorted in memory and written once; past it, sorted runs spill to disk and
# are merged again in Python at commit, which cost a quarter of the writer's CPU in a
# 2,500-document test (docs/performance.md).
MIN_POOL_MB, MAX_POOL_MB = 128, 4096
POOL_OVERHEAD = 1.6
CGROUP_MEMORY_MAX = Path("/sys/fs/cgroup/memory.max")


def available_memory_mb() -> int:
    """Physical memory, or the container's limit when that is lower."""
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    with contextlib.suppress(OSError, ValueError):
        total = min(total, int(CGROUP_MEMORY_MAX.read_text().strip()))  # "max": no limit
    return total // (1024 * 1024)


def writer_pool_mb(budget_mb: int, procs: int) -> int:
    """Whoosh's `limitmb` for each of `procs` writer processes sharing `budget_mb`
    (0: a quarter of the machine's memory, as search engines size their indexing
    buffers), within Whoosh's default and 4 GB."""
    if budget_mb <= 0:
        budget_mb = available_memory_mb() // 4
    per_process = budget_mb / max(1, procs) / POOL_OVERHEAD
    return int(min(MAX_POOL_MB, max(MIN_POOL_MB, per_process)))


class IndexBusyError(RuntimeError):
    """Another indexer holds the lock; the message is Dutch and names its process."""


class IndexMissingError(RuntimeError):
    """No complete index exists yet at the given path."""


class IndexCheckError(RuntimeError):
    """A freshly written generation failed its check; it is not published."""


class GenerationGoneError(RuntimeError):
    """The generation was removed between reading CURRENT and opening it."""


@dataclass(frozen=True)
class ManifestEntry:
    """What the index knows about one file, to decide whether to re-read it."""

    doc_id: str
    sha256: str
    sidecar_sha256: str
    stat_key: str
    added: int = 0  # seconds since 1970 when the path first entered the index


def atomic_write_text(path: Path, text: str) -> None:
    """Write via a temp file + fsync + rename, so readers see old or new, never half."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def recorded_corpus(root: Path) -> Path | None:
    """The corpus folder the current generation was built from (older generations,
    which did not record it: the last run's report), or None."""
    generation = current_generation(root)
    with contextlib.suppress(OSError, ValueError, AttributeError, TypeError):
        if generation is not None and generation_meta(root, generation).get("corpus"):
            return Path(generation_meta(root, generation)["corpus"])
        report = json.loads((root / REPORT_FILE).read_text(encoding="utf-8"))
        return Path(report["corpus"]) if report.get("corpus") else None
    return None


def open_generation(root: Path, generation: str) -> whoosh_index.Index:
    """Open a generation for reading (see open_index_folder)."""
    return open_index_folder(root / generation)


class GenerationLease:
    """A shared lock on a generation, held while a reader uses it: the indexer deletes
    only generations it can lock exclusively. Released by `close()`, or when the
    reader is garbage-collected."""

    def __init__(self, root: Path, generation: str) -> None:
        if not (root / generation / GENERATION_META).is_file():
            raise GenerationGoneError(generation)
        try:
            # Created if missing: generations published by older releases have none.
            fd = os.open(root / generation / READERS_LOCK, os.O_RDONLY | os.O_CREAT, 0o644)
        except FileNotFoundError:
            raise GenerationGoneError(generation) from None
        except OSError:  # a read-only index: nobody can delete it under us either
            self._release = lambda: None
            return
        self._release = weakref.finalize(self, os.close, fd)
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:  # the indexer is deleting it right now
            self.close()
            raise GenerationGoneError(generation) from None
        if not (root / generation / GENERATION_META).is_file():
            self.close()
            raise GenerationGoneError(generation)

    def close(self) -> None:
        self._release()


@contextlib.contextmanager
def writer_lock(root: Path) -> Iterator[None]:
    """Hold the one-writer lock. flock is released by the OS when a process dies, so a
    lock left by a killed indexer never blocks the next run."""
    root.mkdir(parents=True, exist_ok=True)
    lock_path = root / LOCK_FILE
    handle = open(lock_path, "a+", encoding="utf-8")  # noqa: SIM115 - held for the block
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            pid = handle.read().strip() or "onbekend"
            raise IndexBusyError(
                f"Er draait al een indexering op {root} (proces {pid}). "
                "Wacht tot die klaar is en probeer het daarna opnieuw."
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        handle.close()


def _link_copy(source: Path, target: Path) -> None:
    """The previous generation's index files, hard-linked (Whoosh writes new files and
    never changes old ones). Locks and the completion marker are not carried over: an
    unfinished generation must not look complete."""
    target.mkdir()
    for item in source.iterdir():
        if item.is_file() and not (item.name in (GENERATION_META, READERS_LOCK)
                                   or item.name.endswith(("WRITELOCK", ".lock"))):
            try:
                os.link(item, target / item.name)
            except OSError:
                shutil.copy2(item, target / item.name)


def _record_fields(record: DocumentRecord) -> dict[str, object]:
    fields: dict[str, object] = {
        "id": record.id,
        "path": record.path,
        "sha256": record.sha256,
        "sidecar_sha256": record.sidecar_sha256,
        "stat_key": record.stat_key,
        "title": record.title,
        "body": record.text,
        "words": record.vocabulary or f"{record.title}\n{record.text}",
        "date": _date_number(record.date, record.year),
        "added": added_times.seconds_from_iso(record.added),
        "record": asdict(replace(record, vocabulary="", passage_terms=None)),
    }
    for name, values in record.facet_values().items():
        clean = [v.replace(",", " ").strip() for v in values if v.strip()]
        if clean:
            fields[name] = ",".join(clean) if FACET_MULTI[name] else clean[0]
    return fields


def _date_number(date: str, year: int | None) -> int:
    """yyyymmdd as an int for sorting; 0 when unknown (sorts last when newest first)."""
    digits = "".join(ch for ch in date if ch.isdigit())[:8]
    if len(digits) == 8:
        return int(digits)
    if year:
        return year * 10000
    return 0


class IndexWriteSession:
    """One indexer run's changes, applied to a fresh generation and published at the end.

    Use as a context manager: leaving the block normally commits and publishes;
    an exception discards the new generation and leaves readers where they were.
    """

    def __init__(self, root: Path, stemmer: str = DEFAULT_STEMMER, full: bool = False,
                 writer_procs: int = 1, writer_memory_mb: int = 0, corpus: str = "",
                 meta: dict[str, object] | None = None, added_at: int | None = None,
                 evidence_types: EvidenceTypes | None = None) -> None:
        """`writer_procs` > 1: a rebuild analyses and writes in that many processes
        (see parallel.py); incremental runs change few documents and use one.
        `writer_memory_mb`: what the writers' posting pools may hold together (0: a
        quarter of the machine's memory). `corpus`: the folder the documents come
        from, recorded so that readers can serve the original files. `meta`: more
        facts the documents were written under, recorded in generation.json so that
        the next run can tell which documents a changed setting affects.
        `added_at`: the first-added time (seconds since 1970, default now) of the
        documents whose path the previous generation did not hold."""
        self.root = root
        self.corpus = corpus
        self.meta = meta or {}
        self.stemmer = stemmer
        self.full = full
        self.writer_procs = writer_procs
        self.writer_memory_mb = writer_memory_mb
        remove_unpublished(root)  # left by a killed run: never read, only in the way
        # The generation to build on: the current one if every file matches its
        # checksum, else the newest intact one before it (nothing from a damaged
        # generation is used, also not by --full); none: a rebuild from scratch.
        self.previous, self.damaged = intact_generation(
            root, lambda name: open_generation(root, name).doc_count())
        self.repairing = bool(self.damaged) or self.previous != current_generation(root)
        self.generation = next_generation_name(root)
        self.path = root / self.generation
        self._writer: writing.IndexWriter | None = None
        self.changed = False
        self.expected_documents: int | None = None  # set by the caller before leaving
        self._probe: DocumentRecord | None = None
        self.added_at = (added_times.seconds_of(dt.datetime.now()) if added_at is None
                         else added_at)
        self._manifest: dict[str, ManifestEntry] | None = None
        self.evidence_types = evidence_types or EvidenceTypes()
        self.evidence: EvidenceSummary | None = None
        # What the evidence files need to know of this run (kennisbank/evidence).
        self._read = PassageTableBuilder()  # passage terms of the documents read
        self._carried: set[str] = set()  # upserted from the previous generation
        self._deleted: set[str] = set()
        self._words: WordPostings | None = None  # single-process writer only

    def needs_full_rebuild(self) -> bool:
        if self.full or self.previous is None:
            return True
        meta = generation_meta(self.root, self.previous)
        return meta.get("schema_version") != SCHEMA_VERSION or meta.get("stemmer") != self.stemmer

    def __enter__(self) -> IndexWriteSession:
        self.rebuild = self.needs_full_rebuild()
        # A corpus that moved (same files, new folder) is published anew, so that
        # readers find the originals where they are now.
        self.corpus_moved = not self.rebuild and self.corpus != generation_meta(
            self.root, self.previous).get("corpus", self.corpus)
        # Other document types joined as guidance and research, or another threshold:
        # the links are recomputed (from the passage terms kept; no file is read again).
        self.evidence_outdated = not self.rebuild and self._evidence_meta() != generation_meta(
            self.root, self.previous).get(EVIDENCE_META_KEY)
        # A generation written before its document columns (document_columns.py) is
        # published anew with them: its readers would otherwise pay for them at start.
        self.columns_missing = not self.rebuild and not (
            self.root / self.previous / COLUMNS_FILE).is_file()
        if self.rebuild:
            self.path.mkdir()
            ix = FileStorage(str(self.path), supports_mmap=False).create_index(
                build_schema(self.stemmer))
        else:
            _link_copy(self.root / self.previous, self.path)
            ix = open_index_folder(self.path)
        if self.rebuild and self.writer_procs > 1:
            limit = writer_pool_mb(self.writer_memory_mb, self.writer_procs)
            self._writer = ParallelWriter(ix, procs=self.writer_procs, limitmb=limit)
        else:
            self._writer = ix.writer(limitmb=writer_pool_mb(self.writer_memory_mb, 1))
        return self

    def ensure_room(self, source_bytes: int) -> None:
        """Stop before writing (DiskSpaceError) when the disk cannot hold what this
        run will write: `source_bytes` of files to read (see diskspace.py)."""
        if not source_bytes and not self.rebuild:
            return
        previous = folder_bytes(self.root / self.previous) if self.previous else None
        ensure_free_space(self.root, bytes_needed(self.rebuild, previous, source_bytes))

    def previous_meta(self) -> dict:
        """generation.json of the generation this run starts from ({} if none)."""
        return generation_meta(self.root, self.previous) if self.previous else {}

    def manifest(self) -> dict[str, ManifestEntry]:
        """What the previous generation holds, per path (also on a rebuild, so the
        run can tell new files from known ones, and carry over when each came in)."""
        if self._manifest is None:
            self._manifest = {} if self.previous is None else read_manifest(
                open_generation(self.root, self.previous),
                added_times.published_seconds(self.root / self.previous))
        return self._manifest

    def first_added(self, path: str) -> int:
        """When `path` first entered the index: as the previous generation recorded it
        (whether the file changed or not, and also on a rebuild), else now."""
        entry = self.manifest().get(path)
        return entry.added if entry is not None and entry.added else self.added_at

    def keep_previous(self, path: str) -> bool:
        """Keep the last indexed version of a file that failed this time. An
        incremental generation still holds it; a rebuild copies it over."""
        if self.previous is None:
            return False
        with open_generation(self.root, self.previous).searcher() as searcher:
            docnum = searcher.document_number(id=document_id(path))
            if docnum is None:
                return False
            record = searcher.stored_fields(docnum)["record"]
        if self.rebuild:
            self.upsert(DocumentRecord(**record))
        return True

    def upsert(self, record: DocumentRecord) -> None:
        """Write one document, with the time its path first entered the index."""
        record = replace(record, added=added_times.iso_time(self.first_added(record.path)))
        if not self.changed:
            self._use_corpus_vocabulary()
        if record.passage_terms is None:
            self._carried.add(record.id)
        else:
            self._read.add(record.id, record.doctype, record.passage_terms)
        fields = _record_fields(record)
        if not isinstance(self._writer, ParallelWriter):  # its processes take `words`
            self._collect_words(fields.pop(WORDS))
        if self.rebuild:  # a fresh index: nothing to replace
            self._writer.add_document(**fields)
        else:
            self._writer.update_document(**fields)
        self.changed = True
        self._probe = record

    def _collect_words(self, value: str) -> None:
        """The `words` postings of the document about to be written (word_postings.py)."""
        if self._words is None:
            self._words = WordPostings(self._writer.schema[WORDS])
        self._words.add_document(next_docnum(self._writer), value)

    def _use_corpus_vocabulary(self) -> None:
        """Compound splitting also knows the words of the indexed corpus (taken from the
        previous generation, so it costs nothing when no file changed)."""
        if self.previous is None:
            return
        folder = self.root / self.previous
        with open_generation(self.root, self.previous).reader() as reader:
            counts = _vocabulary_from_arrays(folder, reader)
            if counts is None:  # a generation written before the arrays had them
                counts = {(term.decode("utf-8") if isinstance(term, bytes) else term):
                          info.doc_frequency() for term, info in reader.iter_field("words")}
        use_vocabulary(self._writer.schema, counts)
        if isinstance(self._writer, ParallelWriter):
            self._writer.vocabulary = counts

    def delete(self, doc_id: str) -> None:
        self._writer.delete_by_term("id", doc_id)
        self._read.discard(doc_id)
        self._deleted.add(doc_id)
        self.changed = True

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is not None or not (self.changed or self.rebuild or self.corpus_moved
                                        or self.repairing or self.evidence_outdated
                                        or self.columns_missing):
            with contextlib.suppress(Exception):  # already failing: keep the first error
                self._writer.cancel()
            shutil.rmtree(self.path, ignore_errors=True)
            if exc_type is None:
                self._record_missing_sums()
            return
        try:
            mergetype = writing.CLEAR if self.rebuild else writing.MERGE_SMALL
            self._writer.commit(mergetype=mergetype)
            failure = self._writer.failure() if isinstance(
                self._writer, ParallelWriter) else None
            if failure is not None:
                raise failure
            # One reader for all that follows the commit: each open of a large index
            # reads its term tables again (1.6 s at 100k documents).
            with open_index_folder(self.path).searcher() as searcher:
                reader = searcher.reader()
                write_missing_arrays(self.path, reader, self._collected_words(),
                                     self.root / self.previous if self.previous else None)
                write_document_columns(self.path, reader)
                self._write_evidence()
                self._check(searcher)
            self._make_durable()
        except BaseException:
            shutil.rmtree(self.path, ignore_errors=True)
            raise
        # The switch: one atomic rename. If it fails, readers stay on the previous
        # generation and the next run removes this one.
        atomic_write_text(self.root / CURRENT_FILE, self.generation + "\n")
        # The previous intact generation stays: readers fall back to it, and the next
        # run repairs from it, should this one be damaged later.
        remove_old_generations(self.root, keep={self.generation, self.previous})

    def _evidence_meta(self) -> dict[str, list[str] | float]:
        return {"guidance": list(self.evidence_types.guidance),
                "research": list(self.evidence_types.research),
                "threshold": similarity.MIN_SCORE}

    def _write_evidence(self) -> None:
        """The evidence files (kennisbank/evidence): passage terms and links, updated
        for the documents this run read or removed. A rebuild keeps from the previous
        generation only the documents it copied over."""
        previous = self.root / self.previous if self.previous else None
        self.evidence = update_evidence(self.path, previous, self._keeps_previous,
                                        self._read.table(), self.evidence_types,
                                        full=self.rebuild or self.evidence_outdated)

    def _keeps_previous(self, doc_id: str) -> bool:
        """Whether the new generation holds the previous generation's version of a
        document this run did not read."""
        return doc_id in self._carried if self.rebuild else doc_id not in self._deleted

    def _collected_words(self) -> dict[str, WordPostings]:
        """segment id -> the `words` postings this process wrote into it."""
        if self._words is None:
            return {}
        return {new_segment_id(self._writer): self._words}

    def _check(self, searcher: Searcher) -> None:
        """Check the new generation, opened as a reader will, before anyone else does:
        the expected number of documents, and the last document written is found by
        its id and by a word of its text."""
        count = searcher.doc_count()
        if self.expected_documents is not None and count != self.expected_documents:
            raise IndexCheckError(
                f"de nieuwe index bevat {count} documenten in plaats van "
                f"{self.expected_documents}")
        if self._probe is not None and not self._finds(searcher, self._probe):
            raise IndexCheckError(
                f"de proefzoekvraag vindt {self._probe.path} niet terug")

    @staticmethod
    def _finds(searcher: Searcher, record: DocumentRecord) -> bool:
        docnum = searcher.document_number(id=record.id)
        if docnum is None:
            return False
        analyzer = searcher.schema["body"].analyzer
        word = next(iter(analyzer(record.text[:2000])), None) if record.text else None
        if word is None:
            return True
        return docnum in set(searcher.docs_for_query(Term("body", word.text)))

    def _make_durable(self) -> None:
        """fsync every file of the new generation before readers may see it (Whoosh
        itself never calls fsync), then mark it complete."""
        (self.path / READERS_LOCK).touch()
        for item in self.path.iterdir():
            with open(item, "rb") as handle:
                os.fsync(handle.fileno())
        meta = {**self.meta, "schema_version": SCHEMA_VERSION, "stemmer": self.stemmer,
                "corpus": self.corpus, EVIDENCE_META_KEY: self._evidence_meta(),
                FILES_KEY: self._file_sums()}
        atomic_write_text(self.path / GENERATION_META, json.dumps(meta))

    def _file_sums(self) -> dict[str, dict]:
        """Checksums of the new generation's files; those hard-linked from the previous
        (intact, checked at the start of this run) generation are not read again."""
        if self.previous is None:
            return file_sums(self.path)
        previous = self.root / self.previous
        return file_sums(self.path, previous, read_recorded(previous))

    def _record_missing_sums(self) -> None:
        """A generation published before checksums were recorded gets them, once, when
        a run finds it intact and has nothing to change."""
        if self.previous is None:
            return
        folder = self.root / self.previous
        if read_recorded(folder) is None:
            meta = {**generation_meta(self.root, self.previous), FILES_KEY: file_sums(folder)}
            atomic_write_text(folder / GENERATION_META, json.dumps(meta))


def _vocabulary_from_arrays(folder: Path, reader: Any) -> dict[str, int] | None:
    """word -> documents of the `words` field, summed over the segments' posting
    arrays (a second for 10,000 documents through Whoosh's per-segment term lookups,
    a few milliseconds from the arrays); None when a segment has none."""
    counts: Counter[str] = Counter()
    for leaf, _offset in reader.leaf_readers():
        path = folder / f"{leaf.segment().segment_id()}{ARRAYS_SUFFIX}"
        try:
            field = SegmentArrays(path).field("words")
        except (OSError, ValueError):
            return None
        if field is None:
            return None
        counts.update(field.document_frequencies())
    return dict(counts)


def read_manifest(ix: whoosh_index.Index, unrecorded_added: int = 0
                  ) -> dict[str, ManifestEntry]:
    """path -> ManifestEntry from the index's own columns (no stored text is read).
    `unrecorded_added`: the first-added time of documents in an index written before
    that time was recorded (see engine/added.py)."""
    with ix.reader() as reader:
        # Whole columns at once: a column read value by value costs a seek and a
        # Python call each (0.4 s of every run at 10k documents).
        columns = {
            name: list(reader.column_reader(name))
            for name in ("path", "sha256", "sidecar_sha256", "stat_key")
        }
        added = list(reader.column_reader(added_times.FIELD)) if (
            added_times.FIELD in reader.schema) else None
        entries = {}
        for docnum in reader.all_doc_ids():
            path = columns["path"][docnum]
            entries[path] = ManifestEntry(
                doc_id=document_id(path),
                sha256=columns["sha256"][docnum],
                sidecar_sha256=columns["sidecar_sha256"][docnum],
                stat_key=columns["stat_key"][docnum],
                added=(added[docnum] if added is not None else 0) or unrecorded_added,
            )
    return entries




def document_count(root: Path) -> int:
    generation = current_generation(root)
    if generation is None:
        return 0
    with open_generation(root, generation).searcher() as searcher:
        return searcher.doc_count()
