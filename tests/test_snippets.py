"""Snippets and hit pages from match spans."""

from __future__ import annotations

from kennisbank.snippets import MAX_PAGES, pages_for, render_snippet


def test_pages_prefer_those_with_all_query_terms() -> None:
    page_starts = [0, 100, 200, 300]
    spans = [(10, 15, "ouder"), (20, 25, "ouder"), (30, 35, "ouder"),   # page 1: one term, 3x
             (150, 155, "ouder"), (160, 165, "kindcentrum"),              # page 2: both terms
             (350, 355, "kindcentrum")]                                   # page 4
    assert pages_for(spans, page_starts, limit=2) == [1, 2]
    assert pages_for(spans, page_starts, limit=1) == [2]


def test_a_word_on_every_page_lists_only_the_best_pages() -> None:
    page_starts = list(range(0, 100_000, 100))
    spans = [(start + 5, start + 9, "pagina") for start in page_starts]
    assert len(pages_for(spans, page_starts)) == MAX_PAGES


def test_snippet_is_escaped_and_marks_only_matches() -> None:
    text = "Intro <script>alert(1)</script> over het kindcentrum & de ouders."
    start = text.index("kindcentrum")
    snippet = render_snippet(text, [(start, start + len("kindcentrum"), "kindcentrum")])
    assert "<script>" not in snippet
    assert "&lt;script&gt;" in snippet
    assert "<mark>kindcentrum</mark>" in snippet
    assert "&amp; de ouders" in snippet


def test_snippet_of_long_text_centres_on_the_match() -> None:
    text = "aanloop " * 5000 + "de kern van de zaak" + " uitloop" * 5000
    start = text.index("kern")
    snippet = render_snippet(text, [(start, start + 4, "kern")])
    assert snippet.startswith("…") and snippet.endswith("…")
    assert "<mark>kern</mark>" in snippet
