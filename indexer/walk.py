"""Finding the documents in a corpus folder, and saying what was left out and why."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from kennisbank.indexer.sidecar import SIDECAR_SUFFIX

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


def _suffix(name: str) -> str:
    """Path.suffix without building a Path (`a.PDF` -> `.PDF`; `.x`, `a.` -> '')."""
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def _source(entry: os.DirEntry, relpath: str, fmt: str,
            sidecar: os.DirEntry | None) -> SourceFile:
    stat = entry.stat()
    sidecar_stat = sidecar.stat() if sidecar is not None and sidecar.is_file() else None
    return SourceFile(
        path=Path(entry.path), relpath=relpath, format=fmt, size=stat.st_size,
        mtime_ns=stat.st_mtime_ns, sidecar=Path(sidecar.path) if sidecar_stat else None,
        stat_key=_stat_key(stat, sidecar_stat),
    )


def _classify(entry: os.DirEntry, root: Path, relpath: str,
              siblings: dict[str, os.DirEntry]) -> SourceFile | SkippedFile | None:
    """A file to index, a file skipped with a reason, or None for sidecars."""
    reason = _skip_reason(entry.name)
    if reason:
        return SkippedFile(relpath, reason)
    if entry.name.endswith(SIDECAR_SUFFIX):
        return None
    if entry.is_symlink() and not _inside(Path(entry.path), root):
        return SkippedFile(relpath, "snelkoppeling naar een plek buiten de verzameling")
    if not entry.is_file():
        return SkippedFile(relpath, "geen gewoon bestand")
    suffix = _suffix(entry.name)
    fmt = FORMATS.get(suffix.lower())
    if fmt is None:
        return SkippedFile(relpath, f"bestandstype '{suffix or 'zonder extensie'}' "
                                    "wordt niet ondersteund")
    try:
        return _source(entry, relpath, fmt, siblings.get(entry.name + SIDECAR_SUFFIX))
    except OSError as exc:
        return SkippedFile(relpath, f"kan niet gelezen worden ({exc.strerror})")


def _is_folder(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def walk_corpus(root: Path) -> tuple[list[SourceFile], list[SkippedFile]]:
    """All indexable files under root (recursively, sorted) and everything skipped.
    Hidden folders and symlinked folders are not entered. One directory listing per
    folder and one stat per file (os.scandir): a run with nothing changed is mostly
    this walk."""
    root = root.resolve()
    files: list[SourceFile] = []
    skipped: list[SkippedFile] = []
    _walk(root, "", root, files, skipped)
    return files, skipped


def _walk(folder: Path, prefix: str, root: Path, files: list[SourceFile],
          skipped: list[SkippedFile]) -> None:
    """One folder's files (sorted by name), then its subfolders' (depth first)."""
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError as exc:
        skipped.append(SkippedFile(prefix or "./", f"map kan niet gelezen worden "
                                                   f"({exc.strerror})"))
        return
    folders = [entry for entry in entries if _is_folder(entry)]
    for entry in folders:
        if entry.name.startswith(".") or entry.is_symlink():
            why = "verborgen map" if entry.name.startswith(".") else "snelkoppeling naar een map"
            skipped.append(SkippedFile(f"{prefix}{entry.name}/", why))
    siblings = {entry.name: entry for entry in entries}
    folder_names = {entry.name for entry in folders}
    for entry in entries:
        if entry.name in folder_names:
            continue
        result = _classify(entry, root, prefix + entry.name, siblings)
        if isinstance(result, SourceFile):
            files.append(result)
        elif result is not None:
            skipped.append(result)
    for entry in folders:
        if not entry.name.startswith(".") and not entry.is_symlink():
            _walk(Path(entry.path), f"{prefix}{entry.name}/", root, files, skipped)
