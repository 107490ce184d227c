"""Passages: how documents are cut at index time, and the best passages a search shows
per document and across documents (page, link, snippet), in the page, the JSON API
and the CLI."""

from __future__ import annotations

import json
import random
from itertools import pairwise

import pytest

from kennisbank.passages import (
    MAX_PASSAGE_CHARS,
    passage_bounds,
    passage_starts,
)
from kennisbank.request import SearchRequest
from tests.test_cli import run_cli
from tests.webapp_fixtures import DEEP_MATCH_PAGE, page, text_of

pytest_plugins = ["tests.webapp_fixtures"]


def _bounds(text: str, pages: tuple[int, ...] = ()) -> list[tuple[int, int]]:
    return passage_bounds(passage_starts(text, pages), len(text))


def test_passages_cover_the_text_and_never_cross_a_page() -> None:
    rng = random.Random(15)
    paragraphs = [" ".join(rng.choice(["kind", "ouder", "school", "zorg."])
                           for _ in range(rng.randint(3, 120))) for _ in range(300)]
    text = "\n\n".join(paragraphs)
    pages = tuple(sorted({0, *rng.sample(range(1, len(text)), 40)}))
    bounds = _bounds(text, pages)
    assert bounds[0][0] == 0 and bounds[-1][1] == len(text)
    assert all(end == next_start for (_s, end), (next_start, _e) in pairwise(bounds))
    for start, end in bounds:
        page_of_start = max(i for i, p in enumerate(pages) if p <= start)
        assert page_of_start + 1 == len(pages) or end <= pages[page_of_start + 1]


def test_a_heading_stays_with_the_paragraph_it_heads() -> None:
    body = "Ouders praten mee over de plannen van het kindcentrum. " * 8
    text = f"{body}\n\nOuderbetrokkenheid in de praktijk\n\n{body}"
    heading = text.index("Ouderbetrokkenheid")
    starts = passage_starts(text)
    assert heading in starts
    assert heading + len("Ouderbetrokkenheid in de praktijk\n\n") not in starts


@pytest.mark.parametrize("text", [
    "woord " * 2_000_000,  # 12 MB, one paragraph
    "x" * 3_000_000,  # no space at all
    "zin. " * 1_000_000,
], ids=["one-huge-paragraph", "no-spaces", "short-sentences"])
def test_a_huge_paragraph_gives_bounded_passages(text: str) -> None:
    bounds = _bounds(text)
    assert max(end - start for start, end in bounds) <= MAX_PASSAGE_CHARS
    assert bounds[-1][1] == len(text)


def test_five_thousand_pages_give_at_least_a_passage_per_page() -> None:
    pages = tuple(range(0, 5000 * 100, 100))
    text = "pagina tekst " * (5000 * 100 // 13 + 1)
    starts = passage_starts(text[:5000 * 100], pages)
    assert set(pages) <= set(starts)


def test_the_indexer_stores_each_passage_start_in_the_record(corpus_service) -> None:
    doc_id = corpus_service.search(SearchRequest(query="kindcentrum")).hits[0].id
    record = corpus_service.document(doc_id)
    expected = passage_starts(record["text"], tuple(record["page_starts"]))
    assert tuple(record["passage_starts"]) == expected
    assert len(expected) > 1


def test_a_pdf_hit_shows_its_best_passage_with_the_page_and_a_link(client) -> None:
    soup = page(client, "/?q=klimaatadaptatie")
    hit = soup.select_one(".hit")
    passages = hit.select(".passages .passage")
    assert 1 <= len(passages) <= 3
    link = passages[0].select_one("a.passage-link")
    assert text_of(link) == f"Pagina {DEEP_MATCH_PAGE} (PDF)"
    assert link["href"].endswith(f"/bestand#page={DEEP_MATCH_PAGE}")
    assert [text_of(m) for m in passages[0].select("mark")] == ["klimaatadaptatie"]


def test_a_text_hit_links_its_passages_into_the_document_page(client) -> None:
    soup = page(client, "/?q=ouderbetrokkenheid")
    link = next(a for a in soup.select(".hit a.passage-link")
                if "#passage-" in a["href"])
    assert text_of(link).startswith("Passage ")
    path, anchor = link["href"].split("#")
    document = page(client, path)
    assert document.find(id=anchor) is not None
    assert document.find(id=anchor).find("mark") is not None


def test_the_passages_view_lists_the_best_passages_across_documents(client) -> None:
    soup = page(client, "/?q=ouderbetrokkenheid&weergave=passages")
    assert text_of(soup.select_one("#aantal")).endswith("passages voor “ouderbetrokkenheid”")
    found = soup.select(".passage-hits .passage-hit")
    assert found and all(item.select_one(".snippet mark") for item in found)
    sources = {text_of(item.select_one(".passage-source a")) for item in found}
    assert len(sources) >= 2  # from several documents
    current = soup.select_one("nav.views a[aria-current]")
    assert text_of(current) == "Passages"
    data = client.get("/api/search?q=ouderbetrokkenheid&weergave=passages").get_json()
    assert data["view"] == "passages" and data["hits"] == []
    assert data["total"] == len(data["passages"]) or data["total"] > len(data["passages"])
    first = data["passages"][0]
    assert set(first) >= {"id", "title", "path", "page", "number", "start", "end", "snippet"}
    scores = [p["score"] for p in data["passages"]]
    assert scores == sorted(scores, reverse=True)
    bad = client.get("/?q=ouders&weergave=alles")
    assert bad.status_code == 400


def test_the_cli_shows_passages_and_gives_them_as_json(tmp_path) -> None:
    from tests.conftest import CORPUS

    index = str(tmp_path / "index")
    run_cli("--index", index, "index", str(CORPUS))
    shown = run_cli("--index", index, "search", "ouderbetrokkenheid", "--passages")
    assert shown.returncode == 0 and "passages voor “ouderbetrokkenheid”" in shown.stdout
    assert "[passage " in shown.stdout
    data = json.loads(run_cli("--index", index, "search", "ouderbetrokkenheid",
                              "--passages", "--json").stdout)
    assert data["view"] == "passages" and data["passages"][0]["snippet"]
    per_hit = json.loads(run_cli("--index", index, "search", "ouderbetrokkenheid",
                                 "--json").stdout)
    assert all(1 <= len(hit["passages"]) <= 3 for hit in per_hit["hits"])


def test_a_ten_megabyte_paragraph_indexes_with_bounded_passages(tmp_path) -> None:
    from kennisbank.search import SearchService
    from tests.conftest import build_index

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    words = ("kindcentrum ouders samenwerking gemeente onderwijs opvang jeugdhulp "
             "zorg ").split()
    (corpus / "lang.txt").write_text(
        " ".join(words[i % len(words)] for i in range(1_300_000)), encoding="utf-8")
    report = build_index(corpus, tmp_path / "index")
    assert report.documents == 1 and not report.failed
    service = SearchService(tmp_path / "index")
    hit = service.search(SearchRequest(query="jeugdhulp")).hits[0]
    record = service.document(hit.id)
    starts = list(record["passage_starts"])
    gaps = [b - a for a, b in pairwise([*starts, len(record["text"])])]
    assert max(gaps) <= MAX_PASSAGE_CHARS and len(starts) > 1000
    assert 1 <= len(hit.passages) <= 3
    service.close()
