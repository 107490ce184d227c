"""Machine access: the JSON API, exports of a result list, and the health check."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from functools import partial

from flask import (
    Blueprint,
    Response,
    current_app,
    jsonify,
    request,
    stream_with_context,
    url_for,
)

from kennisbank.engine.store import IndexMissingError
from kennisbank.evidence.shown import Evidence
from kennisbank.search import HEALTH_PROBE_SECONDS
from kennisbank.webapp.documents import find_record, passage_url
from kennisbank.webapp.downloads import content_disposition
from kennisbank.webapp.export import (
    EXPORT_HEADER,
    ID_SLOT,
    ExportLinks,
    ExportRow,
    csv_header,
    csv_rows,
    export_extent,
    export_limits,
    export_part,
    ris_text,
)
from kennisbank.webapp.params import parse_state
from kennisbank.webapp.searching import api_json, run_on_service, run_search, service
from kennisbank.webapp.throttle import end_of_stream

blueprint = Blueprint("api", __name__)
HEALTH_SLOW_MS = 2000  # a probe search slower than this: the service is degraded
HIDDEN_FIELDS = ("text", "page_starts", "mtime_ns", "stat_key", "sidecar_sha256", "doctype",
                 "vocabulary", "passage_terms")


@blueprint.get("/api/search")
def search():
    return jsonify(api_json(run_search(parse_state(request.args))))


@blueprint.get("/api/documents/<doc_id>")
def document(doc_id: str):
    record = find_record(doc_id)
    data = {k: v for k, v in record.items() if k not in HIDDEN_FIELDS}
    data.update(type=record["doctype"], pages=len(record["page_starts"]),
                url=url_for("documents.document", doc_id=doc_id, _external=True),
                file_url=url_for("documents.download", doc_id=doc_id, _external=True),
                links=_links_json(service().evidence(doc_id)))
    return jsonify(data)


def _links_json(evidence: Evidence | None) -> dict:
    """The document's evidence links (docs/evidence.md), each passage with its URL."""
    if evidence is None:
        return {"role": "", "heading": "", "passages": []}
    data = evidence.to_json()
    for item, shown in zip(data["passages"], evidence.passages, strict=True):
        item["passage"]["url"] = passage_url(shown.passage, external=True)
        for other, linked in zip(item["linked"], shown.linked, strict=True):
            other["url"] = passage_url(linked, external=True)
    return data


def _export(render: Callable[[list[ExportRow]], str], start: str, content_type: str,
            filename: str) -> Response:
    """The whole result list of the requested search, up to MAX_EXPORT_ROWS, streamed in
    parts: the ranking is done first (so a bad query is still a clean error page), then
    each part (EXPORT_PART_ROWS documents) is read, written and sent before the next.
    Both happen in a worker process (webapp/offload.py). The header X-Kennisbank-Export
    says how many of how many results the file holds."""
    state = parse_state(request.args)
    most, part = export_limits()
    total, paths, searched = service().ranked_paths(replace(state, page=1), most)
    links = ExportLinks(
        url_for("documents.document", doc_id=ID_SLOT, _external=True),
        url_for("documents.download", doc_id=ID_SLOT, _external=True))

    def parts() -> Iterator[str]:
        try:
            yield start
            for first in range(0, len(paths), part):
                yield run_on_service(partial(export_part, render, searched,
                                             paths[first:first + part], links))
        finally:
            end_of_stream()

    response = Response(stream_with_context(parts()), content_type=content_type)
    response.headers["Content-Disposition"] = content_disposition(filename)
    response.headers[EXPORT_HEADER] = export_extent(len(paths), total)
    return response


@blueprint.get("/export.csv")
def export_csv():
    return _export(csv_rows, csv_header(), "text/csv; charset=utf-8",
                   "kennisbank-resultaten.csv")


@blueprint.get("/export.ris")
def export_ris():
    return _export(ris_text, "", "application/x-research-info-systems; charset=utf-8",
                   "kennisbank-resultaten.ris")


@blueprint.get("/healthz")
def healthz():
    """For monitoring: a real search on the served generation proves the index works.
    200 "ok"; 200 "degraded" when an older generation is served because the current
    one is damaged, or the search was slow; 503 when nothing can be searched (a missing
    or wholly damaged index, answered by the error handler) or the answer was wrong."""
    timeout = current_app.config.get("HEALTH_PROBE_SECONDS", HEALTH_PROBE_SECONDS)
    try:
        state, stats = service().health(timeout), service().stats()
    except IndexMissingError as exc:  # no index, or every generation damaged
        return jsonify({"status": "error", "problem": str(exc)}), 503
    slow = state["search_ms"] > HEALTH_SLOW_MS
    status = "ok" if state["search_ok"] and not state["degraded"] and not slow else "degraded"
    body = {"status": status if state["search_ok"] else "error",
            "generation": stats["generation"], "documents": stats["documents"],
            "current": state["current"], "checksums_verified": state["verified"],
            "search_ms": state["search_ms"], "problem": state["degraded"]}
    if state["search_timed_out"]:
        seconds = f"{timeout:g}".replace(".", ",")  # Dutch decimal comma
        body["problem"] = f"de proefzoekvraag gaf binnen {seconds} s geen antwoord"
    elif slow and not state["degraded"]:
        body["problem"] = f"de proefzoekvraag duurde {state['search_ms']:.0f} ms"
    return jsonify(body), 200 if state["search_ok"] else 503
