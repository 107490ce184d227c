"""The document page and the download of the original file.

A download is found by document id in the index, never by a path from the URL, and the
file must resolve to a place inside the corpus folder: a crafted id or path is a 404.
"""

from __future__ import annotations

import re
from pathlib import Path

from flask import Blueprint, abort, current_app, render_template, request, send_file, url_for

from kennisbank.config import corpus_folder
from kennisbank.evidence.shown import ShownPassage
from kennisbank.fields import FACET_FIELDS
from kennisbank.records import DocumentRecord
from kennisbank.request import SearchRequest
from kennisbank.webapp import presenters
from kennisbank.webapp.downloads import FALLBACK_NAME, content_disposition
from kennisbank.webapp.params import parse_state, start_page
from kennisbank.webapp.preview import build_preview
from kennisbank.webapp.searching import service, state_url

blueprint = Blueprint("documents", __name__)
DOC_ID = re.compile(r"[0-9a-f]{16}")
# Only PDFs and plain text open in the browser; HTML from the corpus could run scripts
# on our origin, so it (and anything else) is downloaded as an attachment.
# Text types without a charset: werkzeug adds `; charset=utf-8` to every text/* type.
INLINE_TYPES = {"pdf": "application/pdf", "txt": "text/plain", "md": "text/plain"}
DOWNLOAD_TYPES = {"html": "text/html"}
# Passages with links listed on a document page (all of them are in the JSON API).
EVIDENCE_SHOWN = 25


def find_record(doc_id: str) -> dict:
    record = service().document(doc_id) if DOC_ID.fullmatch(doc_id) else None
    if record is None:
        abort(404)
    return record


@blueprint.get("/document/<doc_id>")
def document(doc_id: str):
    record = find_record(doc_id)
    state = parse_state(request.args)
    spans = service().match_spans(doc_id, state.query) if state.query else []
    preview = build_preview(record, spans, start_page(request.args))
    evidence = service().evidence(doc_id)
    return render_template(
        "document.html", record=record, state=state, preview=preview,
        facet_links=_facet_links(record), similar=service().similar(doc_id),
        evidence=evidence, evidence_shown=EVIDENCE_SHOWN, passage_url=passage_url,
        back_url=state_url(state) if state != SearchRequest() else None,
        window_url=lambda page: state_url(state, "documents.document", doc_id=doc_id,
                                          vanaf=page),
        file_url=url_for("documents.download", doc_id=doc_id),
        presenters=presenters,
    )


def passage_url(passage: ShownPassage, external: bool = False) -> str:
    """Where a passage is on its document page: its page of a PDF (the page window
    that holds it), else its passage anchor in the text."""
    if passage.page is not None:
        return url_for("documents.document", doc_id=passage.doc_id, vanaf=passage.page,
                       _external=external) + f"#pagina-{passage.page}"
    return url_for("documents.document", doc_id=passage.doc_id,
                   _external=external) + f"#passage-{passage.passage}"


def _facet_links(record: dict) -> list[tuple[str, list[tuple[str, str]]]]:
    """Per facet the document's values, each a link to the search filtered on it."""
    values = DocumentRecord(**record).facet_values()
    return [(label, [(presenters.value_label(name, v),
                      state_url(SearchRequest(filters={name: (v,)}))) for v in values[name]])
            for name, label in FACET_FIELDS.items() if values[name]]


def corpus_file(record: dict) -> Path | None:
    """The record's file, if it still exists inside the corpus folder."""
    root = corpus_folder(current_app.config["SETTINGS"]).resolve()
    relative = Path(record["path"])
    if relative.is_absolute() or ".." in relative.parts:
        return None
    path = (root / relative).resolve()
    return path if path.is_relative_to(root) and path.is_file() else None


@blueprint.get("/document/<doc_id>/bestand")
def download(doc_id: str):
    record = find_record(doc_id)
    path = corpus_file(record)
    if path is None:
        abort(404)
    inline = record["format"] in INLINE_TYPES
    mimetype = INLINE_TYPES.get(record["format"]) or DOWNLOAD_TYPES.get(
        record["format"], "application/octet-stream")
    # werkzeug's own Content-Disposition raises on a name with CR/LF: ours replaces it.
    response = send_file(path, mimetype=mimetype, download_name=FALLBACK_NAME,
                         conditional=True, max_age=0)
    response.headers["Content-Disposition"] = content_disposition(
        Path(record["path"]).name, attachment=not inline)
    if not inline:
        response.headers["Content-Security-Policy"] = "sandbox"
    return response

