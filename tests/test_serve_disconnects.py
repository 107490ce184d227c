"""A reader who goes away mid-download (a closed tab, a browser that cancels a page
it navigates away from) must not take the server down: the real `kennisbank serve`,
a large original file, and a client that resets the connection while it is sent."""

from __future__ import annotations

import socket
import struct
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from kennisbank.records import document_id
from tests.conftest import build_index
from tests.live_server import fetch, running_server

LARGE_NAME = "groot-verslag.txt"


@pytest.fixture(scope="module")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    corpus = tmp_path_factory.mktemp("disconnect-corpus")
    line = "Het kindcentrum verslag over ouderbetrokkenheid en de opvang van kinderen.\n"
    (corpus / LARGE_NAME).write_text(line * (8_000_000 // len(line)), encoding="utf-8")
    index = tmp_path_factory.mktemp("disconnect-index")
    build_index(corpus, index)
    with running_server(index, corpus) as url:
        yield url


def _reset_mid_download(base: str, path: str) -> None:
    """Ask for `path`, read the start of the answer, then reset the connection."""
    address = urlsplit(base)
    with socket.create_connection((address.hostname, address.port), timeout=30) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {address.netloc}\r\n\r\n".encode())
        assert sock.recv(4096).startswith(b"HTTP/1.1 200")
        # Linger 0: close sends a reset, so the server's next write finds it gone.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def test_the_server_survives_readers_who_leave_mid_download(server_url: str) -> None:
    download = f"/document/{document_id(LARGE_NAME)}/bestand"
    for _ in range(3):
        _reset_mid_download(server_url, download)
    reply = fetch(server_url, "/?q=ouderbetrokkenheid")
    assert reply.status == 200
    assert "verslag" in reply.text
