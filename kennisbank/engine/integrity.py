"""Checksums of a generation's files, so that a damaged index is noticed, not served.

When a generation is published, the size and SHA-256 of every index file are recorded
in its generation.json. Whoosh never rewrites a file after it is written, so any later
change to one (a truncated, deleted, overwritten or zero-filled file) is damage.

Three depths of checking, from cheap to thorough:
- sizes and times: a stat per file, done whenever a generation is opened (every
  borrow of a snapshot): a missing or resized file is damage; a file whose size or
  modification time differs from what was recorded at publishing (it was written to)
  is hashed again there and then;
- deep: every file hashed (`kennisbank check`, every indexer run, a reader's
  background check after opening, and after a search failed in a way damage explains),
  which also finds damage that bypassed the file system (bit rot).

Generations share unchanged files through hard links, so damage to such a file is
damage to both; the fallback then has nothing to offer and the next indexer run
rebuilds from the documents.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

GENERATION_META = "generation.json"
READERS_LOCK = "readers.lock"
FILES_KEY = "files"  # in generation.json: name -> {"size", "sha256", "mtime_ns"}
HASH_CHUNK = 1 << 20

Signature = tuple[int, int]  # size, mtime_ns


def is_index_file(name: str) -> bool:
    """Files that hold the index (not the marker, the readers' lock or Whoosh's lock)."""
    return name not in (GENERATION_META, READERS_LOCK) and not name.endswith(
        ("WRITELOCK", ".lock", ".tmp"))


def sha256_of(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def signature(path: Path) -> Signature:
    info = os.stat(path)
    return info.st_size, info.st_mtime_ns


def file_sums(folder: Path, previous: Path | None = None,
              previous_sums: Mapping[str, Mapping] | None = None) -> dict[str, dict]:
    """Size and SHA-256 of every index file in `folder`. A file that is the same file
    (a hard link) as one of `previous`, whose sums are known, is not read again."""
    sums: dict[str, dict] = {}
    for item in sorted(folder.iterdir()):
        if not item.is_file() or not is_index_file(item.name):
            continue
        known = (previous_sums or {}).get(item.name)
        size, mtime_ns = signature(item)
        if known and previous is not None and _same_file(item, previous / item.name):
            sums[item.name] = {**known, "size": size, "mtime_ns": mtime_ns}
        else:
            sums[item.name] = {"size": size, "sha256": sha256_of(item), "mtime_ns": mtime_ns}
    return sums


def _same_file(path: Path, other: Path) -> bool:
    try:
        return os.path.samefile(path, other)
    except OSError:
        return False


def read_recorded(folder: Path) -> dict[str, dict] | None:
    """The recorded sums (None for generations published before sums were recorded).
    Raises ValueError when generation.json itself is unreadable."""
    try:
        meta = json.loads((folder / GENERATION_META).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{GENERATION_META} is onleesbaar ({exc.__class__.__name__})") from exc
    if not isinstance(meta, dict):
        raise ValueError(f"{GENERATION_META} is onleesbaar")
    sums = meta.get(FILES_KEY)
    if sums is not None and not (isinstance(sums, dict) and all(
            isinstance(v, dict) and isinstance(v.get("size"), int)
            and isinstance(v.get("sha256"), str) for v in sums.values())):
        raise ValueError(f"{GENERATION_META} is onleesbaar (controlegetallen)")
    return sums


@dataclass
class GenerationCheck:
    """What one process knows about one generation's files. Thread-safe."""

    folder: Path
    damage: str | None = None  # Dutch: what is wrong
    recorded: dict[str, dict] | None = None
    verified: dict[str, Signature] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def of(cls, folder: Path) -> GenerationCheck:
        check = cls(folder)
        try:
            check.recorded = read_recorded(folder)
        except ValueError as exc:
            check.damage = str(exc)
        return check

    @property
    def recorded_sums(self) -> bool:
        return self.recorded is not None

    @property
    def fully_verified(self) -> bool:
        return self.recorded is not None and self.damage is None and set(
            self.verified) == set(self.recorded)

    def mark_damaged(self, reason: str) -> None:
        with self._lock:
            self.damage = self.damage or reason

    def check(self, deep: bool = False) -> str | None:
        """Sizes always; the contents of files changed since they last matched (all
        files not yet matched when `deep`). Returns the damage found, if any."""
        if self.damage is not None or self.recorded is None:
            return self.damage
        for name, expected in sorted(self.recorded.items()):
            problem = self._check_file(name, expected, deep)
            if problem is not None:
                self.mark_damaged(problem)
                break
        return self.damage

    def _check_file(self, name: str, expected: Mapping, deep: bool) -> str | None:
        path = self.folder / name
        try:
            current = signature(path)
        except FileNotFoundError:
            return f"bestand {name} ontbreekt"
        except OSError as exc:
            return f"bestand {name} is onleesbaar ({exc.strerror})"
        if current[0] != expected["size"]:
            return f"bestand {name} is {current[0]} bytes in plaats van {expected['size']}"
        with self._lock:
            known = self.verified.get(name)
        as_published = current == (expected["size"], expected.get("mtime_ns"))
        if known == current or (known is None and as_published and not deep):
            return None
        try:  # written to since it was published, or a deep check: read it
            matches = sha256_of(path) == expected["sha256"]
        except OSError as exc:
            return f"bestand {name} is onleesbaar ({exc.strerror})"
        if not matches:
            return f"bestand {name} is beschadigd (controlegetal klopt niet)"
        with self._lock:
            self.verified[name] = current
        return None


def check_generation(folder: Path) -> str | None:
    """Deep check of a generation on disk: None when intact, else the damage (Dutch).
    A generation without recorded sums is checked for completeness only."""
    if not (folder / GENERATION_META).is_file():
        return f"{GENERATION_META} ontbreekt"
    return GenerationCheck.of(folder).check(deep=True)
