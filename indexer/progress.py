"""Progress of an indexer run: a bar on a terminal, plain lines otherwise (logs, CI)."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from kennisbank.terminal import printable


class Progress:
    def __init__(self, total: int, stream: TextIO | None = None, interval: float = 2.0) -> None:
        self.total = total
        self.done = 0
        self.stream = stream or sys.stderr
        self.is_terminal = self.stream.isatty()
        self.interval = interval
        self._last = 0.0

    def step(self, label: str) -> None:
        self.done += 1
        label = printable(label)
        now = time.monotonic()
        if self.is_terminal:
            self._draw_bar(label)
        elif now - self._last >= self.interval or self.done == self.total:
            print(f"verwerkt {self.done}/{self.total}: {label}", file=self.stream, flush=True)
            self._last = now

    def _draw_bar(self, label: str) -> None:
        width = 30
        filled = width * self.done // max(1, self.total)
        bar = "█" * filled + "·" * (width - filled)
        short = label if len(label) <= 40 else "…" + label[-39:]
        self.stream.write(f"\r[{bar}] {self.done}/{self.total} {short:<40}")
        if self.done == self.total:
            self.stream.write("\n")
        self.stream.flush()
