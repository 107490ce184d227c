"""Serving the app with waitress, a production WSGI server (no debug server)."""

from __future__ import annotations

from waitress import serve as waitress_serve

from kennisbank.config import Settings
from webapp import create_app


def serve(settings: Settings) -> None:
    app = create_app(settings)
    print(f"Kennisbank draait op http://{settings.host}:{settings.port}/ (stoppen: Ctrl-C)",
          flush=True)
    waitress_serve(app, host=settings.host, port=settings.port, threads=settings.threads,
                   ident="kennisbank")
