"""The `words` field (unstemmed vocabulary: exact-form boost, autocomplete, "Bedoelde
u") is written by the index writer into the posting arrays only, not through Whoosh
(kennisbank/engine/word_postings.py). Checked against a twin of the index in which
Whoosh writes it (tests/whoosh_twin.py): the same postings, lengths and totals, the
same scores, vocabulary and corrections; and across incremental runs in which Whoosh
merges segments, every document keeps its own postings."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kennisbank.engine.store import _vocabulary_from_arrays
from kennisbank.engine.vectors import read_postings
from kennisbank.search import SearchService
from tests.conftest import build_index
from tests.whoosh_twin import whoosh_twin

WORDS = "words"


def _text(number: int) -> str:
    lines = [f"Verslag {number}", "Het kindcentrum werkt samen met de school."]
    if number % 3 == 0:
        lines.append("Ouders praten mee over het beleid van de gemeente; ouders creëren.")
    if number % 5 == 0:
        lines.append("Een integraal kindcentrum biedt opvang en onderwijs aan kinderen.")
    if number % 7 == 0:
        lines.append("Het kindcentrum is nog niet integraal, maar wel een kindcentrum.")
    if number == 17:
        lines.append("Een zeldzaamheidsonderzoek komt maar één keer voor.")
    lines.append("kindercentrum " * (number % 4))
    return "\n".join(lines)


def _service(corpus: Path, index: Path, documents: int) -> SearchService:
    corpus.mkdir(exist_ok=True)
    for number in range(documents):
        (corpus / f"verslag-{number:03}.txt").write_text(_text(number), encoding="utf-8")
    build_index(corpus, index)
    return SearchService(index)


@pytest.fixture(scope="module", params=[250, 40], ids=["segments", "one-segment"])
def pair(request, tmp_path_factory: pytest.TempPathFactory):
    """(service, Whoosh's searcher over its twin): 250 documents make a segment per
    writer process, 40 one segment (Whoosh corrects differently for one)."""
    base = tmp_path_factory.mktemp("words")
    service = _service(base / "corpus", base / "index", request.param)
    twin = whoosh_twin(service, base / "twin")
    yield service, twin
    twin.close()
    service.close()


def test_the_postings_lengths_and_totals_are_those_whoosh_writes(pair) -> None:
    service, twin = pair
    with service._pool.borrow() as snap:
        reader, arrays = snap._searcher.reader(), snap.arrays
        twin_reader = twin.reader()
        assert len(reader.leaf_readers()) == len(twin_reader.leaf_readers())
        terms = set()
        for (leaf, _offset), (twin_leaf, _) in zip(reader.leaf_readers(),
                                                  twin_reader.leaf_readers(), strict=True):
            field = arrays.arrays_of(leaf).field(WORDS)
            count = leaf.doc_count_all()
            assert field.lengths().tolist() == [twin_leaf.doc_field_length(d, WORDS, 0)
                                                for d in range(count)]
            assert field.total_length() == twin_leaf.field_length(WORDS)
            lexicon = list(twin_leaf.lexicon(WORDS))
            assert sorted(field.document_frequencies()) == [t.decode() for t in lexicon]
            for btext in lexicon:
                ours = read_postings(leaf, WORDS, btext, arrays.arrays_of)
                whoosh = read_postings(twin_leaf, WORDS, btext)
                assert np.array_equal(ours[0], whoosh[0]), btext
                assert np.array_equal(ours[1], whoosh[1]), btext
            terms.update(lexicon)
        assert any(b"\x1f" in term for term in terms)  # surface forms kept
        assert not list(reader.lexicon(WORDS))  # and none of it in Whoosh's segments


@pytest.mark.parametrize("text", [
    "kindcentrum", "ouders", "integraal kindcentrum", '"integraal kindcentrum"',
    "ouders OF gemeente", "kindcentrum NIET ouders", "creëren", "creeren",
    "zeldzaamheidsonderzoek", "kinderen onderwijs", "onbekendwoord"])
def test_queries_score_as_whoosh_scores_them_with_words_in_its_segments(
        pair, text: str) -> None:
    service, twin = pair
    with service._pool.borrow() as snap:
        parsed = snap.parse(text, service._synonyms.expander().expand)
        assert WORDS in {fieldname for fieldname, _ in parsed.query.iter_all_terms()}
        for q in (parsed.query, parsed.boost):
            if q is None:
                continue
            expected = {d: s for s, d in twin.search(q, limit=None).top_n}
            scored = snap.evaluate(q)
            found = {int(d): float(scored.scores[d]) for d in np.flatnonzero(scored.mask)}
            assert set(found) == set(expected), q
            for docnum, score in expected.items():
                assert found[docnum] == pytest.approx(score, rel=1e-9), (q, docnum)


def test_vocabulary_and_corrections_are_whooshs(pair) -> None:
    service, twin = pair
    with service._pool.borrow() as snap:
        folder = service.index_root / snap.generation
        expected = {t.decode(): info.doc_frequency()
                    for t, info in twin.reader().iter_field(WORDS)}
        assert _vocabulary_from_arrays(folder, snap._searcher.reader()) == expected
        corrector = twin.corrector(WORDS)
        for word in ("kindcentrm", "kinedrcentrum", "oudres", "gemeenet", "onderwjis",
                     "integraall", "verslga", "zzzzzz"):
            assert snap.corrections(word) == corrector.suggest(
                word, limit=3, maxdist=2, prefix=2), word
        for word in ("kindcentrum", "creeren", "onbekendwoord", "kind"):
            assert snap.has_word(word) == (twin.reader().doc_frequency(WORDS, word) > 0)


def _words_by_path(service: SearchService) -> dict[str, tuple[dict[bytes, float], int]]:
    """Each live document's `words` postings (term -> weight) and stored length."""
    found = {}
    with service._pool.borrow() as snap:
        for leaf, _offset in snap._searcher.reader().leaf_readers():
            field = snap.arrays.arrays_of(leaf).field(WORDS)
            a = field.arrays
            blob, bounds = a["terms"].tobytes(), a["term_starts"].tolist()
            owners = np.repeat(np.arange(len(bounds) - 1), np.diff(a["starts"]))
            paths = leaf.column_reader("path")
            for docnum in leaf.all_doc_ids():
                at = np.flatnonzero(a["docs"] == docnum)
                terms = {blob[bounds[t]:bounds[t + 1]]: float(w)
                         for t, w in zip(owners[at].tolist(), a["weights"][at].tolist(),
                                         strict=True)}
                found[paths[docnum]] = (terms, int(field.lengths()[docnum]))
    return found


def test_documents_merged_by_whoosh_keep_their_words(tmp_path: Path) -> None:
    """Each run changes one document; Whoosh merges the small segments into the run's
    new one, and the documents carried along keep their postings and lengths."""
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    service = _service(corpus, index, 12)
    before, merged, segments = _words_by_path(service), False, 1
    service.close()
    for run in range(8):
        changed = f"verslag-{run:03}.txt"
        (corpus / changed).write_text(_text(run) + f"\nWijziging {run} integraal.",
                                      encoding="utf-8")
        build_index(corpus, index)
        service = SearchService(index)
        after = _words_by_path(service)
        with service._pool.borrow() as snap:
            sizes = [leaf.doc_count_all() for leaf, _ in
                     snap._searcher.reader().leaf_readers()]
            merged = merged or len(sizes) < segments  # older segments merged into one
            segments = len(sizes)
            assert snap.has_word("wijziging")
            assert snap.corrections("wijzging") == ["wijziging"]
        service.close()
        assert set(after) == set(before)
        assert b"wijziging" in after[changed][0]
        for path, words in after.items():
            if path != changed:
                assert words == before[path], (run, path)
        before = after
    assert merged
