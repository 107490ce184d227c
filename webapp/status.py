"""`/beheer/status`: the index's health for staff, read-only (the same facts as
`kennisbank status`)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, render_template

from kennisbank.config import corpus_folder
from kennisbank.indexer.health import check_health
from kennisbank.indexer.report import load_report
from kennisbank.webapp.searching import service

blueprint = Blueprint("status", __name__)


@blueprint.get("/beheer/status")
def status_page():
    settings = current_app.config["SETTINGS"]
    index_root = Path(settings.index)
    report = load_report(index_root)
    health = check_health(index_root, corpus_folder(settings), service().indexed_paths())
    return render_template("status.html", stats=service().stats(), report=report,
                           health=health, index_state=service().health())
