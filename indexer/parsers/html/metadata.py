"""Title, description, author and publication date of a page, read with BeautifulSoup.

Why this exists: the index shows a title and a date for every page and filters on them,
and these sit in a handful of tags (<title>, <h1>, <meta>, <time>, JSON-LD) rather than
in the main text. soup.py hands us just those tags. Not trafilatura's metadata: its
`with_metadata` adds htmldate's slow date search.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from bs4 import BeautifulSoup, Tag

from kennisbank.indexer.parsers.html.paragraphs import one_line
from kennisbank.indexer.parsers.html.soup import JSON_LD, needed_tags

_TITLE_KEYS = ("og:title", "twitter:title", "dc.title", "dcterms.title")
_DESCRIPTION_KEYS = (
    "description",
    "og:description",
    "twitter:description",
    "dc.description",
    "dcterms.description",
    "dcterms.abstract",
)
_AUTHOR_KEYS = ("author", "dc.creator", "dcterms.creator", "article:author", "parsely-author")
_DATE_KEYS = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "date",
    "dc.date",
    "dc.date.issued",
    "dc.date.created",
    "dcterms.created",
    "dcterms.issued",
    "dcterms.date",
    "citation_publication_date",
    "citation_date",
    "publication_date",
    "publish-date",
    "publish_date",
    "publishdate",
    "pubdate",
    "parsely-pub-date",
    "sailthru.date",
)
_SITE_SUFFIX = re.compile(r"^(.+?)\s+[|\-\u2013\u2014\u00b7\u2022]\s+[^|\-\u2013\u2014]+$")
_JSON_LD_DATE = re.compile(r'"datePublished"\s*:\s*"([^"]{4,40})"')
_YEAR_FIRST = re.compile(r"(\d{4})[-/.]?(\d{1,2})[-/.]?(\d{1,2})")
_DAY_FIRST = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")


@dataclass(frozen=True)
class Metadata:
    """What a page says about itself; None where it says nothing usable."""

    title: str | None = None
    description: str | None = None
    author: str | None = None
    date: dt.date | None = None


def _meta_values(soup: BeautifulSoup) -> dict[str, str]:
    """First non-empty content of each <meta> by name, property or itemprop (lowercased)."""
    values: dict[str, str] = {}
    for meta in soup.find_all("meta"):
        key = meta.get("name") or meta.get("property") or meta.get("itemprop")
        content = one_line(meta.get("content"))
        if key and content:
            values.setdefault(key.strip().lower(), content)
    return values


def _first(values: dict[str, str], keys: Iterable[str]) -> str | None:
    return next((values[key] for key in keys if values.get(key)), None)


def _first_text(tags: Iterable[Tag]) -> str | None:
    for tag in tags:
        text = one_line(tag.get_text())
        if text:
            return text[:500]
    return None


def _title(soup: BeautifulSoup, meta: dict[str, str]) -> str | None:
    """og:title; for "Title | Site" the page's <h1> (or "Title"); else <title> or <h1>."""
    declared = _first(meta, _TITLE_KEYS)
    if declared:
        return declared
    titles = soup.find_all("title")
    in_head = (title for title in titles if title.parent and title.parent.name == "head")
    page_title = _first_text(in_head) or _first_text(titles)
    heading = _first_text(soup.find_all("h1"))
    suffixed = _SITE_SUFFIX.match(page_title or "")
    if suffixed:
        return heading or suffixed.group(1)
    return page_title or heading


def _author(meta: dict[str, str]) -> str | None:
    author = _first(meta, _AUTHOR_KEYS)
    return None if author is None or author.startswith(("http://", "https://")) else author


def _date_from(value: str) -> dt.date | None:
    """A date from ISO-like, day-first (19-11-2019) or RFC 2822 text; None if unsure."""
    for pattern, order in ((_YEAR_FIRST, (1, 2, 3)), (_DAY_FIRST, (3, 2, 1))):
        match = pattern.search(value)
        if match:
            year, month, day = (int(match.group(i)) for i in order)
            try:
                date = dt.date(year, month, day)
            except ValueError:
                continue
            if 1900 <= date.year <= 2100:
                return date
    try:
        parsed = email.utils.parsedate(value)
        return dt.date(*parsed[:3]) if parsed else None
    except (TypeError, ValueError, IndexError):
        return None


def _date_candidates(soup: BeautifulSoup, meta: dict[str, str]) -> Iterator[str]:
    """Meta tags, then JSON-LD datePublished, then <time datetime> (published ones first)."""
    yield from (meta[key] for key in _DATE_KEYS if key in meta)
    for script in soup.find_all("script", type=JSON_LD):
        yield from _JSON_LD_DATE.findall(script.string or "")
    times = soup.find_all("time", datetime=True)
    published = [t for t in times if t.has_attr("pubdate") or t.get("itemprop") == "datePublished"]
    for time in published + times:
        yield time["datetime"]


def read_metadata(markup: str) -> Metadata:
    """Title, description, author and date as the page declares them."""
    soup = needed_tags(markup)
    if soup is None:
        return Metadata()
    meta = _meta_values(soup)
    return Metadata(
        title=_title(soup, meta),
        description=_first(meta, _DESCRIPTION_KEYS),
        author=_author(meta),
        date=next(filter(None, map(_date_from, _date_candidates(soup, meta))), None),
    )
