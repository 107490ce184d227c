"""One indexer run: walk the corpus, extract what changed in workers, write one new
index generation, and report. Incremental unless asked for a full rebuild."""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TextIO

from kennisbank.analysis import DEFAULT_STEMMER
from kennisbank.engine.added import seconds_of
from kennisbank.engine.store import (
    IndexWriteSession,
    ManifestEntry,
    current_generation,
    document_count,
    writer_lock,
)
from kennisbank.evidence.update import EvidenceTypes
from kennisbank.indexer.extract import DEFAULT_TYPES, extract
from kennisbank.indexer.parsers.base import ParseError
from kennisbank.indexer.progress import Progress
from kennisbank.indexer.report import Failure, RunReport, load_report, save_report
from kennisbank.indexer.sidecar import SIDECAR_RULES
from kennisbank.indexer.walk import SourceFile, walk_corpus
from kennisbank.indexer.workers import ExtractionPool


class CorpusMissingError(FileNotFoundError):
    """The corpus folder does not exist; the message is Dutch."""


@dataclass(frozen=True)
class IndexOptions:
    corpus: Path
    index: Path
    full: bool = False
    jobs: int = 0
    timeout: float = 60.0
    memory_mb: int = 1024
    stemmer: str = DEFAULT_STEMMER
    writer_memory_mb: int = 0  # 0: a quarter of the machine's memory
    default_types: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_TYPES))
    # The first-added time of files new to the index (None: when the run starts).
    added_at: dt.datetime | None = None
    evidence_types: EvidenceTypes = field(default_factory=EvidenceTypes)

    @property
    def workers(self) -> int:
        return self.jobs if self.jobs > 0 else max(1, os.cpu_count() or 1)


Job = tuple[SourceFile, tuple[str, str] | None]
# What generations written before these facts were recorded were written under.
UNRECORDED_META = {"default_types": {"html": "webpagina"}, "sidecar_rules": 1}


def _extract_job(default_types: Mapping[str, str], stemmer: str, job: Job):
    return extract(*job, default_types=default_types, stemmer=stemmer)


def _extraction_meta(options: IndexOptions) -> dict[str, object]:
    """What an indexed document depends on besides its file and sidecar."""
    return {"default_types": dict(sorted(options.default_types.items())),
            "sidecar_rules": SIDECAR_RULES}


def _outdated(previous: dict, current: dict) -> Callable[[SourceFile], bool]:
    """Files to read again although they did not change, because what they were
    indexed under did: their format's default type, or (for files with a sidecar)
    stricter sidecar rules. Cheaper than a full rebuild: only those files are read."""
    old = previous.get("default_types", UNRECORDED_META["default_types"])
    new = current["default_types"]
    formats = {fmt for fmt in {*old, *new} if old.get(fmt, "") != new.get(fmt, "")}
    rules = previous.get("sidecar_rules", UNRECORDED_META["sidecar_rules"])
    recheck = rules != current["sidecar_rules"]
    return lambda source: source.format in formats or (
        recheck and (source.sidecar is not None or bool(source.sidecar_problem)))


def _now() -> str:
    return dt.datetime.now(dt.UTC).astimezone().isoformat(timespec="seconds")


def _plan(files: list[SourceFile], manifest: dict[str, ManifestEntry], report: RunReport,
          rebuild: bool, must_read: Callable[[SourceFile], bool]) -> list[Job]:
    """Which files to read: on a rebuild all of them, else those whose size, mtime or
    sidecar changed (their content hash then decides), and those `must_read` (parsed
    in full: their content is known, but not valid under today's settings)."""
    jobs: list[Job] = []
    for source in files:
        entry = manifest.get(source.relpath)
        current = entry is not None and not rebuild and not must_read(source)
        if current and entry.stat_key == source.stat_key:
            report.unchanged += 1
            continue
        known = (entry.sha256, entry.sidecar_sha256) if current else None
        jobs.append((source, known))
    return jobs


