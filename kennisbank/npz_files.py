"""Numpy archives (`.npz`) beside an index generation: the document columns and the
evidence files.

Why one place: a generation starts as hard links to the previous one's files, so an
archive is written beside its target and renamed over it, never in place; and
np.load, given a path, leaves its file open when the archive is cut off, which a
long-running server retrying a damaged generation would leak. Never pickles: an
index folder runs no code.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np


def write_npz(path: Path, arrays: Mapping[str, np.ndarray]) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as handle:
        np.savez(handle, **arrays)
    os.replace(tmp, path)


def read_npz(path: Path, keys: Iterable[str] | None = None) -> dict[str, np.ndarray] | None:
    """The arrays `keys` (all by default); None when the file is missing, unreadable,
    damaged or lacks one of them."""
    try:
        with open(path, "rb") as handle, np.load(handle, allow_pickle=False) as data:
            return {key: data[key] for key in (data.files if keys is None else keys)}
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        return None
