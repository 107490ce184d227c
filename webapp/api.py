"""Machine access: the JSON API, exports of a result list, and the health check."""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, Response, jsonify, request, url_for

from kennisbank.engine.store import IndexMissingError
from kennisbank.webapp.documents import find_record
from kennisbank.webapp.downloads import content_disposition
from kennisbank.webapp.export import ExportRow, csv_text, ris_text
from kennisbank.webapp.params import parse_state
from kennisbank.webapp.searching import api_json, run_search, service

blueprint = Blueprint("api", __name__)
MAX_EXPORT = 1000
HEALTH_SLOW_MS = 2000  # a probe search slower than this: the service is degraded
HIDDEN_FIELDS = ("text", "page_starts", "mtime_ns", "stat_key", "sidecar_sha256", "doctype")


@blueprint.get("/api/search")
def search():
    return jsonify(api_json(run_search(parse_state(request.args))))


@blueprint.get("/api/documents/<doc_id>")
def document(doc_id: str):
    record = find_record(doc_id)
    data = {k: v for k, v in record.items() if k not in HIDDEN_FIELDS}
    data.update(type=record["doctype"], pages=len(record["page_starts"]),
                url=url_for("documents.document", doc_id=doc_id, _external=True),
                file_url=url_for("documents.download", doc_id=doc_id, _external=True))
    return jsonify(data)


def _export_rows() -> list[ExportRow]:
    """The whole result list of the requested search (up to MAX_EXPORT), not one page."""
    state = parse_state(request.args)
    response = service().search(replace(state, page=1, page_size=MAX_EXPORT))
    rows = []
    for hit in response.hits:
        record = service().document(hit.id)
        if record is not None:
            rows.append(ExportRow(
                record, hit.pages,
                url_for("documents.document", doc_id=hit.id, _external=True),
                url_for("documents.download", doc_id=hit.id, _external=True)))
    return rows


def _attachment(body: str, content_type: str, filename: str) -> Response:
    response = Response(body, content_type=content_type)
    response.headers["Content-Disposition"] = content_disposition(filename)
    return response


@blueprint.get("/export.csv")
def export_csv():
    return _attachment(csv_text(_export_rows()), "text/csv; charset=utf-8",
                       "kennisbank-resultaten.csv")


@blueprint.get("/export.ris")
def export_ris():
    return _attachment(ris_text(_export_rows()),
                       "application/x-research-info-systems; charset=utf-8",
                       "kennisbank-resultaten.ris")


@blueprint.get("/healthz")
def healthz():
    """For monitoring: a real search on the served generation proves the index works.
    200 "ok"; 200 "degraded" when an older generation is served because the current
    one is damaged, or the search was slow; 503 when nothing can be searched (a missing
    or wholly damaged index, answered by the error handler) or the answer was wrong."""
    try:
        state, stats = service().health(), service().stats()
    except IndexMissingError as exc:  # no index, or every generation damaged
        return jsonify({"status": "error", "problem": str(exc)}), 503
    slow = state["search_ms"] > HEALTH_SLOW_MS
    status = "ok" if state["search_ok"] and not state["degraded"] and not slow else "degraded"
    body = {"status": status if state["search_ok"] else "error",
            "generation": stats["generation"], "documents": stats["documents"],
            "current": state["current"], "checksums_verified": state["verified"],
            "search_ms": state["search_ms"], "problem": state["degraded"]}
    if slow and not state["degraded"]:
        body["problem"] = f"de proefzoekvraag duurde {state['search_ms']:.0f} ms"
    return jsonify(body), 200 if state["search_ok"] else 503
