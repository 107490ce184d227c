"""Finding the documents in a corpus folder, and saying what was left out and why."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from indexer.sidecar import SIDECAR_SUFFIX, sidecar_path

FORMATS: dict[str, str] = {
    ".pdf": "pdf", ".html": "html", ".htm": "html", ".txt": "txt", ".md": "md",
}
TEMP_SUFFIXES = ("~", ".tmp", ".swp", ".swo", ".part", ".crdownload")


@dataclass(frozen=True)
class SourceFile:
    path: Path
    relpath: str  # POSIX, relative to the corpus root: the document's identity
    format: str
    size: int
    mtime_ns: int
    sidecar: Path | None
    stat_key: str  # changes whenever the file or its sidecar is touched


@dataclass(frozen=True)
class SkippedFile:
    relpath: str
    reason: str  # Dutch


def _skip_reason(name: str) -> str | None:
    if name.startswith("."):
        return "verborgen bestand"
    if name.startswith(("~$", ".~lock")) or name.endswith(TEMP_SUFFIXES):
        return "tijdelijk bestand van een editor of Office"
    return None


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root)
    except ValueError:
        return False
    return True


def _stat_key(stat: os.stat_result, sidecar_stat: os.stat_result | None) -> str:
    key = f"{stat.st_size}:{stat.st_mtime_ns}"
    if sidecar_stat is not None:
        key += f"|{sidecar_stat.st_size}:{sidecar_stat.st_mtime_ns}"
    return key


def _source(path: Path, relpath: str, fmt: str) -> SourceFile:
    stat = path.stat()
    sidecar = sidecar_path(path)
    sidecar_stat = sidecar.stat() if sidecar.is_file() else None
    return SourceFile(
        path=path, relpath=relpath, format=fmt, size=stat.st_size, mtime_ns=stat.st_mtime_ns,
        sidecar=sidecar if sidecar_stat else None, stat_key=_stat_key(stat, sidecar_stat),
    )


def _classify(path: Path, root: Path, relpath: str) -> SourceFile | SkippedFile | None:
    """A file to index, a file skipped with a reason, or None for sidecars."""
    reason = _skip_reason(path.name)
    if reason:
        return SkippedFile(relpath, reason)
    if path.name.endswith(SIDECAR_SUFFIX):
        return None
    if path.is_symlink() and not _inside(path, root):
        return SkippedFile(relpath, "snelkoppeling naar een plek buiten de verzameling")
    if not path.is_file():
        return SkippedFile(relpath, "geen gewoon bestand")
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        return SkippedFile(relpath, f"bestandstype '{path.suffix or 'zonder extensie'}' "
                                    "wordt niet ondersteund")
    try:
        return _source(path, relpath, fmt)
    except OSError as exc:
        return SkippedFile(relpath, f"kan niet gelezen worden ({exc.strerror})")


def walk_corpus(root: Path) -> tuple[list[SourceFile], list[SkippedFile]]:
    """All indexable files under root (recursively, sorted) and everything skipped.
    Hidden folders and symlinked folders are not entered."""
    root = root.resolve()
    files: list[SourceFile] = []
    skipped: list[SkippedFile] = []
    for folder, dirnames, filenames in os.walk(root):
        folder_path = Path(folder)
        for name in sorted(dirnames):
            if name.startswith(".") or (folder_path / name).is_symlink():
                rel = (folder_path / name).relative_to(root).as_posix() + "/"
                why = "verborgen map" if name.startswith(".") else "snelkoppeling naar een map"
                skipped.append(SkippedFile(rel, why))
        dirnames[:] = sorted(d for d in dirnames
                             if not d.startswith(".") and not (folder_path / d).is_symlink())
        for name in sorted(filenames):
            path = folder_path / name
            result = _classify(path, root, path.relative_to(root).as_posix())
            if isinstance(result, SourceFile):
                files.append(result)
            elif result is not None:
                skipped.append(result)
    return files, skipped
