"""A pool of index snapshots shared by the request threads of one process.

Each call borrows a snapshot and gives it back afterwards; a snapshot is used by one
thread at a time (Whoosh readers seek shared file handles). Snapshots come from the
current generation unless that one is damaged: then from the newest intact one before
it, and `health()` says so. A generation is damaged when a file is missing or has the
wrong size (checked on every borrow, a stat per file), when a file changed since its
checksum last matched, when the engine cannot open it, or when a search failed and a
deep check then found a file that no longer matches its checksum. With
`verify_in_background` (the web server), every file of a newly opened generation is
also checked against its checksum in a background thread.

When the served generation changes, idle snapshots of the old one are closed at once,
which releases their leases so the indexer can delete that generation. All snapshots
of a generation share its arrays (scored postings, facets: see vectors.py).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path

from kennisbank.engine.generations import current_generation, published_generations
from kennisbank.engine.integrity import GenerationCheck
from kennisbank.engine.snapshot import IndexSnapshot
from kennisbank.engine.store import GenerationGoneError, IndexMissingError
from kennisbank.engine.vectors import GenerationArrays

MAX_IDLE = 16
OPEN_ATTEMPTS = 5


class IndexDamagedError(IndexMissingError):
    """Every generation in the index folder is damaged: nothing can be searched."""


class SnapshotPool:
    def __init__(self, index_root: Path, verify_in_background: bool = False) -> None:
        self.index_root = Path(index_root)
        self.verify_in_background = verify_in_background
        self._idle: list[IndexSnapshot] = []
        self._arrays: dict[str, GenerationArrays] = {}
        self._checks: dict[str, GenerationCheck] = {}
        self._serving: str | None = None
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def borrow(self) -> Iterator[IndexSnapshot]:
        snapshot = self._take()
        try:
            yield snapshot
        finally:
            self._give_back(snapshot)

    def _take(self) -> IndexSnapshot:
        for _attempt in range(OPEN_ATTEMPTS):
            candidates = published_generations(self.index_root)
            if not candidates:
                raise IndexMissingError(
                    f"Er is nog geen index in {self.index_root}. "
                    "Maak die eerst met: kennisbank index")
            try:
                return self._first_usable(candidates)
            except GenerationGoneError:
                continue  # replaced and removed between listing and opening it
        raise IndexMissingError(f"De index in {self.index_root} wordt steeds vervangen; "
                                "probeer het zo nog eens.")

    def _first_usable(self, candidates: list[str]) -> IndexSnapshot:
        for generation in candidates:
            check = self._check(generation)
            if check.check() is not None:
                continue
            idle = self._idle_for(generation)
            if idle is not None:
                return idle
            try:
                return self._open(generation)
            except GenerationGoneError:
                raise
            except Exception as exc:  # the engine cannot read it: damaged
                check.mark_damaged(f"de index kan niet worden geopend "
                                   f"({exc.__class__.__name__})")
        raise IndexDamagedError(
            f"De index in {self.index_root} is beschadigd en er is geen goede eerdere "
            "versie. Draai kennisbank index om hem opnieuw op te bouwen.")

    def _check(self, generation: str) -> GenerationCheck:
        with self._lock:
            check = self._checks.get(generation)
            if check is None:
                check = GenerationCheck.of(self.index_root / generation)
                self._checks = {name: c for name, c in self._checks.items()
                                if (self.index_root / name).is_dir()}
                self._checks[generation] = check
                start = self.verify_in_background and check.recorded_sums
            else:
                start = False
        if start:
            threading.Thread(target=check.check, kwargs={"deep": True}, daemon=True,
                             name=f"verify-{generation}").start()
        return check

    def _open(self, generation: str) -> IndexSnapshot:
        with self._lock:
            arrays = self._arrays.get(generation)
        snapshot = IndexSnapshot(self.index_root, generation, arrays)
        with self._lock:
            if generation not in self._arrays:  # only the served generation's are kept
                self._arrays = {generation: snapshot.arrays}
            self._serving = generation
        return snapshot

    def _idle_for(self, generation: str) -> IndexSnapshot | None:
        with self._lock:
            stale = [s for s in self._idle if s.generation != generation]
            self._idle = [s for s in self._idle if s.generation == generation]
            found = self._idle.pop() if self._idle else None
            if found is not None:
                self._serving = generation
        for snapshot in stale:
            snapshot.close()
        return found

    def _give_back(self, snapshot: IndexSnapshot) -> None:
        check = self._checks.get(snapshot.generation)
        with self._lock:
            keep = (snapshot.generation == self._serving and len(self._idle) < MAX_IDLE
                    and (check is None or check.damage is None))
            if keep:
                self._idle.append(snapshot)
                return
        snapshot.close()

    def damaged_by_failure(self, generation: str) -> bool:
        """After a search on `generation` failed: check every file against its checksum
        (now, in this thread). True if it is damaged, so the caller may try again on
        the generation the pool falls back to."""
        return self._check(generation).check(deep=True) is not None

    def health(self) -> dict:
        """Which generation is current and which is served, what is damaged, and
        whether the served one's files have all been checked against their checksums."""
        with self._lock:
            serving, checks = self._serving, dict(self._checks)
        current = current_generation(self.index_root)
        served = checks.get(serving) if serving else None
        return {
            "current": current,
            "serving": serving,
            "damaged": {name: c.damage for name, c in sorted(checks.items()) if c.damage},
            "verified": bool(served and served.fully_verified),
        }

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
            self._arrays = {}
        for snapshot in idle:
            snapshot.close()
