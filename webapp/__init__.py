"""The Kennisbank web front end: a Flask app factory over the search service.

Pages are rendered on the server and work without JavaScript; a small script only makes
filtering quicker and announces the new number of results.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from flask import Flask, Response

from kennisbank.config import Settings, load_settings
from kennisbank.search import SearchService

# No CDN, no inline code: everything the page loads comes from this server.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def create_app(settings: Settings | None = None, overrides: Mapping[str, object] | None = None
               ) -> Flask:
    """Build the app. Settings come from KENNISBANK_* variables unless given."""
    settings = settings or load_settings()
    app = Flask(__name__)
    app.config.update(SETTINGS=settings, **(overrides or {}))
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    # A long-running server checks each generation it opens against its checksums in
    # the background, so damage that does not raise is still found (engine/pool.py).
    app.extensions["kennisbank.search"] = SearchService(
        Path(settings.index), Path(settings.synonyms), verify_in_background=True)

    from kennisbank.webapp import (
        api,
        documents,
        errors,
        feeds,
        hosts,
        offload,
        presenters,
        staff,
        status,
        suggest,
        throttle,
        views,
    )

    app.jinja_env.globals.update(value_label=presenters.value_label,
                                 hidden_fields=presenters.hidden_fields,
                                 site=presenters.Site(settings.site_name,
                                                      settings.site_description))
    # Order matters: an unknown Host is refused before anything else looks at the request.
    hosts.init_app(app, settings)
    staff.init_app(app)
    throttle.init_app(app, settings.threads, settings.expensive_requests)
    offload.init_app(app, Path(settings.index), Path(settings.synonyms))
    for module in (views, documents, api, feeds, status, suggest):
        app.register_blueprint(module.blueprint)
    errors.register_error_handlers(app)
    app.after_request(_security_headers)
    return app


def _security_headers(response: Response) -> Response:
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if response.mimetype == "text/html":
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    return response
