"""Serving the app with waitress, a production WSGI server (no debug server).

`create_server` is separate so the browser tests run exactly this server, on a free port.
"""

from __future__ import annotations

import sys

from flask import Flask
from waitress.server import create_server as waitress_server

from kennisbank.config import Settings
from kennisbank.webapp import create_app
from kennisbank.webapp.hosts import is_loopback_bind


def create_server(settings: Settings, app: Flask | None = None):
    """A waitress server for the app, bound but not yet running (port 0: any free port).
    Call `.run()` to serve; `.close()` and `.task_dispatcher.shutdown()` to stop.

    waitress removes X-Forwarded-* and Forwarded headers it does not trust; we keep them
    (nothing reads their values) because their presence tells the staff pages that a
    request came through a proxy, not from this computer (webapp/staff.py)."""
    return waitress_server(app or create_app(settings), host=settings.host,
                           port=settings.port, threads=settings.threads, ident="kennisbank",
                           clear_untrusted_proxy_headers=False)


def exposure_warning(settings: Settings) -> str | None:
    """What to tell someone who opens the server to the network without saying where it
    lives: it will refuse every visitor who does not use a loopback address."""
    if settings.base_url or is_loopback_bind(settings.host):
        return None
    return (f"Let op: de Kennisbank luistert op {settings.host}, maar KENNISBANK_BASE_URL is "
            "niet ingesteld. Alleen verzoeken voor localhost of 127.0.0.1 krijgen antwoord; "
            "andere bezoekers zien een foutmelding. Zet KENNISBANK_BASE_URL op het openbare "
            "webadres, bijvoorbeeld https://kennisbank.example.nl (zie README, "
            "\"Putting it online\").")


def serve(settings: Settings) -> None:
    app = create_app(settings)
    # The first search would otherwise read the facet values, dates and field lengths
    # of the whole index (seconds at 100k documents): do it before the first visitor.
    app.extensions["kennisbank.search"].warm()
    server = create_server(settings, app)
    warning = exposure_warning(settings)
    if warning:
        print(warning, file=sys.stderr, flush=True)
    print(f"Kennisbank draait op http://{settings.host}:{server.effective_port}/ "
          "(stoppen: Ctrl-C)", flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        print("Kennisbank is gestopt.", flush=True)
    finally:
        server.close()
        server.task_dispatcher.shutdown()
