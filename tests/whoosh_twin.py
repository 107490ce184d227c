"""A twin of a freshly built index in which Whoosh also writes the `words` field, as
every index was written before the field moved to the posting arrays (SCHEMA_VERSION
8, kennisbank/engine/word_postings.py): the same documents in the same segments and
order, so Whoosh's own search on the twin is the reference for the engine's answers.

Only for an index built in one run without a previous generation: the documents are
analysed again here without a corpus vocabulary (compound splitting), as they were."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import scoring, writing
from whoosh.searching import Searcher

from kennisbank.engine.ranking import BM25_B, BM25_K1
from kennisbank.engine.store import _record_fields
from kennisbank.indexer.extract import DEFAULT_STEMMER, analyse_words
from kennisbank.records import DocumentRecord
from kennisbank.search import SearchService


def whoosh_twin(service: SearchService, folder: Path) -> Searcher:
    """Whoosh's searcher (the engine's weighting) over the twin of the service's index."""
    with service._pool.borrow() as snap:
        reader = snap._searcher.reader()
        folder.mkdir(parents=True, exist_ok=True)
        twin = whoosh_index.create_in(str(folder), reader.schema)
        for leaf, _offset in reader.leaf_readers():
            writer = twin.writer()
            for docnum in range(leaf.doc_count_all()):
                record = DocumentRecord(**leaf.stored_fields(docnum)["record"])
                vocabulary, _ = analyse_words(record.title, record.text, (0,),
                                              DEFAULT_STEMMER)
                record = replace(record, vocabulary=vocabulary)
                writer.add_document(**_record_fields(record))
            writer.commit(mergetype=writing.NO_MERGE)
        deleted = [d for d in range(reader.doc_count_all()) if reader.is_deleted(d)]
        if deleted:
            writer = twin.writer()
            for docnum in deleted:
                writer.delete_document(docnum)
            writer.commit(mergetype=writing.NO_MERGE)
    return twin.searcher(weighting=scoring.BM25F(B=BM25_B, K1=BM25_K1))
