"""Incremental indexing: only what changed is read again, and the summary says so."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kennisbank.search import SearchRequest, SearchService
from tests.conftest import build_index


def _touch_later(path: Path) -> None:
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))


def test_first_run_adds_everything(corpus_copy: Path, tmp_path: Path) -> None:
    report = build_index(corpus_copy, tmp_path / "index")
    assert report.counts() == {"added": 5, "updated": 0, "unchanged": 0, "removed": 0,
                               "failed": 0, "skipped": 0}
    assert report.documents == 5


def test_change_delete_add_are_counted(corpus_copy: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    build_index(corpus_copy, index)
    changed = corpus_copy / "kopgroepen.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\nNieuw: het zonnebloemoverleg.\n",
                       encoding="utf-8")
    (corpus_copy / "pact-resultaten.txt").unlink()
    (corpus_copy / "nieuw").mkdir()
    note = "# Notitie huisvesting\n\nOver schoolgebouwen."
    (corpus_copy / "nieuw" / "notitie.md").write_text(note, encoding="utf-8")

    report = build_index(corpus_copy, index)

    assert report.counts() == {"added": 1, "updated": 1, "unchanged": 3, "removed": 1,
                               "failed": 0, "skipped": 1}
    assert report.added == ["nieuw/notitie.md"]
    # The deleted file's sidecar stayed behind: staff are told, not left guessing.
    [orphan] = report.skipped
    assert orphan["path"] == "pact-resultaten.txt.meta.toml"
    assert "sidecar zonder document" in orphan["reason"]
    service = SearchService(index)
    assert service.search(SearchRequest(query="zonnebloemoverleg")).total == 1
    assert service.search(SearchRequest(query="schoolgebouwen")).total == 1
    assert service.search(SearchRequest(query="Pettelaaroverleg")).total == 1
    assert service.stats()["documents"] == 5


def test_touched_but_unchanged_file_is_not_reindexed(corpus_copy: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    build_index(corpus_copy, index)
    _touch_later(corpus_copy / "kopgroepen.txt")
    report = build_index(corpus_copy, index)
    assert report.counts()["unchanged"] == 5
    assert report.counts()["updated"] == 0


def test_sidecar_change_updates_metadata(corpus_copy: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    build_index(corpus_copy, index)
    sidecar = corpus_copy / "kopgroepen.txt.meta.toml"
    sidecar.write_text('titel = "Kopgroepen"\nsoort = "notitie"\njaar = 2014\n', encoding="utf-8")
    report = build_index(corpus_copy, index)
    assert report.updated == ["kopgroepen.txt"]
    response = SearchService(index).search(SearchRequest(filters={"type": ("notitie",)}))
    assert [(h.title, h.year) for h in response.hits] == [("Kopgroepen", 2014)]


def test_a_failed_file_is_tried_again_although_unchanged_on_disk(corpus_copy: Path,
                                                                 tmp_path: Path) -> None:
    """A file read again only because a setting changed can fail (here its sidecar broke
    without a change in size or time). It must stay failed on the next runs, not pass as
    unchanged because its old index entry matches the file on disk."""
    index = tmp_path / "index"
    build_index(corpus_copy, index)
    sidecar = corpus_copy / "kopgroepen.txt.meta.toml"
    before = sidecar.stat()
    text = sidecar.read_text(encoding="utf-8")
    sidecar.write_text(text.replace('soort = "webpagina"', "soort = 12345678901"),
                       encoding="utf-8")
    os.utime(sidecar, ns=(before.st_atime_ns, before.st_mtime_ns))
    types = {"pdf": "document", "html": "webpagina", "txt": "notitie", "md": "tekst"}

    for _run in range(2):
        report = build_index(corpus_copy, index, default_types=types)
        [failure] = report.failed
        assert failure.path == "kopgroepen.txt" and failure.kept_previous
        assert "'soort' moet één tekst tussen aanhalingstekens zijn" in failure.reason
    hit = SearchService(index).search(SearchRequest(query="pettelaaroverleg")).hits[0]
    assert (hit.path, hit.type) == ("kopgroepen.txt", "webpagina")  # the indexed version


def test_nothing_changed_publishes_no_new_generation(corpus_copy: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    first = build_index(corpus_copy, index)
    second = build_index(corpus_copy, index)
    assert second.generation == first.generation
    assert second.counts()["unchanged"] == 5


def test_full_rebuild_reads_everything_again(corpus_copy: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    first = build_index(corpus_copy, index)
    report = build_index(corpus_copy, index, full=True)
    assert report.counts()["updated"] == 5
    assert report.generation != first.generation
    assert SearchService(index).stats()["documents"] == 5


def test_reader_keeps_answering_from_its_generation(corpus_copy: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    build_index(corpus_copy, index)
    service = SearchService(index)
    assert service.search(SearchRequest(query="zonnebloemoverleg")).total == 0
    (corpus_copy / "extra.txt").write_text("Het zonnebloemoverleg.", encoding="utf-8")
    build_index(corpus_copy, index)
    # The same service object sees the new generation without a restart.
    assert service.search(SearchRequest(query="zonnebloemoverleg")).total == 1


def test_old_generations_are_removed_once_no_reader_uses_them(corpus_copy: Path,
                                                             tmp_path: Path) -> None:
    index = tmp_path / "index"
    first = build_index(corpus_copy, index).generation
    service = SearchService(index)
    service.search(SearchRequest(query="kindcentrum"))  # a reader now holds `first`

    (corpus_copy / "a.txt").write_text("Eerste zwaluwnest.", encoding="utf-8")
    second = build_index(corpus_copy, index).generation
    assert (index / first).is_dir()  # still in use: kept

    assert service.search(SearchRequest(query="zwaluwnest")).total == 1  # switches over
    (corpus_copy / "b.txt").write_text("Tweede zwaluwnest.", encoding="utf-8")
    third = build_index(corpus_copy, index).generation

    remaining = sorted(p.name for p in index.glob("gen-*"))
    assert first not in remaining
    assert remaining == sorted({second, third})  # the service still reads `second`
    service.close()
    (corpus_copy / "c.txt").write_text("Derde zwaluwnest.", encoding="utf-8")
    fourth = build_index(corpus_copy, index).generation
    # The new one and the last good one before it (to fall back to) stay.
    assert sorted(p.name for p in index.glob("gen-*")) == [third, fourth]


def test_generation_from_an_older_release_without_lease_file_is_served(
        corpus_copy: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    generation = build_index(corpus_copy, index).generation
    (index / generation / "readers.lock").unlink()
    assert SearchService(index).search(SearchRequest(query="kindcentrum")).total == 5


def test_compound_splitting_learns_the_corpus_vocabulary(tmp_path: Path) -> None:
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    # `pettelaar` is in no Dutch word list; the corpus uses it on its own twice.
    (corpus / "a.txt").write_text("De pettelaar vergadert.", encoding="utf-8")
    (corpus / "b.txt").write_text("Een pettelaar spreekt.", encoding="utf-8")
    (corpus / "c.txt").write_text("Het pettelaaroverleg.", encoding="utf-8")
    build_index(corpus, index)
    assert SearchService(index).search(SearchRequest(query="pettelaar")).total == 2
    (corpus / "c.txt").write_text("Het pettelaaroverleg, opnieuw.", encoding="utf-8")
    build_index(corpus, index)
    assert SearchService(index).search(SearchRequest(query="pettelaar")).total == 3


def test_posting_arrays_of_an_older_version_are_replaced_not_changed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """After an update that adds to the arrays file, the next run writes the new version
    for every segment of its generation, as new files: the previous generation keeps
    its own, byte for byte (they were hard links), and both pass `kennisbank check`."""
    from kennisbank.engine import posting_arrays, segment_arrays
    from kennisbank.engine.generations import check_index

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for number in range(3):
        (corpus / f"nota-{number}.txt").write_text(f"Nota {number} over het kindcentrum.",
                                                   encoding="utf-8")
    monkeypatch.setattr(segment_arrays, "VERSION", 1)
    monkeypatch.setattr(posting_arrays, "VERSION", 1)
    build_index(corpus, tmp_path / "index")
    monkeypatch.undo()
    (old,) = (tmp_path / "index").glob("gen-*/*.kbpost")
    before = old.read_bytes()
    assert posting_arrays.file_version(old) == 1
    (corpus / "nota-3.txt").write_text("Nota 3 over ouders.", encoding="utf-8")
    build_index(corpus, tmp_path / "index")
    new = sorted((tmp_path / "index").glob("gen-000002/*.kbpost"))
    assert len(new) == 2 and {posting_arrays.file_version(p) for p in new} == {
        posting_arrays.VERSION}
    assert old.read_bytes() == before
    assert all(result.problem is None for result in check_index(tmp_path / "index"))


def test_a_title_of_stop_words_only_is_indexed(tmp_path: Path) -> None:
    """Its title field is empty after analysis; Whoosh then gives no length (None), which
    the posting arrays store as 0 (found by the relevance collection)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Het kindcentrum werkt samen.", encoding="utf-8")
    (corpus / "a.txt.meta.toml").write_text('titel = "De"\n', encoding="utf-8")
    (corpus / "b.txt").write_text("Ouders en het kindcentrum.", encoding="utf-8")
    report = build_index(corpus, tmp_path / "index")
    assert report.documents == 2 and not report.failed
    found = SearchService(tmp_path / "index").search(SearchRequest(query="kindcentrum"))
    assert found.total == 2


def test_a_generation_from_before_the_document_columns_gets_them_in_the_next_run(
        corpus_copy: Path, tmp_path: Path) -> None:
    """An index written by an earlier release (no document_columns.npz) is published
    again with them by the next run, although no file changed; it answers the same."""
    import json

    from kennisbank.engine.document_columns import COLUMNS_FILE
    from kennisbank.engine.generations import check_index
    from kennisbank.engine.integrity import FILES_KEY, GENERATION_META

    index = tmp_path / "index"
    old = build_index(corpus_copy, index).generation
    (index / old / COLUMNS_FILE).unlink()
    meta_path = index / old / GENERATION_META
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    del meta[FILES_KEY][COLUMNS_FILE]
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    request = SearchRequest(query="kindcentrum", sort="date")
    before = [hit.id for hit in SearchService(index).search(request).hits]

    report = build_index(corpus_copy, index)

    assert report.generation != old and report.counts()["unchanged"] == 5
    assert (index / report.generation / COLUMNS_FILE).is_file()
    assert [hit.id for hit in SearchService(index).search(request).hits] == before
    assert all(result.problem is None for result in check_index(index))
    assert build_index(corpus_copy, index).generation == report.generation
