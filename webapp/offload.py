"""Expensive searches and exports run in separate worker processes.

Threads of one Python process share one interpreter lock: while an export or a wildcard
query computed in a server thread, every ordinary search waited for its turn at that
lock, and on a 2-core machine 8 such clients made a plain search 4 to 100 times slower
(bench/noisy_neighbour.py). A worker process has its own interpreter and its own
search service over the same index files (memory-mapped, so the operating system
shares their pages), and the server threads that answer ordinary searches are left
alone.

Each call has a time limit: a worker that does not answer in time is killed and
replaced, and the visitor gets a Dutch 503 instead of a request that holds a thread
for ever. A worker that dies (out of memory, killed) is replaced the same way. How
many calls run at once is the gate's business (webapp/throttle.py); here each call
takes an idle worker or starts one.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import queue
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from operator import methodcaller
from pathlib import Path
from typing import Any, TypeVar

from flask import Flask

from kennisbank.processes import die_with_parent

T = TypeVar("T")
# What an expensive request asks of the search service; anything else is answered in
# the server process (status, degradation notices, documents).
OFFLOADED_METHODS = frozenset({"search", "ranked_paths", "export_rows"})
CALL_TIMEOUT_SECONDS = 60.0  # for a call, not counting the start of its worker
START_TIMEOUT_SECONDS = 120.0  # a loaded machine imports slowly
LOST_WORKER_RETRIES = 1
WORKER_NICENESS = 10  # lower CPU priority than the server (0)
TOO_SLOW = ("Deze zoekopdracht of export kostte te veel tijd en is afgebroken. Maak de "
            "zoekopdracht preciezer (langere woorden voor een *, of een filter) en "
            "probeer het opnieuw.")
WORKER_LOST = ("Deze zoekopdracht of export is onverwacht afgebroken. Probeer het over "
               "een paar seconden opnieuw.")


class WorkFailed(Exception):
    """A worker gave no answer (time limit, or it died); the message is Dutch."""


def _serve_calls(conn: Connection, index: str, synonyms: str, parent_pid: int) -> None:
    """The worker's loop: a task in (a picklable callable that takes the service), then
    ("ok", value) or ("error", exception) out."""
    die_with_parent(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle
    # When the machine is busy, the operating system serves ordinary searches first.
    os.nice(WORKER_NICENESS)
    from kennisbank.search import SearchService  # imported here: only workers need it

    service = SearchService(Path(index), Path(synonyms))
    conn.send(("ready", None))  # a call's time limit starts after this
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        try:
            answer = ("ok", task(service))
        except Exception as exc:  # the server re-raises it
            answer = ("error", exc)
        try:
            conn.send(answer)
        except (pickle.PicklingError, TypeError, AttributeError):
            conn.send(("error", RuntimeError(repr(answer[1]))))


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: Connection

    def stop(self) -> None:
        self.conn.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)


@dataclass
class ServiceWorkers:
    """Worker processes with their own SearchService over `index`."""

    index: Path
    synonyms: Path
    timeout: float = CALL_TIMEOUT_SECONDS
    _idle: queue.SimpleQueue = field(default_factory=queue.SimpleQueue)
    _all: list[_Worker] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def call(self, task: Callable[[Any], T]) -> T:
        """`task(service)` in a worker; `task` must pickle (a module-level function,
        a functools.partial or operator.methodcaller of one). A worker found dead is
        replaced and the task tried once more: it may have died while it waited (a
        kill, the OOM killer), which the task did not cause."""
        for attempt in range(LOST_WORKER_RETRIES + 1):
            worker = self._take()
            try:
                worker.conn.send(task)
                if not worker.conn.poll(self.timeout):
                    raise WorkFailed(TOO_SLOW)
                status, value = worker.conn.recv()
            except WorkFailed:
                self._discard(worker)
                raise
            except (EOFError, OSError) as exc:
                self._discard(worker)
                if attempt == LOST_WORKER_RETRIES:
                    raise WorkFailed(WORKER_LOST) from exc
                continue
            self._idle.put(worker)
            if status == "error":
                raise value
            return value
        raise AssertionError("unreachable")

    @property
    def processes(self) -> list[int]:
        """Process ids of the workers."""
        with self._lock:
            return [worker.process.pid for worker in self._all]

    def start(self) -> threading.Thread:
        """Start a worker and have it read what every search needs (facet values,
        field lengths) before the first expensive request; join the returned thread to
        wait for that. A worker that cannot warm up (no index yet) is ready anyway."""
        def warm() -> None:
            with contextlib.suppress(Exception):
                self.call(methodcaller("warm"))

        thread = threading.Thread(target=warm, name="kennisbank-werker-opwarmen",
                                  daemon=True)
        thread.start()
        return thread

    def close(self) -> None:
        with self._lock:
            workers, self._all = self._all, []
        for worker in workers:
            worker.stop()

    def _take(self) -> _Worker:
        """An idle worker that is still alive (one may have been killed while it
        waited), else a new one."""
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                return self._spawn()
            if worker.process.is_alive():
                return worker
            self._discard(worker)

    def _spawn(self) -> _Worker:
        # spawn, not fork: forking a process with running server threads can copy a
        # lock some other thread holds.
        context = multiprocessing.get_context("spawn")
        ours, theirs = context.Pipe()
        process = context.Process(
            target=_serve_calls, name="kennisbank-zoekwerker", daemon=True,
            args=(theirs, str(self.index), str(self.synonyms), os.getpid()))
        process.start()
        theirs.close()
        worker = _Worker(process, ours)
        try:
            if not ours.poll(START_TIMEOUT_SECONDS):
                raise EOFError("the worker did not start")
            ours.recv()
        except (EOFError, OSError) as exc:
            worker.stop()
            raise WorkFailed(WORKER_LOST) from exc
        with self._lock:
            self._all.append(worker)
        return worker

    def _discard(self, worker: _Worker) -> None:
        with self._lock:
            if worker in self._all:
                self._all.remove(worker)
        worker.stop()


WORKERS_KEY = "kennisbank.workers"


def init_app(app: Flask, index: Path, synonyms: Path) -> None:
    app.extensions[WORKERS_KEY] = ServiceWorkers(index, synonyms)


def workers(app: Flask) -> ServiceWorkers:
    return app.extensions[WORKERS_KEY]


class OffloadedService:
    """The search service as an expensive request sees it: the heavy methods run in a
    worker process, everything else on the server's own service."""

    def __init__(self, local: Any, workers: ServiceWorkers) -> None:
        self._local, self._workers = local, workers

    def __getattr__(self, name: str) -> Any:
        if name in OFFLOADED_METHODS:
            return lambda *args: self._workers.call(methodcaller(name, *args))
        return getattr(self._local, name)
