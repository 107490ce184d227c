"""Expensive requests wait their turn, so ordinary searches always find a free thread.

An export of a whole result list or a wildcard query costs tens to hundreds of times
an ordinary search. Eight clients asking for them at once used to occupy every server
thread and the interpreter, and a plain search waited seconds behind them. Now:

- at most `running` expensive requests run at once (default 1, one per worker process:
  webapp/offload.py); more wait in line, each for at most `wait_seconds`;
- at most `admitted` are running or waiting (by default half the server's threads), so
  the other half of the threads is always free for everything else;
- a request that cannot get in (the line is full, or its wait ran out) gets a 503 with
  `Retry-After` and a Dutch message, never a hang.

A streamed response (an export) keeps its turn until its last part is sent: Flask runs
the request's teardown before streaming starts, so the turn is handed to the response's
close instead. The gate lives in `app.extensions` (one per app), not in a module global.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from flask import Flask, Response, current_app, g, request

from kennisbank.webapp.errors import RETRY_AFTER_SECONDS, AccessRefused

GATE_KEY = "kennisbank.expensive_gate"
EXPENSIVE_ENDPOINTS = frozenset({"api.export_csv", "api.export_ris"})
SEARCH_ENDPOINTS = frozenset({"pages.search", "api.search", "feeds.feed"})
WILDCARD_CHARS = ("*", "?")
BUSY_TITLE = "Even geduld"
BUSY_MESSAGE = ("De Kennisbank is op dit moment druk met andere exports of zoekopdrachten "
                "met jokertekens (* of ?). Probeer het over {seconds} seconden opnieuw. "
                "Gewone zoekopdrachten werken intussen gewoon.")


@dataclass
class ExpensiveGate:
    running: int = 1
    admitted: int = 4
    wait_seconds: float = 30.0
    _condition: threading.Condition = field(default_factory=threading.Condition)
    _now_running: int = 0
    _now_admitted: int = 0

    def enter(self) -> bool:
        """Wait for a turn; False when the line is full or the wait ran out."""
        with self._condition:
            if self._now_admitted >= self.admitted:
                return False
            self._now_admitted += 1
            deadline = time.monotonic() + self.wait_seconds
            while self._now_running >= self.running:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    self._now_admitted -= 1
                    return False
                self._condition.wait(remaining)
            self._now_running += 1
            return True

    def leave(self) -> None:
        with self._condition:
            self._now_running -= 1
            self._now_admitted -= 1
            self._condition.notify_all()

    def state(self) -> dict[str, int]:
        with self._condition:
            return {"running": self._now_running,
                    "waiting": self._now_admitted - self._now_running}


@dataclass
class Turn:
    """One admitted expensive request's place at the gate, given back exactly once."""

    gate: ExpensiveGate
    handed_to_response: bool = False
    _given_back: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def give_back(self) -> None:
        with self._lock:
            if self._given_back:
                return
            self._given_back = True
        self.gate.leave()


def is_expensive() -> bool:
    """Exports, and searches whose query holds a wildcard."""
    if request.endpoint in EXPENSIVE_ENDPOINTS:
        return True
    if request.endpoint not in SEARCH_ENDPOINTS:
        return False
    query = request.args.get("q", "")
    return any(char in query for char in WILDCARD_CHARS)


def in_expensive_request() -> bool:
    return g.get("kennisbank_turn") is not None


def end_of_stream() -> None:
    """A streamed response has sent its last part (or was abandoned): its turn ends
    now rather than when the server gets round to closing it."""
    turn: Turn | None = g.get("kennisbank_turn")
    if turn is not None:
        turn.give_back()


def _admit() -> None:
    if not is_expensive():
        return
    gate: ExpensiveGate = current_app.extensions[GATE_KEY]
    if not gate.enter():
        raise AccessRefused(503, BUSY_TITLE,
                            BUSY_MESSAGE.format(seconds=RETRY_AFTER_SECONDS),
                            {"Retry-After": str(RETRY_AFTER_SECONDS)})
    g.kennisbank_turn = Turn(gate)


def _hand_over(response: Response) -> Response:
    """A streamed response keeps the turn until it is sent (`end_of_stream`) or the
    server closes it, whichever comes first."""
    turn: Turn | None = g.get("kennisbank_turn")
    if turn is not None and response.is_streamed:
        turn.handed_to_response = True
        response.call_on_close(turn.give_back)
    return response


def _release(_error: BaseException | None) -> None:
    """For a response that is not streamed: it is complete when teardown runs."""
    turn: Turn | None = g.get("kennisbank_turn")
    if turn is not None and not turn.handed_to_response:
        turn.give_back()


def init_app(app: Flask, threads: int, running: int = 1, wait_seconds: float = 30.0) -> None:
    app.extensions[GATE_KEY] = ExpensiveGate(
        running=running, admitted=max(running, threads // 2), wait_seconds=wait_seconds)
    app.before_request(_admit)
    app.after_request(_hand_over)
    app.teardown_request(_release)
