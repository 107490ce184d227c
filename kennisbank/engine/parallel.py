"""Whoosh's multi-process writer, made safe for full rebuilds.

Why: in a rebuild the single writer process is the bottleneck (analysis and posting
encoding take about four fifths of the CPU; the extraction workers mostly wait for it).
Whoosh's MpWriter hands batches of documents to writer processes that each build their
own segment, and with `multisegment` the segments are kept as they are (no merge at
commit). What we add:

- the writer processes die with the indexer (even on kill -9) and leave Ctrl-C to it;
- they analyse with the corpus vocabulary the parent's analyzer was given (compound
  splitting uses it; a writer process opens the index itself, so its analyzer would
  otherwise start without it);
- `cancel()` stops them (engine/whoosh_internals.py, where the hooks into MpWriter
  live);
- a writer process that fails says why with its exit status (`failure()`);
- a writer process collects the `words` postings itself (word_postings.py) and,
  once its segment is complete, writes the segment's posting arrays
  (segment_arrays.py): in parallel, instead of one after the other after commit.

A writer process that fails loses its segment's documents; the store's check of the
document count before publishing turns that into a failed run, not a smaller index.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from whoosh.fields import Schema

from kennisbank.engine.segment_arrays import write_arrays
from kennisbank.engine.whoosh_internals import HookedMpWriter, HookedSubWriter, next_docnum
from kennisbank.engine.word_postings import FIELD as WORDS
from kennisbank.engine.word_postings import WordPostings
from kennisbank.processes import die_with_parent

ANALYZED_FIELDS = ("title", "body", "words")
OS_ERROR_EXIT = 100  # a writer process's exit status for an OSError: this + errno


class WriterProcessError(Exception):
    """A writer process ended with an error other than an OSError; Dutch message."""


def use_vocabulary(schema: Schema, counts: Mapping[str, int]) -> None:
    """Give the schema's Dutch analyzers the corpus vocabulary (word -> documents)."""
    analyzers = {id(a): a for a in (schema[name].analyzer.analyzer for name in ANALYZED_FIELDS)}
    for analyzer in analyzers.values():
        analyzer.use_vocabulary(counts)


class _WriterProcess(HookedSubWriter):
    def __init__(self, *whoosh_args: object, vocabulary: Mapping[str, int] | None,
                 parent_pid: int) -> None:
        super().__init__(*whoosh_args)
        self.daemon = True
        self.vocabulary = vocabulary
        self.parent_pid = parent_pid
        self.words: WordPostings | None = None

    def run(self) -> None:
        """A failure ends the process with an exit status, not a traceback on the
        user's terminal: an OSError (a full disk) as OS_ERROR_EXIT + errno, so the
        indexer can say in Dutch what went wrong (`ParallelWriter.failure`)."""
        die_with_parent(self.parent_pid)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the indexer's to handle
        try:
            super().run()
        except OSError as exc:
            known = exc.errno is not None and 0 < exc.errno < 256 - OS_ERROR_EXIT
            raise SystemExit(OS_ERROR_EXIT + exc.errno if known else 1) from None
        except Exception:
            raise SystemExit(1) from None

    def prepare(self, schema: Schema) -> None:
        if self.vocabulary:
            use_vocabulary(schema, self.vocabulary)
        self.words = WordPostings(schema[WORDS])

    def add(self, writer: Any, fields: dict[str, Any]) -> None:
        self.words.add_document(next_docnum(writer), fields.pop(WORDS, None))
        writer.add_document(**fields)

    def finished(self, reader: Any) -> None:
        write_arrays(Path(self.storage.folder), reader, self.words)


class ParallelWriter(HookedMpWriter):
    """Set `vocabulary` before adding documents: writer processes start with the
    first batch and take it along."""

    def __init__(self, ix, procs: int, **kwargs: object) -> None:
        super().__init__(ix, procs=procs, multisegment=True, **kwargs)
        self.vocabulary: Mapping[str, int] | None = None

    def new_process(self, *whoosh_args: object) -> _WriterProcess:
        return _WriterProcess(*whoosh_args, vocabulary=self.vocabulary,
                              parent_pid=os.getpid())

    def failure(self) -> Exception | None:
        """Why a writer process failed (after commit, when all have ended), or None."""
        for task in self.processes():
            code = task.exitcode
            if code is not None and code > OS_ERROR_EXIT:
                number = code - OS_ERROR_EXIT
                return OSError(number, os.strerror(number))
            if code:
                return WriterProcessError(
                    f"een schrijfproces van de index stopte onverwacht (code {code})")
        return None
