"""Property-based: no query string or parameter combination breaks a search, and every
snippet is escaped HTML whose only tags are our <mark>s."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kennisbank.search import SearchRequest, SearchService

SYNTAX = st.sampled_from(['"', "(", ")", "*", "?", "-", "+", ":", "^", "~", "\\", "[", "]",
                          "{", "}", "AND", "OR", "NOT", "EN", "OF", "NIET", "titel:", "soort:",
                          "<script>", "&amp;", "'", "’", "\x00", "\u200b"])
WORDS = st.sampled_from(["kindcentrum", "IKC's", "ouders", "geïntegreerd", "handreiking",
                         "0-12", "btw", "zzzq"])
QUERIES = st.one_of(
    st.text(max_size=60),
    st.lists(st.one_of(SYNTAX, WORDS, st.text(max_size=6)), max_size=8).map(" ".join),
)
FACET_VALUES = st.dictionaries(
    st.sampled_from(["type", "theme", "organisation", "year", "audience", "format"]),
    st.lists(st.text(max_size=12), max_size=3).map(tuple), max_size=3)


class _TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append(tag)


def _assert_safe_snippet(snippet: str) -> None:
    collector = _TagCollector()
    collector.feed(snippet)
    assert set(collector.tags) <= {"mark"}
    text = re.sub(r"</?mark>", "", snippet)
    assert "<" not in text and ">" not in text
    assert html.escape(html.unescape(text), quote=True) == text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(query=QUERIES, filters=FACET_VALUES, sort=st.sampled_from(["relevance", "date"]),
       page=st.integers(min_value=1, max_value=5),
       years=st.tuples(st.none() | st.integers(1900, 2100), st.none() | st.integers(1900, 2100)))
def test_any_search_answers(corpus_service: SearchService, query: str, filters: dict,
                            sort: str, page: int, years: tuple) -> None:
    request = SearchRequest(query=query, filters=filters, sort=sort, page=page,
                            year_from=years[0], year_to=years[1])
    response = corpus_service.search(request)
    assert 0 <= len(response.hits) <= response.total
    for hit in response.hits:
        _assert_safe_snippet(hit.snippet)
    for values in response.facets.values():
        assert all(v.count >= 0 for v in values)
