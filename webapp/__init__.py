"""The Kennisbank web front end: a Flask app factory over the search service."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from flask import Flask

from kennisbank.config import Settings, load_settings
from kennisbank.search import SearchService


def create_app(settings: Settings | None = None, overrides: Mapping[str, object] | None = None
               ) -> Flask:
    """Build the app. Settings come from KENNISBANK_* variables unless given."""
    settings = settings or load_settings()
    app = Flask(__name__)
    app.config.update(SETTINGS=settings, **(overrides or {}))
    app.extensions["kennisbank.search"] = SearchService(Path(settings.index))

    from webapp import views

    app.register_blueprint(views.blueprint)
    views.register_error_handlers(app)
    return app
