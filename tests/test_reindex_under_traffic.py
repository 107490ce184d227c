"""Staff reindex while professionals search: no failed request, and the new documents
appear as soon as the run is published. One indexer at a time."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import build_index
from tests.live_server import running_server

BASE_DOCUMENTS, NEW_DOCUMENTS = 400, 40
PARAGRAPH = ("Het kindcentrum werkt samen met de gemeente, de kinderopvang en de school. "
             "Ouders worden betrokken bij de plannen voor huisvesting en jeugdhulp. ")


@pytest.fixture(scope="module")
def big_corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A corpus whose full rebuild takes a few seconds, indexed once."""
    root = tmp_path_factory.mktemp("traffic")
    corpus, index = root / "corpus", root / "index"
    corpus.mkdir()
    for number in range(BASE_DOCUMENTS):
        (corpus / f"verslag-{number:04d}.txt").write_text(
            f"Verslag {number}\n\n" + PARAGRAPH * 30, encoding="utf-8")
    build_index(corpus, index)
    return corpus, index


def _indexer(corpus: Path, index: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "kennisbank.cli", "--index", str(index), "index", str(corpus),
         "--jobs", "2", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _total(base_url: str, query: str) -> int:
    url = f"{base_url}/api/search?q={urllib.parse.quote(query)}"
    with urllib.request.urlopen(url, timeout=30) as response:
        assert response.status == 200
        return json.load(response)["total"]


def test_searches_never_fail_during_a_full_reindex(big_corpus: tuple[Path, Path]) -> None:
    corpus, index = big_corpus
    for number in range(NEW_DOCUMENTS):
        (corpus / f"nieuw-{number:03d}.txt").write_text("Het zwaluwnestoverleg.", encoding="utf-8")
    failures: list[str] = []
    seen: list[int] = []
    with running_server(index, corpus) as base_url:
        indexer = _indexer(corpus, index, "--full")
        done = threading.Event()

        def search_in_a_loop() -> None:
            while not done.is_set():
                try:
                    # All old documents, from whichever generation answers.
                    assert _total(base_url, "kindcentrum") == BASE_DOCUMENTS
                    seen.append(_total(base_url, "zwaluwnestoverleg"))
                except Exception as exc:  # every failure is reported
                    failures.append(repr(exc))

        clients = [threading.Thread(target=search_in_a_loop) for _ in range(3)]
        for client in clients:
            client.start()
        _out, err = indexer.communicate(timeout=300)
        done.set()
        for client in clients:
            client.join()

        assert indexer.returncode == 0, err
        assert failures == []
        assert len(seen) > 3  # the clients really searched while the index was rebuilt
        assert set(seen) <= {0, NEW_DOCUMENTS}
        # Published means served: the very next request sees the new documents.
        assert _total(base_url, "zwaluwnestoverleg") == NEW_DOCUMENTS


def test_two_indexers_started_together_one_is_refused(big_corpus: tuple[Path, Path]) -> None:
    corpus, index = big_corpus
    first, second = _indexer(corpus, index, "--full"), _indexer(corpus, index, "--full")
    results = [(*process.communicate(timeout=300), process.returncode)
               for process in (first, second)]
    codes = sorted(code for _out, _err, code in results)
    assert codes == [0, 3]
    refused = next(err for _out, err, code in results if code == 3)
    assert "Er draait al een indexering" in refused
    assert "proces" in refused
