"""The vector engine (kennisbank/engine/vectors.py) finds exactly the documents Whoosh
finds, with Whoosh's scores, on a real index of several segments with deleted
documents, long posting lists (several blocks) and one-document words (postings stored
inline with the term). The `words` field is not in Whoosh's segments (only in the
posting arrays); tests/test_word_postings.py compares it with an index where Whoosh
wrote it."""

from __future__ import annotations

import numpy as np
import pytest
from whoosh import query as wq

from kennisbank.engine.posting_arrays import FIELDS as ARRAY_FIELDS
from kennisbank.engine.vectors import GenerationArrays, read_postings
from kennisbank.search import SearchRequest, SearchService
from tests.conftest import build_index

DOCUMENTS = 300


def _text(number: int) -> str:
    lines = [f"Verslag {number}", "Het kindcentrum werkt samen met de school."]
    if number % 3 == 0:
        lines.append("Ouders praten mee over het beleid van de gemeente.")
    if number % 5 == 0:
        lines.append("Een integraal kindcentrum biedt opvang en onderwijs.")
    if number % 7 == 0:
        lines.append("Het kindcentrum is nog niet integraal, maar wel een kindcentrum.")
    if number % 11 == 0:
        lines.append("Integraal werken aan het kindcentrum van de toekomst.")
    if number == 17:
        lines.append("Een zeldzaamheidsonderzoek komt maar één keer voor.")
    lines.append("kindcentrum " * (number % 4))
    return "\n".join(lines)


def _sidecar(number: int) -> str:
    kind = ("handreiking", "onderzoek", "webpagina", "brochure")[number % 4]
    return f'soort = "{kind}"\njaar = {2015 + number % 8}\n'


@pytest.fixture(scope="module")
def layered(tmp_path_factory: pytest.TempPathFactory) -> SearchService:
    corpus = tmp_path_factory.mktemp("layered-corpus")
    index = tmp_path_factory.mktemp("layered-index")
    for number in range(DOCUMENTS):
        (corpus / f"verslag-{number:03}.txt").write_text(_text(number), encoding="utf-8")
        (corpus / f"verslag-{number:03}.txt.meta.toml").write_text(_sidecar(number),
                                                                    encoding="utf-8")
    build_index(corpus, index)
    for number in range(0, 40, 2):  # updated: the old versions become deleted documents
        (corpus / f"verslag-{number:03}.txt").write_text(
            _text(number) + "\nBijgewerkt: integraal kindcentrum.", encoding="utf-8")
    for number in range(250, 260):
        (corpus / f"verslag-{number:03}.txt").unlink()
    build_index(corpus, index)
    service = SearchService(index)
    yield service
    service.close()


QUERIES = [
    "kindcentrum", "ouders", "integraal kindcentrum", '"integraal kindcentrum"',
    '"kindcentrum integraal"', "ouders OF gemeente", "kindcentrum NIET ouders",
    "kindcentrum -integraal", "(ouders OR school) AND gemeente", "titel:verslag",
    "soort:onderzoek", "zeldzaamheidsonderzoek", "zeldzaamheid", "bijgewerkt ouders",
    "IKC", "onbekendwoord", "ouders onbekendwoord",
]


def _parse(service: SearchService, snap, text: str):
    """The engine's reading of `text`, with the service's synonyms."""
    return snap.parse(text, service._synonyms.expander().expand)


def _whoosh_scores(snap, q) -> dict[int, float]:
    return {docnum: score for score, docnum in snap._searcher.search(q, limit=None).top_n}


def _vector_scores(snap, q) -> dict[int, float]:
    scored = snap.evaluate(q)
    return {int(d): float(scored.scores[d]) for d in np.flatnonzero(scored.mask)}


def _uses_words(q) -> bool:
    return any(fieldname == "words" for fieldname, _text in q.iter_all_terms())


def _assert_same(snap, q) -> None:
    expected, found = _whoosh_scores(snap, q), _vector_scores(snap, q)
    assert set(found) == set(expected), q
    for docnum, score in expected.items():
        assert found[docnum] == pytest.approx(score, rel=1e-9), (q, docnum)


def test_the_index_has_segments_deletions_and_long_postings(layered: SearchService) -> None:
    with layered._pool.borrow() as snap:
        reader = snap._searcher.reader()
        assert len(reader.leaf_readers()) > 1
        assert reader.doc_count_all() > reader.doc_count()
        assert reader.doc_frequency("body", "kindcentrum") > 2 * 128


