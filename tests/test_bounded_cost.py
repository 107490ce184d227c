"""What one file can cost the indexer is bounded (issue 13): a word of 300 KB is not
analysed (nor split into compound parts), and a text past MAX_INDEXED_CHARS is cut,
with a warning in the run report."""

from __future__ import annotations

from pathlib import Path

from kennisbank.analysis import MAX_WORD_CHARS, DutchAnalyzer
from kennisbank.indexer.extract import MAX_INDEXED_CHARS, bounded_text
from kennisbank.search import SearchRequest, SearchService
from tests.conftest import build_index

HUGE_WORD = "kindcentrumouderbetrokkenheid" * 10_000  # 290,000 letters, no space


def test_a_huge_word_yields_no_token_and_its_neighbours_keep_theirs() -> None:
    analyzer = DutchAnalyzer()
    tokens = list(analyzer.words(f"ouders {HUGE_WORD} kinderopvang"))
    assert all(len(token.text) <= MAX_WORD_CHARS for token in tokens)
    assert [token.original for token in tokens if token.increment] == [
        "ouders", "kinderopvang"]


def test_a_file_with_a_huge_word_is_indexed_and_found_by_its_other_words(
        tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "lang-woord.txt").write_text(
        f"Over ouderbetrokkenheid in het kindcentrum. {HUGE_WORD} Einde van de tekst.",
        encoding="utf-8")
    report = build_index(corpus, tmp_path / "index", timeout=5.0)
    assert report.documents == 1 and not report.failed
    service = SearchService(tmp_path / "index")
    assert service.search(SearchRequest(query="ouderbetrokkenheid")).total == 1
    assert service.search(SearchRequest(query=HUGE_WORD[:200])).total == 0


def test_a_text_past_the_limit_is_cut_at_a_space_with_a_dutch_warning() -> None:
    page = "woord " * 100_000  # 600,000 characters a page
    pages = [page] * 10
    text = "".join(pages)
    starts = tuple(range(0, len(text), len(page)))
    cut, kept_starts, warning = bounded_text(text, starts)
    assert len(cut) <= MAX_INDEXED_CHARS and cut.endswith("woord")
    assert kept_starts == tuple(s for s in starts if s < len(cut)) and len(kept_starts) == 9
    assert warning == ("De tekst is erg lang (6.000.000 tekens); alleen de eerste "
                       f"{len(cut):,} tekens zijn doorzoekbaar.".replace(",", "."))
    assert bounded_text("kort", (0,)) == ("kort", (0,), None)
