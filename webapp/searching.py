"""One search as the web app runs it, shared by the page, the JSON API and the exports:
the service's answer plus a "Bedoelde u" suggestion whose link is sure to find something."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TypeVar
from urllib.parse import urlencode

from flask import current_app, url_for

from kennisbank.request import SearchRequest
from kennisbank.search import SearchResponse, SearchService
from kennisbank.webapp.offload import OffloadedService, workers
from kennisbank.webapp.params import url_params
from kennisbank.webapp.throttle import in_expensive_request

T = TypeVar("T")
SERVICE_KEY = "kennisbank.search"
# Per facet the API lists this many values (the most frequent, and every selected one);
# `facets_left_out` says how many more there were, so a client knows the list is cut.
MAX_API_FACET_VALUES = 1000


def service() -> SearchService:
    """The search service; for an expensive request (webapp/throttle.py) its heavy
    methods run in a worker process (webapp/offload.py)."""
    local = current_app.extensions[SERVICE_KEY]
    if in_expensive_request():
        return OffloadedService(local, workers(current_app))
    return local


def run_on_service(task: Callable[[SearchService], T]) -> T:
    """`task(service)`, in a worker process for an expensive request."""
    if in_expensive_request():
        return workers(current_app).call(task)
    return task(current_app.extensions[SERVICE_KEY])


def state_url(state: SearchRequest, endpoint: str = "pages.search", **values: object) -> str:
    """The stable URL of a search state (or of another page that carries it along)."""
    base, query = url_for(endpoint, **values), urlencode(url_params(state))
    return f"{base}{'&' if '?' in base else '?'}{query}" if query else base


@dataclass(frozen=True)
class Outcome:
    state: SearchRequest
    response: SearchResponse
    suggestion: str | None = None
    suggestion_state: SearchRequest | None = None


def run_search(state: SearchRequest) -> Outcome:
    search = service()
    response = search.search(state)
    suggestion = response.suggestion
    if suggestion is None:
        return Outcome(state, response)
    target = state.change(query=suggestion)
    if state.has_filters and search.search(replace(target, page_size=1)).total == 0:
        target = target.without_filters()  # the filters, not the spelling, empty the list
    return Outcome(state, response, suggestion, target)


def api_json(outcome: Outcome) -> dict:
    """`kennisbank search --json`, plus what a client needs to page through it."""
    data = outcome.response.to_json()
    data["facets"], data["facets_left_out"] = _capped_facets(outcome.response)
    data["suggestion"] = outcome.suggestion
    data["degraded"] = service().degradation()
    data["generation"] = outcome.response.generation
    data["query"] = outcome.response.query or outcome.state.query
    data["filters"] = {name: list(values) for name, values in outcome.state.filters.items()}
    data["year_from"], data["year_to"] = outcome.state.year_from, outcome.state.year_to
    data["sort"] = outcome.state.sort
    data["links"] = _links(outcome)
    return data


def _capped_facets(response: SearchResponse) -> tuple[dict[str, dict[str, int]],
                                                     dict[str, int]]:
    facets, left_out = {}, {}
    for name, values in response.facets.items():
        kept = [v for i, v in enumerate(values) if i < MAX_API_FACET_VALUES or v.selected]
        facets[name] = {v.value: v.count for v in kept}
        if len(kept) < len(values):
            left_out[name] = len(values) - len(kept)
    return facets, left_out


def _links(outcome: Outcome) -> dict[str, str | None]:
    state, pages = outcome.state, outcome.response.page_count
    page = state.page
    return {
        "self": state_url(state, "api.search", _external=True),
        "html": state_url(state, "pages.search", _external=True),
        "next": state_url(state.change(page=page + 1), "api.search", _external=True)
        if page < pages else None,
        "previous": state_url(state.change(page=min(page - 1, pages)), "api.search",
                              _external=True) if page > 1 else None,
    }