@pytest.mark.parametrize("text", QUERIES)
def test_parsed_queries_match_and_score_as_in_whoosh(layered: SearchService,
                                                     text: str) -> None:
    with layered._pool.borrow() as snap:
        parsed = _parse(layered, snap, text)
        for q in (parsed.query, parsed.core, parsed.boost):
            if q is not None and not _uses_words(q):
                _assert_same(snap, q)


@pytest.mark.parametrize("q", [
    wq.Phrase("body", ["integraal", "kindcentrum"], slop=3),
    wq.Phrase("body", ["kindcentrum", "integraal"], slop=2, boost=2.0),
    wq.Phrase("body", ["kindcentrum", "werkt", "samen"]),
    wq.Phrase("title", ["verslag", "17"]),
    wq.Or([wq.Term("body", "ouder")], boost=5.0),  # one subquery: Whoosh ignores the boost
    wq.And([wq.Term("body", "ouder"), wq.Term("title", "verslag")], boost=0.5),
    wq.AndMaybe(wq.Term("body", "kindcentrum"), wq.Term("body", "integral")),
    wq.AndNot(wq.Term("body", "kindcentrum"), wq.Term("body", "ouder")),
    wq.Not(wq.Term("body", "ouder")),
    wq.Term("body", "kindcentrum", boost=1.5),
    wq.Term("nofield", "kindcentrum"),
    wq.Prefix("title", "versl"),
    wq.FuzzyTerm("body", "kindcentrun"),  # not vectorised: Whoosh scores it
], ids=repr)
def test_query_types_match_and_score_as_in_whoosh(layered: SearchService, q) -> None:
    with layered._pool.borrow() as snap:
        _assert_same(snap, q)


def test_prefix_queries_find_the_same_documents(layered: SearchService) -> None:
    """Whoosh expands a prefix per segment and scores small segments differently; the
    vectors score every document alike (sum of the expansions' BM25F), so only the
    documents are compared."""
    with layered._pool.borrow() as snap:
        q = wq.Prefix("body", "kind")
        assert set(_vector_scores(snap, q)) == set(_whoosh_scores(snap, q))


def test_ranking_and_facet_counts_agree_with_a_document_by_document_count(
        layered: SearchService) -> None:
    response = layered.search(SearchRequest(query="ouders", page_size=100,
                                            filters={"type": ("onderzoek",)}))
    with layered._pool.borrow() as snap:
        parsed = _parse(layered, snap, "ouders")
        # The engine's scores (equal to Whoosh's: the tests above and
        # test_word_postings.py); the ranking and counts are what is checked here.
        scores = _vector_scores(snap, parsed.query)
        records = {d: snap.record(d) for d in scores}
    assert len(set(records[d]["doctype"] for d in scores)) == 4
    wanted = sorted((d for d in scores if records[d]["doctype"] == "onderzoek"),
                    key=lambda d: (-scores[d], records[d]["path"]))
    assert [hit.id for hit in response.hits] == [records[d]["id"] for d in wanted]
    assert response.total == len(wanted)
    type_counts = {v.value: v.count for v in response.facets["type"]}
    for kind in ("handreiking", "onderzoek", "webpagina", "brochure"):
        assert type_counts[kind] == sum(records[d]["doctype"] == kind for d in scores)
    year_counts = {v.value: v.count for v in response.facets["year"]}
    assert sum(year_counts.values()) == len(wanted)


def test_browsing_lists_every_live_document_newest_first(layered: SearchService) -> None:
    response = layered.search(SearchRequest(query="", page_size=100))
    years = [hit.year for hit in response.hits]
    assert years == sorted(years, reverse=True)
    assert response.total == DOCUMENTS - 10


def test_snapshots_of_one_generation_share_their_arrays(layered: SearchService) -> None:
    with layered._pool.borrow() as first, layered._pool.borrow() as second:
        assert first is not second and first.arrays is second.arrays


