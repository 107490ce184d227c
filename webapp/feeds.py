""""Nieuw sinds": every search (query and filters) as an Atom feed of the documents that
match it, the ones most recently added to the index first.

The feed URL carries exactly the search's parameters (webapp/params.py), so a feed
reader asks the same question the result page asked; only the order (first added to
the index, kennisbank/engine/added.py) and the length (FEED_ENTRIES) are the feed's
own. Entry ids come from the document id, which comes from the corpus path: a reindex,
a changed file or a rebuilt index never makes a reader show a document twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from flask import Blueprint, Response, current_app, request, url_for

from kennisbank.request import DEFAULT_PAGE_SIZE, SearchRequest
from kennisbank.search import Hit, SearchResponse
from kennisbank.webapp import atom
from kennisbank.webapp.hosts import PUBLIC_ADDRESS_KEY
from kennisbank.webapp.params import parse_state
from kennisbank.webapp.presenters import chips, value_label
from kennisbank.webapp.searching import service, state_url

blueprint = Blueprint("feeds", __name__)
FEED_ENTRIES = 50  # a feed lists at most this many documents, the last added first
# The date part of the entries' tag: URIs (RFC 4151). Fixed: an id must never change.
TAG_DATE = "2026"
UNKNOWN_TIME = "1970-01-01T00:00:00Z"
CONTENT_TYPE = "application/atom+xml; charset=utf-8"


@blueprint.get("/feed.atom")
def feed():
    state = feed_state(parse_state(request.args))
    response = service().search(state.change(sort="added", page_size=FEED_ENTRIES))
    return Response(atom.render(_feed(state, response)), content_type=CONTENT_TYPE)


def feed_state(state: SearchRequest) -> SearchRequest:
    """What a feed carries of a search: what decides which documents match (query,
    filters, years, literal or with synonyms); not the order, page, page size or view
    of the result page it was found on."""
    return replace(state, sort="relevance", page=1, page_size=DEFAULT_PAGE_SIZE,
                   view="documents")


def feed_url(state: SearchRequest) -> str:
    """The absolute address of the feed of a search (from KENNISBANK_BASE_URL if set)."""
    return state_url(feed_state(state), "feeds.feed", _external=True)


def feed_title(state: SearchRequest) -> str:
    """`Nieuw in Kennisbank …: “ouders” · Documentsoort: Handreiking`."""
    described = [f"“{state.query}”"] if state.query else []
    described += [chip.label for chip in chips(state, lambda _state: "")]
    name = f"Nieuw in {current_app.config['SETTINGS'].site_name}"
    return f"{name}: {' · '.join(described)}" if described else name


def _feed(state: SearchRequest, response: SearchResponse) -> atom.Feed:
    entries = tuple(_entry(hit) for hit in response.hits)
    newest = max((entry.updated for entry in entries), default=None)
    return atom.Feed(
        id=feed_url(state), title=feed_title(state),
        subtitle=(f"De {FEED_ENTRIES} documenten bij deze zoekopdracht die het laatst aan "
                  "de kennisbank zijn toegevoegd, de nieuwste eerst."),
        updated=newest or _now(), author=current_app.config["SETTINGS"].site_name,
        self_url=feed_url(state), html_url=state_url(state, _external=True),
        entries=entries)


def _entry(hit: Hit) -> atom.Entry:
    categories = [(hit.type, value_label("type", hit.type))] if hit.type else []
    categories += [(theme, value_label("theme", theme)) for theme in hit.themes]
    return atom.Entry(
        id=entry_id(_authority(), hit.id), title=hit.title,
        link=url_for("documents.document", doc_id=hit.id, _external=True),
        updated=hit.added or _date_time(hit.date), summary_html=hit.snippet,
        authors=hit.organisations, categories=tuple(categories))


def entry_id(authority: str, doc_id: str) -> str:
    """`tag:kennisbank.example.nl,2026:document/<id>`: the site's host (the one
    KENNISBANK_BASE_URL names; `localhost` without it) and the document id."""
    return f"tag:{authority},{TAG_DATE}:document/{doc_id}"


def _authority() -> str:
    public = current_app.extensions[PUBLIC_ADDRESS_KEY]
    return public.hostname if public is not None else "localhost"


def _date_time(date: str) -> str:
    """An index written before first-added times were recorded: the document's own
    date stands in (`2021-04-14`, `2021-04` or `2021`)."""
    parts = [*date.split("-"), "01", "01"][:3]
    if all(part.isdigit() for part in parts) and len(parts[0]) == 4:
        return f"{parts[0]}-{parts[1]:0>2}-{parts[2]:0>2}T00:00:00Z"
    return UNKNOWN_TIME


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
