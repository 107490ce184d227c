"""The generations in an index folder: which is current, which are complete, which one
to build on or fall back to, and which may go.

A generation is *published* when its generation.json exists (written last, after every
file is on disk); CURRENT names the one readers use. The indexer keeps the previous
intact generation beside the current one, so a reader that finds the current one
damaged has a good one to fall back to, and the next run has one to repair from.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage

from kennisbank.engine.integrity import (
    GENERATION_META,
    READERS_LOCK,
    GenerationCheck,
    check_generation,
)

CURRENT_FILE = "CURRENT"
GENERATION_PREFIX = "gen-"


def open_index_folder(folder: Path) -> whoosh_index.Index:
    """Open a generation's Whoosh index through plain file reads, not mmap: Whoosh
    wraps each mmapped segment file it opens in a BytesIO, i.e. copies it. Every
    searcher then held a private copy of the index (8 request threads at 10k
    documents: 1.6 GB anonymous memory, against 44 MB without mmap;
    bench/memory_probe.py), and every open by the indexer copied the term tables (at
    100k documents 0.4 s and hundreds of MB each, several times per run)."""
    return FileStorage(str(folder), supports_mmap=False).open_index()


def _number(name: str) -> int | None:
    digits = name[len(GENERATION_PREFIX):]
    return int(digits) if name.startswith(GENERATION_PREFIX) and digits.isdigit() else None


def current_generation(root: Path) -> str | None:
    """Name of the generation readers should use, or None when there is none yet (or
    CURRENT does not name a published generation)."""
    try:
        name = (root / CURRENT_FILE).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    if _number(name) is None:
        return None
    return name if (root / name / GENERATION_META).is_file() else None


def generation_meta(root: Path, generation: str) -> dict:
    return json.loads((root / generation / GENERATION_META).read_text(encoding="utf-8"))


def published_generations(root: Path) -> list[str]:
    """Published generations, the current one first, then the others newest first."""
    found = sorted((p.name for p in _generation_dirs(root)
                    if (p / GENERATION_META).is_file()), key=_number, reverse=True)
    current = current_generation(root)
    return ([current] if current else []) + [name for name in found if name != current]


def next_generation_name(root: Path) -> str:
    numbers = [_number(p.name) for p in _generation_dirs(root)]
    return f"{GENERATION_PREFIX}{max(numbers, default=0) + 1:06d}"


def _generation_dirs(root: Path) -> list[Path]:
    with contextlib.suppress(FileNotFoundError):
        return [p for p in root.iterdir() if p.is_dir() and _number(p.name) is not None]
    return []


def intact_generation(root: Path, opens: Callable[[str], None]
                      ) -> tuple[str | None, list[tuple[str, str]]]:
    """The newest generation to build on, the current one if it is intact: every file
    checked against its checksum, and `opens(name)` (the engine opening it) without an
    error. Also the damaged generations passed over, with what is wrong (Dutch)."""
    damaged: list[tuple[str, str]] = []
    for name in published_generations(root):
        problem = check_generation(root / name)
        if problem is None:
            try:
                opens(name)
            except Exception as exc:  # any failure to open is damage to this generation
                problem = f"de index kan niet worden geopend ({exc.__class__.__name__})"
        if problem is None:
            return name, damaged
        damaged.append((name, problem))
    return None, damaged


@dataclass(frozen=True)
class GenerationReport:
    generation: str
    current: bool
    files: int  # index files with a recorded checksum
    problem: str | None  # Dutch; None when every file matches


def check_index(root: Path) -> list[GenerationReport]:
    """Every published generation checked file by file (the current one first)."""
    current = current_generation(root)
    reports = []
    for name in published_generations(root):
        check = GenerationCheck.of(root / name)
        problem = check.check(deep=True)
        reports.append(GenerationReport(name, name == current, len(check.recorded or {}),
                                        problem))
    return reports


def remove_unpublished(root: Path) -> None:
    """Half-built generations left by a killed run (no generation.json): no reader ever
    used them. Call with the writer lock held."""
    for path in _generation_dirs(root):
        if not (path / GENERATION_META).is_file():
            shutil.rmtree(path, ignore_errors=True)


def remove_old_generations(root: Path, keep: set[str | None]) -> None:
    """Delete generations no reader uses any more (and half-built ones left by a crash).
    One still leased by a reader is left for a later run."""
    for path in _generation_dirs(root):
        if path.name in keep:
            continue
        lock = path / READERS_LOCK
        if not lock.is_file():
            shutil.rmtree(path, ignore_errors=True)  # never published: no reader
            continue
        with open(lock, "rb") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue
            (path / GENERATION_META).unlink(missing_ok=True)  # late readers see it is gone
            shutil.rmtree(path, ignore_errors=True)
