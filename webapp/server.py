"""Serving the app with waitress, a production WSGI server (no debug server).

`create_server` is separate so the browser tests run exactly this server, on a free port.
"""

from __future__ import annotations

import errno
import sys

from flask import Flask
from waitress.server import create_server as waitress_server

from kennisbank.config import Settings
from kennisbank.processes import limit_malloc_arenas
from kennisbank.webapp import create_app, offload
from kennisbank.webapp.hosts import is_loopback_bind

MALLOC_ARENAS = 2  # see limit_malloc_arenas


class AddressError(OSError):
    """The server cannot listen where it was asked to; the message is Dutch and says
    which setting chooses another place. `in_use`: another program has the port."""

    def __init__(self, message: str, in_use: bool) -> None:
        super().__init__(message)
        self.in_use = in_use


def create_server(settings: Settings, app: Flask | None = None):
    """A waitress server for the app, bound but not yet running (port 0: any free port).
    Call `.run()` to serve; `.close()` and `.task_dispatcher.shutdown()` to stop.

    waitress removes X-Forwarded-* and Forwarded headers it does not trust; we keep them
    (nothing reads their values) because their presence tells the staff pages that a
    request came through a proxy, not from this computer (webapp/staff.py)."""
    try:
        return waitress_server(app or create_app(settings), host=settings.host,
                               port=settings.port, threads=settings.threads,
                               ident="kennisbank", clear_untrusted_proxy_headers=False)
    except OSError as exc:
        raise _address_error(exc, settings) from exc


def _address_error(exc: OSError, settings: Settings) -> AddressError:
    where = f"{settings.host}:{settings.port}"
    if exc.errno == errno.EADDRINUSE:
        return AddressError(
            f"poort {settings.port} op {settings.host} is al in gebruik (draait de Kennisbank "
            f"al, of een ander programma?). Kies een andere poort met KENNISBANK_PORT, "
            f"bijvoorbeeld: KENNISBANK_PORT={_another_port(settings.port)} make serve, of "
            f"kennisbank serve --port {_another_port(settings.port)}", in_use=True)
    if exc.errno in (errno.EACCES, errno.EPERM):
        return AddressError(
            f"geen toestemming om op {where} te luisteren (poorten onder 1024 zijn "
            "voorbehouden aan de beheerder). Kies een andere poort met KENNISBANK_PORT of "
            "--port", in_use=False)
    return AddressError(
        f"kan niet luisteren op {where}: {exc.strerror or exc}. Kies een ander adres met "
        "KENNISBANK_HOST of --host (standaard 127.0.0.1)", in_use=False)


def _another_port(port: int) -> int:
    return port + 1 if 0 < port < 65535 else 8001


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
    limit_malloc_arenas(MALLOC_ARENAS)
    app = create_app(settings)
    server = create_server(settings, app)  # a taken port is reported before warming up
    # The first search would otherwise read the facet values, dates and field lengths
    # of the whole index (seconds at 100k documents): do it before the first visitor.
    warming_worker = offload.workers(app).start()  # in parallel with our own warm-up
    app.extensions["kennisbank.search"].warm()
    warming_worker.join()
    warning = exposure_warning(settings)
    if warning:
        print(warning, file=sys.stderr, flush=True)
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    print(f"Kennisbank draait op http://{host}:{server.effective_port}/ "
          "(stoppen: Ctrl-C)", flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        print("Kennisbank is gestopt.", flush=True)
    finally:
        server.close()
        server.task_dispatcher.shutdown()
        offload.workers(app).close()
