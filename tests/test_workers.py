"""The extraction pool survives tasks that fail, crash, hang or eat memory."""

from __future__ import annotations

import os
import signal
import time
from multiprocessing.connection import wait

from kennisbank.indexer.parsers.base import ParseError
from kennisbank.indexer.workers import ExtractionPool


def _task(job: str) -> str:
    if job == "fail":
        raise ParseError("damaged", "kapot")
    if job == "bug":
        raise KeyError("oops")
    if job == "crash":
        os.kill(os.getpid(), signal.SIGKILL)
    if job == "hang":
        signal.pause()  # blocks until killed: a parser that never returns
    if job == "memory":
        return "x" * (2**31)
    if job == "slow":
        time.sleep(0.3)  # a parse that takes a moment, so "a" is done first
    return job.upper()


def _run(jobs: list[str], timeout: float = 2.0, memory_mb: int = 0) -> dict[str, object]:
    pool = ExtractionPool(_task, workers=2, timeout=timeout, memory_mb=memory_mb)
    return {o.job: (o.error.code if o.error else o.result) for o in pool.run(jobs)}


def test_every_job_gets_exactly_one_outcome() -> None:
    jobs = [f"doc{i}" for i in range(20)]
    assert _run(jobs) == {job: job.upper() for job in jobs}


def test_failures_do_not_stop_the_others() -> None:
    outcomes = _run(["a", "fail", "bug", "crash", "b", "c"])
    assert outcomes == {"a": "A", "fail": "damaged", "bug": "damaged", "crash": "crash",
                        "b": "B", "c": "C"}


def test_a_hanging_job_is_killed_at_its_time_limit() -> None:
    outcomes = _run(["hang", "a", "b"], timeout=1.0)
    assert outcomes == {"hang": "timeout", "a": "A", "b": "B"}


def test_memory_limit_turns_a_blow_up_into_a_failure() -> None:
    outcomes = _run(["memory", "a"], memory_mb=512)
    assert outcomes == {"memory": "too_large", "a": "A"}


class _StallingClock:
    """Stands in for time.monotonic: the caller below stalls two minutes per outcome."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


def test_a_slow_caller_does_not_turn_finished_files_into_timeouts(monkeypatch) -> None:
    """The index writer may take long over one outcome; a file whose result waited in
    the pipe meanwhile was not too slow."""
    clock = _StallingClock()
    monkeypatch.setattr("kennisbank.indexer.workers.time", clock)
    pool = ExtractionPool(_task, workers=2, timeout=60.0)
    outcomes = {}
    for outcome in pool.run(["a", "slow"]):
        outcomes[outcome.job] = outcome.error.code if outcome.error else outcome.result
        clock.now += 120  # the writer is busy for two minutes
        wait(list(pool._connections), timeout=10)  # ... while "slow" finishes
    assert outcomes == {"a": "A", "slow": "SLOW"}