@pytest.mark.parametrize("term", ["kindcentrum", "integral", "ouder", "zeldzaamheidsonderzoek"])
def test_positions_read_from_a_documents_own_block_equal_a_full_walk(
        layered: SearchService, term: str) -> None:
    with layered._pool.borrow() as snap:
        reader = snap._searcher.reader()
        walked = {}
        matcher = reader.postings("body", term)
        while matcher.is_active():
            walked[matcher.id()] = matcher.value()
            matcher.next()
        assert walked
        wanted = [*sorted(walked)[::7], max(walked), reader.doc_count_all() - 1]
        found = snap.arrays.posting_values(snap._searcher, "body", term.encode(), wanted)
        again = snap.arrays.posting_values(snap._searcher, "body", term.encode(), wanted)
    assert found == again == {d: walked[d] for d in wanted if d in walked}
    with layered._pool.borrow() as snap:
        decode = snap._searcher.schema["body"].format.decode_positions
        mapped = snap.arrays.term_positions(snap._searcher, "body", term.encode())
        assert {d: mapped.of(d).tolist() for d in walked} == {
            d: decode(value) for d, value in walked.items()}


def test_the_proximity_re_rank_agrees_with_and_without_position_arrays(
        layered: SearchService, monkeypatch: pytest.MonkeyPatch) -> None:
    terms = ("integral", "kindcentrum")
    with layered._pool.borrow() as snap:
        docs = np.flatnonzero(snap.arrays.live).tolist()  # the re-rank sees live hits
        mapped = snap.close_together(docs, terms, 2)
        monkeypatch.setattr(snap.arrays, "term_positions", lambda *_args: None)
        decoded = snap.close_together(docs, terms, 2)
    assert mapped == decoded and 0 < len(mapped) < len(docs)


def test_decoded_blocks_kept_for_the_next_search_stay_within_budget(
        layered: SearchService) -> None:
    budget = 15_000
    with layered._pool.borrow() as snap:
        arrays = GenerationArrays(snap._searcher, block_cache_bytes=budget)
        for term in ["kindcentrum", "integral", "ouder"]:
            arrays.posting_values(snap._searcher, "body", term.encode(), range(0, DOCUMENTS, 3))
            assert 0 < arrays._blocks.bytes <= budget


def test_warming_reads_the_arrays_before_the_first_search(layered: SearchService,
                                                          tmp_path) -> None:
    assert SearchService(tmp_path).warm() is False  # no index yet: nothing to warm
    service = SearchService(layered.index_root)
    try:
        assert service.warm() is True
        with service._pool.borrow() as snap:
            assert snap.arrays._facets is not None and snap.arrays._dates is not None
        assert service.search(SearchRequest(query="kindcentrum")).total == DOCUMENTS - 10
    finally:
        service.close()


def test_warming_a_fresh_server_process_loads_the_word_lists(layered: SearchService) -> None:
    """The server warms before it takes requests; the word forms of query analysis
    (330,000 words, 0.1 s) are loaded then, not in the first visitor's search."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from kennisbank.search import SearchService\n"
        "from kennisbank.word_forms import shipped_word_forms\n"
        "service = SearchService(sys.argv[1])\n"
        "loaded = [shipped_word_forms.cache_info().currsize]\n"
        "service.warm()\n"
        "loaded.append(shipped_word_forms.cache_info().currsize)\n"
        "print(loaded)\n")
    found = subprocess.run([sys.executable, "-c", script, str(layered.index_root)],
                           capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "[0, 1]"


def test_every_segment_has_posting_arrays_equal_to_whoosh_decoding(
        layered: SearchService) -> None:
    """The arrays written at index time (engine/posting_arrays.py) hold, for every term,
    exactly the postings and block layout Whoosh's own blocks decode to."""
    with layered._pool.borrow() as snap:
        arrays, reader = snap.arrays, snap._searcher.reader()
        checked = 0
        for leaf, _offset in reader.leaf_readers():
            assert arrays.arrays_of(leaf) is not None
            for fieldname in ARRAY_FIELDS:
                if fieldname == "words":  # only in the arrays: tests/test_word_postings.py
                    continue
                stored = arrays.arrays_of(leaf).field(fieldname).lengths()
                if leaf.schema[fieldname].scorable:
                    assert stored.tolist() == [leaf.doc_field_length(d, fieldname, 0)
                                               for d in range(leaf.doc_count_all())]
                for btext in leaf.lexicon(fieldname):
                    mapped = read_postings(leaf, fieldname, btext, arrays.arrays_of)
                    decoded = read_postings(leaf, fieldname, btext)
                    assert np.array_equal(mapped[0], decoded[0]), btext
                    assert np.array_equal(mapped[1], decoded[1]), btext
                    (mapped_blocks,), (decoded_blocks,) = (mapped[2].values(),
                                                           decoded[2].values())
                    assert (mapped_blocks is None) == (decoded_blocks is None), btext
                    if decoded_blocks is not None:
                        assert mapped_blocks.starts == decoded_blocks.starts
                        assert np.array_equal(mapped_blocks.last_ids,
                                              decoded_blocks.last_ids)
                    checked += 1
        assert checked > 100
        assert arrays.arrays_of(leaf).field("body").lookup(b"onbekendwoord") is None


