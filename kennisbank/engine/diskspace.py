"""Is there room for the new generation? Checked before writing, so a run that cannot
finish stops at once with a clear message instead of failing halfway through.

What a run writes:
- a rebuild (the first build, --full, a new schema) writes a whole generation beside
  the previous one, and while writing, the posting pools spill sorted runs to disk:
  about twice the final size at the peak;
- an incremental run hard-links the previous generation (no space) and writes a
  segment for the files it reads, merged with the small segments.

The final size is estimated from the previous generation when there is one, else from
the documents: an index is about INDEX_BYTES_PER_SOURCE_BYTE times the size of the
files it was built from (measured: 10,000 mixed documents, 104 MB of files, gave a
335 MB generation, posting arrays included). Files with little text for their size
(scanned PDFs, images in PDFs) make this an overestimate, which is the safe side.
"""

from __future__ import annotations

import shutil
from pathlib import Path

INDEX_BYTES_PER_SOURCE_BYTE = 3.2
BUILD_PEAK_FACTOR = 2.0  # bytes on disk while writing, per byte of the final index
MARGIN_BYTES = 4 * 1024 * 1024  # generation.json, the report, the file system's own


class DiskSpaceError(Exception):
    """Too little free space for the new generation; the message is Dutch."""


def bytes_needed(rebuild: bool, previous_bytes: int | None, source_bytes: int) -> int:
    """Free space a run needs. `previous_bytes`: the size of the generation it starts
    from (None: there is none); `source_bytes`: the size of the files it will read."""
    if rebuild and previous_bytes:
        final = previous_bytes
    else:
        final = int(source_bytes * INDEX_BYTES_PER_SOURCE_BYTE)
    return int(final * BUILD_PEAK_FACTOR) + MARGIN_BYTES


def folder_bytes(folder: Path) -> int:
    """Bytes of the files in a generation folder (hard links counted in full)."""
    return sum(path.stat().st_size for path in folder.iterdir() if path.is_file())


def ensure_free_space(folder: Path, needed: int) -> None:
    free = shutil.disk_usage(folder).free
    if free < needed:
        raise DiskSpaceError(
            f"te weinig vrije schijfruimte voor de index in {folder}: nodig is ongeveer "
            f"{_megabytes(needed)}, vrij is {_megabytes(free)}. Maak ruimte vrij of kies "
            "een andere map met KENNISBANK_INDEX of --index. Er is niets veranderd; de "
            "vorige index blijft in gebruik.")


def _megabytes(count: int) -> str:
    return f"{max(1, round(count / 1024 / 1024)):,} MB".replace(",", ".")
