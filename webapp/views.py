"""Pages and API of the web front end."""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, jsonify, render_template, request

from kennisbank.engine.store import IndexMissingError
from kennisbank.records import FACET_FIELDS, facet_field_name
from kennisbank.search import MAX_PAGE_SIZE, SearchRequest, SearchService

blueprint = Blueprint("pages", __name__)


def _service() -> SearchService:
    return current_app.extensions["kennisbank.search"]


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name, "")
    try:
        value = int(raw)
    except ValueError:
        return default
    return min(max(value, low), high)


def search_request_from_args() -> SearchRequest:
    filters: dict[str, list[str]] = {}
    for key in request.args:
        field = facet_field_name(key)
        if field is not None:
            filters.setdefault(field, []).extend(v for v in request.args.getlist(key) if v)
    return SearchRequest(
        query=request.args.get("q", "")[:500],
        filters={k: tuple(v) for k, v in filters.items()},
        sort="date" if request.args.get("sort") == "date" else "relevance",
        page=_int_arg("page", 1, 1, 10_000),
        page_size=_int_arg("size", 10, 1, MAX_PAGE_SIZE),
    )


@blueprint.get("/")
def search_page():
    search_request = search_request_from_args()
    response = _service().search(search_request)
    return render_template("search.html", response=response, facet_labels=FACET_FIELDS)


@blueprint.get("/api/search")
def api_search():
    return jsonify(_service().search(search_request_from_args()).to_json())


@blueprint.get("/healthz")
def healthz():
    stats = _service().stats()
    return jsonify({"status": "ok", "generation": stats["generation"],
                    "documents": stats["documents"]})


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(IndexMissingError)
    def index_missing(error: IndexMissingError):
        return render_template("error.html", title="Nog geen index",
                               message=str(error)), 503

    @app.errorhandler(404)
    def not_found(_error: Exception):
        return render_template("error.html", title="Pagina niet gevonden",
                               message="Deze pagina bestaat niet."), 404
