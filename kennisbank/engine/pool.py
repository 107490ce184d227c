"""A pool of index snapshots shared by the request threads of one process.

Each call borrows a snapshot of the newest generation and gives it back afterwards; a
snapshot is used by one thread at a time (Whoosh readers seek shared file handles).
When a new generation is published, idle snapshots of older ones are closed at once,
which releases their leases so the indexer can delete those generations. All snapshots
of a generation share its arrays (scored postings, facets: see vectors.py), so a term
read by one request thread is cached for all of them.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path

from kennisbank.engine.snapshot import IndexSnapshot
from kennisbank.engine.store import GenerationGoneError, IndexMissingError, current_generation
from kennisbank.engine.vectors import GenerationArrays

MAX_IDLE = 16
OPEN_ATTEMPTS = 5


class SnapshotPool:
    def __init__(self, index_root: Path) -> None:
        self.index_root = Path(index_root)
        self._idle: list[IndexSnapshot] = []
        self._arrays: dict[str, GenerationArrays] = {}
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
            generation = current_generation(self.index_root)
            if generation is None:
                raise IndexMissingError(
                    f"Er is nog geen index in {self.index_root}. "
                    "Maak die eerst met: kennisbank index")
            idle = self._idle_for(generation)
            if idle is not None:
                return idle
            try:
                return self._open(generation)
            except GenerationGoneError:
                continue  # replaced and removed between reading CURRENT and opening it
        raise IndexMissingError(f"De index in {self.index_root} wordt steeds vervangen; "
                                "probeer het zo nog eens.")

    def _open(self, generation: str) -> IndexSnapshot:
        with self._lock:
            arrays = self._arrays.get(generation)
        snapshot = IndexSnapshot(self.index_root, generation, arrays)
        with self._lock:
            if generation not in self._arrays:  # only the newest generation's are kept
                self._arrays = {generation: snapshot.arrays}
        return snapshot

    def _idle_for(self, generation: str) -> IndexSnapshot | None:
        with self._lock:
            stale = [s for s in self._idle if s.generation != generation]
            self._idle = [s for s in self._idle if s.generation == generation]
            found = self._idle.pop() if self._idle else None
        for snapshot in stale:
            snapshot.close()
        return found

    def _give_back(self, snapshot: IndexSnapshot) -> None:
        current = current_generation(self.index_root)
        with self._lock:
            if snapshot.generation == current and len(self._idle) < MAX_IDLE:
                self._idle.append(snapshot)
                return
        snapshot.close()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
            self._arrays = {}
        for snapshot in idle:
            snapshot.close()
