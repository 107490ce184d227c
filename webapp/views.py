"""The search page, the help page and the OpenSearch description."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from flask import (
    Blueprint,
    Response,
    current_app,
    render_template,
    request,
    send_from_directory,
    url_for,
)

from kennisbank.request import SearchRequest
from kennisbank.search import Hit, SearchResponse
from kennisbank.webapp import presenters
from kennisbank.webapp.export import export_limits
from kennisbank.webapp.feeds import feed_title, feed_url
from kennisbank.webapp.params import parse_state
from kennisbank.webapp.searching import Outcome, run_search, service, state_url

blueprint = Blueprint("pages", __name__)
FAVICON_MAX_AGE = 7 * 24 * 3600  # a week: browsers ask for it on every site visit


@blueprint.get("/")
def search():
    outcome = run_search(parse_state(request.args))
    return render_template("search.html", **search_context(outcome))


def search_context(outcome: Outcome) -> dict:
    state, response = outcome.state, outcome.response
    context = {
        "state": state,
        "canonical_url": state_url(state),
        "response": response,
        "summary": presenters.result_summary(response),
        "groups": presenters.facet_groups(response, state, state_url),
        "chips": presenters.chips(state, state_url),
        "clear_url": state_url(state.without_filters()),
        "pages": presenters.page_links(state, response.page_count, state_url),
        "first_number": (state.page - 1) * state.page_size + 1,
        "sort_links": _sort_links(state),
        "suggestion": outcome.suggestion,
        "literal_url": state_url(state.change(literal=True))
        if response.corrected_from else None,
        "unexpanded_url": state_url(state.change(synonyms=False))
        if response.expanded_with else None,
        "degraded": service().degradation(),
        "suggestion_url": state_url(outcome.suggestion_state)
        if outcome.suggestion_state else None,
        "without_filters": None,
        "export_csv": state_url(state.change(page=1), "api.export_csv"),
        "export_ris": state_url(state.change(page=1), "api.export_ris"),
        "export_limit": export_limits()[0],
        "feed_url": feed_url(state),
        "feed_title": feed_title(state),
        "prev_url": state_url(state.change(page=state.page - 1)) if state.page > 1 else None,
        "next_url": state_url(state.change(page=state.page + 1)),
        "doc_url": lambda doc_id: state_url(state, "documents.document", doc_id=doc_id),
        "file_url": lambda doc_id: url_for("documents.download", doc_id=doc_id),
        "why_found": _why_found(response),
        "view_links": [(label, state_url(state.change(view=value)), state.view == value)
                       for value, label in (("documents", "Documenten"),
                                            ("passages", "Passages"))],
        "passage_url": lambda hit, passage: (
            f"{url_for('documents.download', doc_id=hit.id)}#page={passage.page}"
            if passage.page else
            f"{state_url(state, 'documents.document', doc_id=hit.id)}#passage-{passage.number}"),
        "passage_label": presenters.passage_label,
    }
    if response.total == 0 and state.has_filters:
        unfiltered = service().search(replace(state.without_filters(), page_size=1))
        context["without_filters"] = unfiltered.total
    if response.total and state.page > response.page_count:
        context["last_page_url"] = state_url(state.change(page=response.page_count))
    return context


def _why_found(response: SearchResponse) -> Callable[[Hit], list[tuple[str, str]]]:
    """"Waarom gevonden?" rows per hit, from one analysis of the searched query."""
    explanation = service().word_analysis(response.query) if (
        response.query and response.hits) else None
    return lambda hit: presenters.why_found(explanation, hit)


def _sort_links(state: SearchRequest) -> list[tuple[str, str, bool]]:
    return [(label, state_url(state.change(sort=value)), state.sort == value)
            for value, label in (("relevance", "Relevantie"), ("date", "Datum, nieuwste eerst"),
                                 ("added", "Laatst toegevoegd"))]


@blueprint.get("/hulp")
def help_page():
    return render_template("help.html")


@blueprint.get("/opensearch.xml")
def opensearch():
    xml = render_template("opensearch.xml")
    return Response(xml, mimetype="application/opensearchdescription+xml")


@blueprint.get("/favicon.ico")
def favicon():
    """Browsers and feed readers ask for /favicon.ico whatever the page links to."""
    return send_from_directory(current_app.static_folder, "favicon.ico",
                               mimetype="image/vnd.microsoft.icon", max_age=FAVICON_MAX_AGE)