def _must_read(index: Path, previous_meta: dict, options: IndexOptions
               ) -> Callable[[SourceFile], bool]:
    """Outdated files (see _outdated), and the files that failed last time: a failed
    file is tried again on every run until it succeeds, also when an older version
    of it, unchanged on disk, is what the index holds."""
    outdated = _outdated(previous_meta, _extraction_meta(options))
    failed = {f.get("path") for f in (load_report(index) or {}).get("failed", [])}
    return lambda source: source.relpath in failed or outdated(source)


def _apply(session: IndexWriteSession, options: IndexOptions, jobs: list[Job],
           known_paths: set[str], report: RunReport, progress: Progress) -> None:
    pool = ExtractionPool(partial(_extract_job, options.default_types, options.stemmer),
                          options.workers,
                          options.timeout, options.memory_mb)
    for outcome in pool.run(jobs):
        source, _known = outcome.job
        progress.step(source.relpath)
        if outcome.error is not None:
            kept = session.keep_previous(source.relpath)
            report.failed.append(_failure(source, outcome.error, kept))
        elif outcome.result is None:
            report.unchanged += 1
        else:
            session.upsert(outcome.result)
            is_known = source.relpath in known_paths
            (report.updated if is_known else report.added).append(source.relpath)
            report.warnings.extend({"path": source.relpath, "warning": w}
                                   for w in outcome.result.warnings)


def _failure(source: SourceFile, error: ParseError, kept: bool) -> Failure:
    return Failure(path=source.relpath, code=error.code, reason=error.reason_nl,
                   kept_previous=kept)


def _carried_warnings(index: Path, present: set[str], report: RunReport) -> list[dict]:
    """Warnings of files this run did not read again: they still hold (an incremental
    run must not forget that a PDF has pages without text)."""
    reread = {*report.added, *report.updated, *(f.path for f in report.failed)}
    previous = load_report(index) or {}
    return [w for w in previous.get("warnings", [])
            if w.get("path") in present and w.get("path") not in reread]


def run_index(options: IndexOptions, progress_stream: TextIO | None = None) -> RunReport:
    """Index the corpus into options.index and return (and save) the run's report."""
    if not options.corpus.is_dir():
        raise CorpusMissingError(f"De map met documenten bestaat niet: {options.corpus}")
    began = time.monotonic()
    report = RunReport(corpus=str(options.corpus.resolve()), started=_now(), full=options.full)
    files, skipped = walk_corpus(options.corpus)
    report.skipped = [{"path": s.relpath, "reason": s.reason} for s in skipped]
    with writer_lock(options.index):
        with IndexWriteSession(options.index, options.stemmer, options.full,
                               writer_procs=options.workers,
                               writer_memory_mb=options.writer_memory_mb,
                               corpus=report.corpus,
                               meta=_extraction_meta(options),
                               added_at=seconds_of(options.added_at or dt.datetime.now()),
                               evidence_types=options.evidence_types) as session:
            report.damaged = [{"generation": name, "problem": problem}
                              for name, problem in session.damaged]
            report.repaired_from = session.previous or "" if session.damaged else ""
            manifest = session.manifest()
            must_read = _must_read(options.index, session.previous_meta(), options)
            jobs = _plan(files, manifest, report, session.rebuild, must_read)
            session.ensure_room(sum(source.size for source, _known in jobs))
            present = {source.relpath for source in files}
            for path in sorted(set(manifest) - present):
                session.delete(manifest[path].doc_id)
                report.removed.append(path)
            progress = Progress(len(jobs), progress_stream)
            _apply(session, options, jobs, set(manifest), report, progress)
            kept = sum(1 for failure in report.failed if failure.kept_previous)
            session.expected_documents = (report.unchanged + len(report.added)
                                          + len(report.updated) + kept)
        report.warnings = _carried_warnings(options.index, present, report) + report.warnings
        report.generation = current_generation(options.index) or ""
        report.documents = document_count(options.index)
        report.finished = _now()
        report.seconds = round(time.monotonic() - began, 2)
        save_report(options.index, report)
    return report
