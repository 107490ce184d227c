"""A full rebuild analyses and writes in several processes (kennisbank/engine/parallel.py);
what users find must not depend on that."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kennisbank.config import SettingsError, load_settings
from kennisbank.engine.store import (
    MAX_POOL_MB,
    MIN_POOL_MB,
    POOL_OVERHEAD,
    available_memory_mb,
    writer_pool_mb,
)
from kennisbank.search import SearchRequest, SearchService
from tests.conftest import build_index

WORDS = ("kindcentrum", "ouderbetrokkenheid", "gemeente", "jeugdhulp", "peuteropvang",
         "onderwijstijd", "wijkteam", "brede school", "integraal", "huisvesting")
QUERIES = ("kindcentrum", "ouders", "betrokkenheid", "brede school", '"brede school"',
           "wijkteams gemeente", "kindcentra NIET jeugdhulp", "opvang", "onderwijs")


def _write_corpus(corpus: Path, count: int) -> None:
    corpus.mkdir()
    for number in range(count):
        words = [WORDS[(number * step) % len(WORDS)] for step in (1, 3, 7)]
        text = f"Notitie {number}\n" + " ".join(words * (1 + number % 5)) + "."
        (corpus / f"notitie-{number:03d}.txt").write_text(text, encoding="utf-8")


def _answers(index: Path) -> dict[str, tuple]:
    service = SearchService(index)
    try:
        answers = {}
        for query in QUERIES:
            response = service.search(SearchRequest(query=query, page_size=100))
            answers[query] = (response.total,
                              sorted((hit.id, round(hit.score, 9)) for hit in response.hits),
                              {name: [(v.value, v.count) for v in values]
                               for name, values in response.facets.items()})
        return answers
    finally:
        service.close()


def test_a_parallel_rebuild_finds_and_ranks_as_one_writer_does(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    _write_corpus(corpus, 320)
    single, parallel = tmp_path / "single", tmp_path / "parallel"
    for index, jobs in ((single, 1), (parallel, 2)):
        build_index(corpus, index, jobs=jobs)
        # a rebuild over an existing index also uses the corpus vocabulary
        report = build_index(corpus, index, jobs=jobs, full=True)
        assert report.counts()["added"] + report.counts()["updated"] == 320
    with SearchService(parallel)._pool.borrow() as snap:
        assert len(snap._searcher.reader().leaf_readers()) > 1  # one segment per process
    assert _answers(parallel) == _answers(single)


def test_the_writers_share_one_memory_budget() -> None:
    assert writer_pool_mb(3200, procs=2) == 1000  # Whoosh's estimate: x1.6 in memory
    assert writer_pool_mb(3200, procs=1) == 2000
    assert writer_pool_mb(100, procs=4) == MIN_POOL_MB  # never below Whoosh's default
    assert writer_pool_mb(10**7, procs=1) == MAX_POOL_MB


def test_by_default_the_writers_may_use_a_quarter_of_the_memory() -> None:
    quarter = available_memory_mb() // 4
    expected = min(MAX_POOL_MB, max(MIN_POOL_MB, int(quarter / 2 / POOL_OVERHEAD)))
    assert writer_pool_mb(0, procs=2) == expected
    assert 0 < available_memory_mb() <= os.sysconf("SC_PAGE_SIZE") * os.sysconf(
        "SC_PHYS_PAGES") // 2**20


def test_the_writer_budget_is_a_setting() -> None:
    assert load_settings({"KENNISBANK_WRITER_MEMORY_MB": "512"}).writer_memory_mb == 512
    with pytest.raises(SettingsError, match="KENNISBANK_WRITER_MEMORY_MB"):
        load_settings({"KENNISBANK_WRITER_MEMORY_MB": "veel"})
