"""The real `kennisbank serve` (waitress) in a child process, for end-to-end tests."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import REPO_ROOT

SERVING = re.compile(r"Kennisbank draait op (http://\S+?)/? ")


@contextlib.contextmanager
def running_server(index: Path, corpus: Path, threads: int = 4) -> Iterator[str]:
    """Yield the server's base URL. Port 0 lets the OS pick a free port; the server
    prints the address it got."""
    env = {**os.environ, "KENNISBANK_CORPUS": str(corpus), "KENNISBANK_THREADS": str(threads)}
    command = [sys.executable, "-m", "kennisbank.cli", "--index", str(index),
               "serve", "--host", "127.0.0.1", "--port", "0"]
    with subprocess.Popen(command, env=env, cwd=REPO_ROOT, stdout=subprocess.PIPE,
                          text=True) as server:
        try:
            line = server.stdout.readline()
            found = SERVING.search(line)
            assert found, f"server did not start: {line!r}"
            yield found.group(1)
        finally:
            server.terminate()
            server.wait(timeout=10)
