"""Finding the documents in a corpus folder, and saying what was left out and why.

Sidecars are matched to their documents here: one that belongs to no indexed file (a
folder named like a sidecar, a sidecar whose document is gone or is not indexed) is
listed as skipped, and one that points outside the corpus is marked so that its
document fails without the target ever being read.
"""

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
    sidecar: Path | None  # the sidecar file to read (a symlink inside the corpus: resolved)
    stat_key: str  # changes whenever the file or its sidecar is touched
    sidecar_problem: str = ""  # Dutch: why the sidecar must not be read (fails the file)


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
    """Whether a path, its symlinks followed (a loop is left as it is), is under root."""
    try:
        Path(os.path.realpath(path)).relative_to(root)
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


def _sidecar_of(entry: os.DirEntry | None, root: Path
                ) -> tuple[Path | None, os.stat_result | None, str]:
    """The sidecar file to read, its stat (for the stat key) and a problem that fails
    the document. A symlink is followed only inside the corpus; outside, only the link
    itself is looked at."""
    if entry is None:
        return None, None, ""
    if not entry.is_symlink():
        return Path(entry.path), entry.stat(), ""
    link = entry.stat(follow_symlinks=False)
    if not _inside(Path(entry.path), root):
        return None, link, ("snelkoppeling naar een bestand buiten de verzameling; die "
                            "wordt niet gelezen")
    target = Path(os.path.realpath(entry.path))
    try:
        return target, target.stat(), ""
    except OSError:
        return None, link, "snelkoppeling naar een bestand dat niet bestaat"


def _source(entry: os.DirEntry, relpath: str, fmt: str, sidecar: os.DirEntry | None,
            root: Path) -> SourceFile:
    stat = entry.stat()
    sidecar_file, sidecar_stat, problem = _sidecar_of(sidecar, root)
    return SourceFile(
        path=Path(entry.path), relpath=relpath, format=fmt, size=stat.st_size,
        mtime_ns=stat.st_mtime_ns, sidecar=sidecar_file,
        stat_key=_stat_key(stat, sidecar_stat), sidecar_problem=problem,
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
        return _source(entry, relpath, fmt, siblings.get(entry.name + SIDECAR_SUFFIX), root)
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


def _listing(folder: Path, prefix: str, skipped: list[SkippedFile]) -> list[os.DirEntry]:
    try:
        with os.scandir(folder) as listing:
            return sorted(listing, key=lambda entry: entry.name)
    except OSError as exc:
        skipped.append(SkippedFile(prefix or "./", f"map kan niet gelezen worden "
                                                   f"({exc.strerror})"))
        return []


def _folder_skip_reason(entry: os.DirEntry) -> str | None:
    if entry.name.startswith("."):
        return "verborgen map"
    if entry.name.endswith(SIDECAR_SUFFIX):
        return ("map met de naam van een sidecar; een sidecar moet een bestand zijn "
                "(de map wordt niet doorzocht)")
    if entry.is_symlink():
        return "snelkoppeling naar een map"
    return None


def _unmatched_sidecar(name: str, relpath: str, indexed: set[str], files: set[str],
                       folders: set[str]) -> SkippedFile | None:
    """A sidecar whose document is not indexed, with the reason; None if it is."""
    document = name[:-len(SIDECAR_SUFFIX)]
    if document in indexed:
        return None
    if document in folders:
        why = f"sidecar bij de map '{document}/'; een sidecar hoort bij een bestand"
    elif document.endswith(SIDECAR_SUFFIX):
        why = f"sidecar bij '{document}', dat zelf een sidecar is"
    elif document in files:
        why = f"sidecar bij '{document}', dat niet wordt geïndexeerd (zie de reden daar)"
    else:
        why = f"sidecar zonder document: '{document}' bestaat niet (hernoemd of verwijderd?)"
    return SkippedFile(relpath, why)


def _walk(folder: Path, prefix: str, root: Path, files: list[SourceFile],
          skipped: list[SkippedFile]) -> None:
    """One folder's files (sorted by name), then its subfolders' (depth first)."""
    entries = _listing(folder, prefix, skipped)
    folders = [entry for entry in entries if _is_folder(entry)]
    enter = []
    for entry in folders:
        why = _folder_skip_reason(entry)
        if why:
            skipped.append(SkippedFile(f"{prefix}{entry.name}/", why))
        else:
            enter.append(entry)
    folder_names = {entry.name for entry in folders}
    siblings = {entry.name: entry for entry in entries if entry.name not in folder_names}
    results = {name: _classify(entry, root, prefix + name, siblings)
               for name, entry in siblings.items()}
    indexed = {name for name, result in results.items() if isinstance(result, SourceFile)}
    names = set(siblings)
    for name, result in results.items():
        if result is None:  # a sidecar: reported only when its document is not indexed
            result = _unmatched_sidecar(name, prefix + name, indexed, names, folder_names)
        if isinstance(result, SourceFile):
            files.append(result)
        elif result is not None:
            skipped.append(result)
    for entry in enter:
        _walk(Path(entry.path), f"{prefix}{entry.name}/", root, files, skipped)
