""""Nieuw sinds" feeds (issue 16, part 4): every search as an Atom feed of its documents,
the last added to the index first. A real index built in steps (a first run, a run that
adds one file and changes another, a full rebuild), read through the app as a feed
reader would, with a real feed parser."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import feedparser
import pytest

from kennisbank.config import Settings
from kennisbank.records import document_id
from kennisbank.webapp import create_app
from kennisbank.webapp.feeds import FEED_ENTRIES
from tests.conftest import build_index
from tests.webapp_fixtures import page

PUBLIC = "https://kennisbank.example.nl/kb"
FIRST_RUN = dt.datetime(2026, 1, 5, 10, 0, tzinfo=dt.UTC)
SECOND_RUN = dt.datetime(2026, 2, 5, 10, 0, tzinfo=dt.UTC)
REBUILD = dt.datetime(2026, 3, 5, 10, 0, tzinfo=dt.UTC)
NEWS = FEED_ENTRIES + 3  # more documents than a feed lists
CHANGED, NEW = "handreiking-ouders.txt", "handreiking-nieuw.txt"
HOSTILE = '<script>alert("x")</script> & ]]> \x01 kindcentrum'
NEW_TITLE = "Een nieuwe handreiking voor het kindcentrum."
MARKUP_TITLE = '<b>Vet</b> & <script>alert("titel")</script>'


def _write(corpus: Path, path: str, text: str, doctype: str = "", title: str = "") -> None:
    (corpus / path).write_text(text, encoding="utf-8")
    sidecar = (f'soort = "{doctype}"\n' if doctype else "") + (
        f"titel = '{title}'\n" if title else "")
    if sidecar:
        (corpus / f"{path}.meta.toml").write_text(sidecar, encoding="utf-8")


@pytest.fixture(scope="module")
def steps(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The index after each step, with the feed of all documents read after each."""
    root = tmp_path_factory.mktemp("feeds")
    corpus, index = root / "corpus", root / "index"
    corpus.mkdir()
    for n in range(1, NEWS + 1):
        _write(corpus, f"bericht-{n:02d}.txt", f"Bericht {n} over het kindcentrum.")
    _write(corpus, CHANGED, "Ouders en het kindcentrum.", "handreiking")
    _write(corpus, "notitie.txt", "Een notitie met <script>alert(1)</script> als tekst.",
           title=MARKUP_TITLE)
    client = create_app(Settings(corpus=corpus, index=index, base_url=PUBLIC),
                        {"TESTING": True}).test_client()
    feeds = {}
    build_index(corpus, index, added_at=FIRST_RUN)
    feeds["first"] = _feed(client, "/feed.atom?soort=handreiking")
    _write(corpus, CHANGED, "Ouders en het kindcentrum, nu herzien en langer.", "handreiking")
    _write(corpus, NEW, NEW_TITLE, "handreiking")
    os.utime(corpus / "bericht-01.txt", (1_900_000_000, 1_900_000_000))  # touched only
    report = build_index(corpus, index, added_at=SECOND_RUN)
    assert report.added == [NEW] and report.updated == [CHANGED]
    feeds["second"] = _feed(client, "/feed.atom?soort=handreiking")
    report = build_index(corpus, index, full=True, added_at=REBUILD)
    assert report.full
    feeds["rebuilt"] = _feed(client, "/feed.atom?soort=handreiking")
    return {"client": client, "feeds": feeds}


def _feed(client, url: str) -> feedparser.FeedParserDict:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/atom+xml"
    parsed = feedparser.parse(response.get_data())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def _by_id(feed: feedparser.FeedParserDict) -> dict[str, str]:
    """entry id -> its updated time."""
    return {entry.id: entry.updated for entry in feed.entries}


def _entry_id(path: str) -> str:
    return f"tag:kennisbank.example.nl,2026:document/{document_id(path)}"


def test_newest_additions_come_first_and_a_changed_file_keeps_its_date(steps) -> None:
    first, second = steps["feeds"]["first"], steps["feeds"]["second"]
    assert _by_id(first) == {_entry_id(CHANGED): "2026-01-05T10:00:00Z"}
    assert [entry.id for entry in second.entries] == [_entry_id(NEW), _entry_id(CHANGED)]
    assert _by_id(second) == {_entry_id(NEW): "2026-02-05T10:00:00Z",
                              _entry_id(CHANGED): "2026-01-05T10:00:00Z"}
    assert second.feed.updated == "2026-02-05T10:00:00Z"