def test_another_whoosh_version_is_refused_with_a_clear_message() -> None:
    from kennisbank.engine.whoosh_internals import UnsupportedWhooshError, check_version

    check_version((2, 7, 5))
    with pytest.raises(UnsupportedWhooshError, match=r"whoosh-reloaded 2\.7\.5.*2\.7\.4"):
        check_version((2, 7, 4))


@pytest.mark.parametrize("keep", [0.0, 0.01, 0.2, 0.6])
def test_a_cut_off_arrays_file_is_not_used(tmp_path, keep: float) -> None:
    """Readers fall back to Whoosh's own postings rather than fail (the checksums
    report the damage)."""
    from kennisbank.engine.posting_arrays import (
        VERSION,
        Postings,
        file_version,
        write_segment_arrays,
    )

    path = tmp_path / "s.kbpost"
    postings = Postings(np.array([0, 2], np.int32), np.array([1, 3], np.float32), None, None)
    write_segment_arrays(path, [("body", [(b"kind", postings)])], {"body": np.ones(3)})
    assert file_version(path) == VERSION
    whole = path.read_bytes()
    path.write_bytes(whole[:int(len(whole) * keep)])
    assert file_version(path) is None


def test_document_columns_written_with_the_generation_equal_the_readers_own(
        layered: SearchService) -> None:
    """The live flags, path ranks (the tie-break), dates and first-added times the
    indexer stores with a generation are what reading Whoosh's columns gives, so a
    generation from before the file ranks exactly as one with it."""
    from kennisbank.engine.document_columns import COLUMNS_FILE

    with layered._pool.borrow() as snap:
        folder = layered.index_root / snap.generation
        assert (folder / COLUMNS_FILE).is_file()
        stored = GenerationArrays(snap._searcher, folder=folder)
        read = GenerationArrays(snap._searcher)  # no folder: Whoosh's columns
        assert stored._columns is not None and read._columns is None
        assert not stored.live.all() and np.array_equal(stored.live, read.live)
        for column in ("path_order", "dates", "added", "date_order"):
            assert np.array_equal(getattr(stored, column)(snap._searcher),
                                  getattr(read, column)(snap._searcher)), column


@pytest.mark.parametrize("damage", ["cut", "other size", "not numpy"])
def test_a_document_columns_file_that_does_not_fit_is_not_used(
        layered: SearchService, tmp_path, damage: str) -> None:
    from kennisbank.engine.document_columns import (
        COLUMNS_FILE,
        load_document_columns,
    )

    with layered._pool.borrow() as snap:
        source = layered.index_root / snap.generation / COLUMNS_FILE
        size = snap.arrays.size
    whole = source.read_bytes()
    assert load_document_columns(source.parent, size) is not None
    target = tmp_path / COLUMNS_FILE
    target.write_bytes({"cut": whole[:len(whole) // 2], "other size": whole,
                        "not numpy": b"kapot" * 100}[damage])
    assert load_document_columns(tmp_path, size + (damage == "other size")) is None


def test_more_request_threads_do_not_each_load_the_word_list(layered: SearchService) -> None:
    """Every open snapshot has its own analyzer (one per request thread); the word
    list of compound splitting and word forms (330,000 words, 28 MB) is loaded once
    per process, not once per snapshot: eight threads made a server 220 MB larger."""
    import tracemalloc
    from contextlib import ExitStack

    def analyse(snap) -> list[str]:
        return snap.analyzer().terms("kinderopvangorganisaties themas")

    with layered._pool.borrow() as first:
        expected = analyse(first)
        tracemalloc.start()
        try:
            with ExitStack() as stack:
                others = [stack.enter_context(layered._pool.borrow()) for _ in range(4)]
                assert len({id(snap.analyzer()) for snap in [first, *others]}) == 5
                assert all(analyse(snap) == expected for snap in others)
                grown = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert grown < 8 * 1024 * 1024
