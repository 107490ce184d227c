"""A full rebuild analyses and writes in several processes (kennisbank/engine/parallel.py);
what users find must not depend on that."""

from __future__ import annotations

from pathlib import Path

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