def test_ids_and_dates_survive_a_full_rebuild(steps) -> None:
    second, rebuilt = steps["feeds"]["second"], steps["feeds"]["rebuilt"]
    assert _by_id(rebuilt) == _by_id(second)
    assert [entry.id for entry in rebuilt.entries] == [entry.id for entry in second.entries]


def test_links_are_absolute_from_the_base_url(steps) -> None:
    feed = _feed(steps["client"], "/feed.atom?q=handreiking&soort=handreiking&pagina=2")
    links = {link.rel: link.href for link in feed.feed.links}
    assert links["self"] == f"{PUBLIC}/feed.atom?q=handreiking&soort=handreiking"
    assert links["alternate"] == f"{PUBLIC}/?q=handreiking&soort=handreiking"
    assert feed.feed.id == links["self"]
    for entry in feed.entries:
        doc_id = entry.id.rsplit("/", 1)[1]
        assert entry.link == f"{PUBLIC}/document/{doc_id}"


def test_the_number_of_entries_is_bounded(steps) -> None:
    everything = _feed(steps["client"], "/feed.atom")
    assert len(everything.entries) == FEED_ENTRIES
    assert everything.entries[0].id == _entry_id(NEW)
    times = [entry.updated for entry in everything.entries]
    # Unchanged, touched and changed files alike kept the time of the first run.
    assert times == ["2026-02-05T10:00:00Z"] + ["2026-01-05T10:00:00Z"] * (FEED_ENTRIES - 1)
    assert _entry_id("bericht-01.txt") in {entry.id for entry in everything.entries}


def test_hostile_query_text_is_escaped(steps) -> None:
    response = steps["client"].get("/feed.atom", query_string={"q": HOSTILE})
    body = response.get_data()
    assert b"<script>" not in body and b"\x01" not in body
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert '<script>alert("x")</script> & ]]>' in parsed.feed.title


def test_markup_in_titles_and_text_is_escaped(steps) -> None:
    response = steps["client"].get("/feed.atom?q=notitie")
    assert b"<script>" not in response.get_data() and b"<b>" not in response.get_data()
    entry = _feed(steps["client"], "/feed.atom?q=notitie").entries[0]
    assert entry.title == MARKUP_TITLE
    assert entry.title_detail.type == "text/plain"
    assert "alert(1)" in entry.summary and "<script>" not in entry.summary


def test_entries_carry_title_summary_and_type(steps) -> None:
    feed = steps["feeds"]["second"]
    entry = feed.entries[0]
    assert entry.title == NEW_TITLE
    assert "kindcentrum" in entry.summary
    assert [tag.term for tag in entry.tags] == ["handreiking"]
    assert feed.feed.title == "Nieuw in Kennisbank PACT voor Kindcentra: Documentsoort: Handreiking"


def test_the_result_page_links_its_feed(steps) -> None:
    soup = page(steps["client"],
                "/?q=kindcentrum&soort=handreiking&sorteer=datum&pagina=1&weergave=passages")
    alternate = soup.select_one('head link[rel=alternate][type="application/atom+xml"]')
    visible = soup.select_one('#resultaten a[type="application/atom+xml"]')
    assert alternate is not None and visible is not None
    assert visible.get_text(" ", strip=True) == (
        "Volg nieuwe documenten bij deze zoekopdracht (Atom-feed)")
    assert alternate["href"] == visible["href"]
    address = urlsplit(alternate["href"])
    assert f"{address.scheme}://{address.netloc}{address.path}" == f"{PUBLIC}/feed.atom"
    assert parse_qsl(address.query) == [("q", "kindcentrum"), ("soort", "handreiking")]
    assert "kindcentrum" in alternate["title"]


def test_a_search_without_results_still_has_a_valid_feed(steps) -> None:
    feed = _feed(steps["client"], "/feed.atom?q=zwaluwnest")
    assert feed.entries == []
    soup = page(steps["client"], "/?q=zwaluwnest")
    assert soup.select_one('#resultaten a[type="application/atom+xml"]') is not None


def test_sorting_the_result_page_by_first_added(steps) -> None:
    soup = page(steps["client"], "/?q=handreiking&sorteer=toegevoegd")
    titles = [h3.get_text(strip=True) for h3 in soup.select(".hit h3")]
    assert titles[0] == NEW_TITLE
    assert soup.select_one(".sort a[aria-current]").get_text(strip=True) == "Laatst toegevoegd"
