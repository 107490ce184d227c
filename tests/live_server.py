"""The real `kennisbank serve` (waitress) in a child process, for end-to-end tests."""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from tests.conftest import REPO_ROOT

SERVING = re.compile(r"Kennisbank draait op (http://\S+?)/? ")


@contextlib.contextmanager
def running_server(index: Path, corpus: Path | None = None, threads: int = 4,
                   env: Mapping[str, str] | None = None, cwd: Path = REPO_ROOT
                   ) -> Iterator[str]:
    """Yield the server's base URL. Port 0 lets the OS pick a free port; the server
    prints the address it got. Without `corpus`, the server finds the documents as a
    user's would: from the index."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("KENNISBANK_")}
    environment.update(KENNISBANK_THREADS=str(threads), **(env or {}))
    if corpus is not None:
        environment["KENNISBANK_CORPUS"] = str(corpus)
    command = [sys.executable, "-m", "kennisbank.cli", "--index", str(index),
               "serve", "--host", "127.0.0.1", "--port", "0"]
    with subprocess.Popen(command, env=environment, cwd=cwd, stdout=subprocess.PIPE,
                          text=True) as server:
        try:
            line = server.stdout.readline()
            found = SERVING.search(line)
            assert found, f"server did not start: {line!r}"
            yield found.group(1)
        finally:
            server.terminate()
            server.wait(timeout=10)


@dataclass(frozen=True)
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


def fetch(base: str, path: str, headers: Mapping[str, str] | None = None) -> Reply:
    """One GET exactly as given: http.client sends our Host header (urllib would not) and
    shows every response header, also repeated or injected ones."""
    address = urlsplit(base)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    try:
        connection.request("GET", path, headers=dict(headers or {}))
        response = connection.getresponse()
        return Reply(response.status, response.headers, response.read())
    finally:
        connection.close()
