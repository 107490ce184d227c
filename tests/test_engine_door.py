"""The one door to the engine (`IndexSnapshot.answer`) gives what Whoosh's own search
gives for the same query: the same documents, totals and facet counts, and the same
order once the documented proximity re-rank is taken into account. Checked on the
relevance collection (real Dutch documentation nobody on the team wrote) with its
queries, with and without filters, and on the bundled programme pages. Whoosh's side
runs on a twin of each index in which Whoosh also writes the `words` field
(tests/whoosh_twin.py), as it did before that field moved to the posting arrays."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from whoosh import query as wq
from whoosh import sorting

from kennisbank.engine.contract import EngineQuery
from kennisbank.engine.ranking import PROXIMITY_FACTOR
from kennisbank.fields import FACET_FIELDS
from kennisbank.search import SearchService
from tests.conftest import build_index
from tests.whoosh_twin import whoosh_twin

REPO = Path(__file__).resolve().parents[1]
BUILDER = REPO / "bench" / "relevance" / "build_collection.py"
QUERIES = REPO / "bench" / "relevance" / "queries.tsv"
SYNTAX_QUERIES = ['"nieuwe gebruiker"', "tabel OF grafiek", "afdrukken NIET printer",
                  "bestand -opslaan", "titel:calc", "instell*", "", "onbekendwoordxyz"]


@pytest.fixture(scope="module")
def relevance_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchService]:
    collection = tmp_path_factory.mktemp("relevance-collection")
    built = subprocess.run([sys.executable, str(BUILDER), "--out", str(collection)],
                           capture_output=True, text=True, check=False)
    if built.returncode == 2:
        pytest.skip("the relevance collection needs Debian's Dutch documentation "
                    f"(`make test` installs it as root): {built.stderr.strip()[:300]}")
    assert built.returncode == 0, built.stderr
    index = tmp_path_factory.mktemp("relevance-index")
    build_index(collection, index)
    service = SearchService(index)
    yield service
    service.close()


_TWINS: dict[int, object] = {}


@pytest.fixture(scope="module", autouse=True)
def _twin_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    _TWINS["folder"] = tmp_path_factory.mktemp("whoosh-twins")
    yield
    for key, twin in list(_TWINS.items()):
        if key != "folder":
            twin.close()
    _TWINS.clear()


def _twin(service: SearchService):
    """Whoosh's searcher over the service's index with `words` written by Whoosh."""
    if id(service) not in _TWINS:
        folder = _TWINS["folder"] / f"twin-{len(_TWINS)}"
        folder.mkdir()
        _TWINS[id(service)] = whoosh_twin(service, folder)
    return _TWINS[id(service)]


def _relevance_queries() -> list[str]:
    rows = QUERIES.read_text(encoding="utf-8").splitlines()[1:]
    return [row.split("\t")[2] for row in rows if row.strip()]


def _expand(service: SearchService):
    return service._synonyms.expander().expand


def _filter_query(filters: Mapping[str, tuple[str, ...]], leave_out: str = "") -> wq.Query:
    parts = [wq.Or([wq.Term(name, value) for value in values])
             for name, values in filters.items() if name != leave_out]
    return wq.And(parts) if parts else wq.Every()


def _whoosh_search(searcher, q: wq.Query, filters: Mapping[str, tuple[str, ...]]):
    """Whoosh's own search, all hits: score, document number, path."""
    results = searcher.search(q, limit=None, filter=_filter_query(filters))
    return [(hit.score, hit.docnum, hit["path"]) for hit in results]


def _whoosh_facets(searcher, q: wq.Query, filters: Mapping[str, tuple[str, ...]]
                   ) -> dict[str, dict[str, int]]:
    """Facet counts from Whoosh's grouping, each facet without its own filter."""
    counts = {}
    for name in FACET_FIELDS:
        facet = sorting.FieldFacet(name, allow_overlap=True)
        results = searcher.search(q, limit=None, groupedby={name: facet},
                                        filter=_filter_query(filters, leave_out=name))
        groups = results.groups(name)  # documents without a value come under None
        counts[name] = {(value.decode() if isinstance(value, bytes) else str(value)):
                        len(docs) for value, docs in groups.items()
                        if docs and value is not None}
    return counts


def _assert_door_agrees(service: SearchService, text: str,
                        filters: Mapping[str, tuple[str, ...]] = {}) -> None:
    with service._pool.borrow() as snap:
        question = EngineQuery(text, _expand(service), filters=filters, limit=10_000)
        answer = snap.answer(question)
        parsed = snap.parse(text, _expand(service))
        if parsed.is_everything:
            assert answer.everything and answer.total == snap.doc_count()
            return
        twin = _twin(service)
        expected = _whoosh_search(twin, parsed.query, filters)
        assert answer.total == len(expected), text
        assert answer.facets == _whoosh_facets(twin, parsed.query, filters), text
        whoosh_score = {path: score for score, _docnum, path in expected}
        assert {hit.path for hit in answer.hits} == set(whoosh_score), text
        for hit in answer.hits:
            ratio = hit.score / whoosh_score[hit.path]
            assert ratio == pytest.approx(1.0) or ratio == pytest.approx(PROXIMITY_FACTOR), (
                text, hit.path)
        order = [(-hit.score, hit.path) for hit in answer.hits]
        assert order == sorted(order), text
        if not parsed.proximity_terms:  # nothing re-ranked: Whoosh's order exactly
            assert [hit.path for hit in answer.hits] == [
                path for _score, _docnum, path in sorted(
                    expected, key=lambda found: (-round(found[0], 9), found[2]))], text


def test_the_door_agrees_with_whoosh_on_the_relevance_queries(
        relevance_service: SearchService) -> None:
    for text in (*_relevance_queries(), *SYNTAX_QUERIES):
        _assert_door_agrees(relevance_service, text)


def test_the_door_agrees_with_whoosh_with_filters(relevance_service: SearchService) -> None:
    stats = relevance_service.stats()
    formats = sorted(stats["format"])
    assert len(formats) > 1
    for text in _relevance_queries()[::4]:
        _assert_door_agrees(relevance_service, text, {"format": (formats[0],)})
        _assert_door_agrees(relevance_service, text, {"format": tuple(formats[:2])})


def test_the_door_agrees_with_whoosh_on_the_programme_pages(
        corpus_service: SearchService) -> None:
    for text in ("kindcentrum", "integraal kindcentrum", "IKC's", "ouders betrekken",
                 '"kinderopvang en onderwijs"', "kindcentra -onderwijs", "kind*"):
        _assert_door_agrees(corpus_service, text)
        _assert_door_agrees(corpus_service, text, {"type": ("webpagina",)})


def test_the_door_answers_exports_and_single_documents_by_path(
        corpus_service: SearchService) -> None:
    with corpus_service._pool.borrow() as snap:
        ranked = snap.answer(EngineQuery("kindcentrum", limit=3, detail_from=3))
        assert len(ranked.hits) == 3 and all(hit.record is None for hit in ranked.hits)
        paths = (*reversed([hit.path for hit in ranked.hits]), "weg/verdwenen.pdf")
        located = snap.answer(EngineQuery("kindcentrum", paths=paths))
    assert [hit.path for hit in located.hits] == list(paths[:3])
    assert all(hit.record["path"] == hit.path and hit.spans for hit in located.hits)
