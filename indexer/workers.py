"""Extraction in worker processes, each file under a time and memory limit.

A parser that hangs or crashes on one file (pypdf on a hostile PDF, a C extension
segfault, a memory blow-up) costs that file only: its worker is killed and replaced,
and the file is reported as failed. The parent process is the single index writer.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import resource
import signal
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

from kennisbank.indexer.parsers.base import ParseError
from kennisbank.processes import die_with_parent

Task = Callable[[Any], Any]


@dataclass(frozen=True)
class Outcome:
    job: Any
    result: Any = None
    error: ParseError | None = None


def _address_space_bytes() -> int:
    with open("/proc/self/statm", encoding="ascii") as handle:
        return int(handle.read().split()[0]) * resource.getpagesize()


def _limit_memory(memory_mb: int) -> None:
    """Allow the worker `memory_mb` on top of what it inherited at fork: an absolute
    limit would fail every worker once the parent (the index writer) has grown."""
    if memory_mb > 0:
        limit = _address_space_bytes() + memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _worker_main(conn: Connection, task: Task, memory_mb: int, parent_pid: int,
                 siblings: list[Connection]) -> None:
    die_with_parent(parent_pid)
    for sibling in siblings:  # inherited by fork; holding them would hide EOF from others
        sibling.close()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    # Parser libraries log every quirk of a file to stderr; here that would only garble
    # the progress bar. What matters comes back as a ParseError.
    logging.disable(logging.WARNING)
    _limit_memory(memory_mb)
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        try:
            conn.send(("ok", task(job)))
        except ParseError as exc:
            conn.send(("error", exc.code, exc.detail))
        except MemoryError:
            conn.send(("error", "too_large", "geheugenlimiet bereikt"))
        except Exception as exc:
            conn.send(("error", "damaged", f"{type(exc).__name__}: {exc}"[:300]))


class _Worker:
    def __init__(self, context: Any, task: Task, memory_mb: int,
                 siblings: list[Connection]) -> None:
        self.conn, child = context.Pipe()
        args = (child, task, memory_mb, os.getpid(), [*siblings, self.conn])
        self.process = context.Process(target=_worker_main, args=args, daemon=True)
        self.process.start()
        child.close()
        self.job: Any = None
        self.deadline = 0.0

    def start(self, job: Any, timeout: float) -> None:
        self.job, self.deadline = job, time.monotonic() + timeout
        self.conn.send(job)

    def kill(self) -> None:
        if self.process.is_alive():
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.join()
        self.conn.close()

    def retire(self, connections: set[Connection]) -> None:
        connections.discard(self.conn)
        self.kill()


class ExtractionPool:
    """Runs `task(job)` for every job in `workers` processes; yields one Outcome each,
    in completion order."""

    def __init__(self, task: Task, workers: int, timeout: float, memory_mb: int = 0) -> None:
        self.task = task
        self.size = max(1, workers)
        self.timeout = timeout
        self.memory_mb = memory_mb
        self._context = multiprocessing.get_context("fork")

    def _spawn(self) -> _Worker:
        worker = _Worker(self._context, self.task, self.memory_mb, list(self._connections))
        self._connections.add(worker.conn)
        return worker

    def run(self, jobs: Iterable[Any]) -> Iterator[Outcome]:
        pending = list(jobs)
        pending.reverse()
        self._connections: set[Connection] = set()
        idle = [self._spawn() for _ in range(min(self.size, len(pending)))]
        busy: dict[Connection, _Worker] = {}
        try:
            while pending or busy:
                while idle and pending:
                    worker = idle.pop()
                    worker.start(pending.pop(), self.timeout)
                    busy[worker.conn] = worker
                yield from self._collect(busy, idle)
        finally:
            for worker in [*idle, *busy.values()]:
                worker.retire(self._connections)

    def _collect(self, busy: dict[Connection, _Worker], idle: list[_Worker]) -> Iterator[Outcome]:
        wait_for = max(0.0, min(w.deadline for w in busy.values()) - time.monotonic())
        ready = wait(list(busy), timeout=wait_for)
        # Time limits are judged now, right after waiting: the caller may take long over
        # an outcome we yield (a busy index writer), and a worker whose result waited
        # in the pipe meanwhile did not run over its limit.
        now = time.monotonic()
        expired = [conn for conn, worker in busy.items()
                   if conn not in ready and worker.deadline <= now]
        for conn in ready:
            worker = busy.pop(conn)
            try:
                message = conn.recv()
            except (EOFError, OSError):
                worker.retire(self._connections)
                idle.append(self._spawn())
                yield Outcome(worker.job, error=ParseError("crash"))
                continue
            idle.append(worker)
            if message[0] == "ok":
                yield Outcome(worker.job, result=message[1])
            else:
                yield Outcome(worker.job, error=ParseError(message[1], message[2]))
        for conn in expired:
            worker = busy.pop(conn)
            worker.retire(self._connections)
            idle.append(self._spawn())
            detail = f"meer dan {self.timeout:g} seconden"
            yield Outcome(worker.job, error=ParseError("timeout", detail))
