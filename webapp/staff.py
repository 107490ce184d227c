"""Who may open the staff pages (`/beheer/...`): they name failed and skipped files and
the state of the index, which is not for the public.

Without KENNISBANK_BEHEER_TOKEN, only someone on this computer who talks to the server
directly: a loopback client address and no proxy headers (behind a local reverse proxy
every visitor comes from 127.0.0.1). With a token, everyone must give it: as the
password of HTTP Basic (so a browser asks for it; any user name) or as
`Authorization: Bearer <token>`. The token is compared in constant time and never
written to a URL or a log.
"""

from __future__ import annotations

import hmac

from flask import Flask, Response, current_app, request

from kennisbank.config import Settings
from kennisbank.webapp.errors import AccessRefused
from kennisbank.webapp.hosts import client_host, is_loopback_address, is_loopback_host

STAFF_SEGMENT = "beheer"
REALM = 'Basic realm="Kennisbank beheer"'
# Headers a reverse proxy or CDN adds; waitress is told to keep them (webapp/server.py).
PROXY_HEADERS = ("Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto",
                 "X-Forwarded-Port", "X-Forwarded-By", "X-Real-IP", "X-Client-IP",
                 "True-Client-IP", "CF-Connecting-IP", "X-Cluster-Client-IP",
                 "Fastly-Client-IP", "X-Original-Forwarded-For", "Via")


def is_staff_path() -> bool:
    """Any path under /beheer, also one that does not exist (no hints to outsiders)."""
    first = request.path.strip("/").split("/", 1)[0]
    rule = request.url_rule.rule if request.url_rule is not None else ""
    return first == STAFF_SEGMENT or rule.startswith(f"/{STAFF_SEGMENT}/")


def is_direct_local_request() -> bool:
    """From this computer, straight to the server: not through a proxy on it."""
    host = client_host()
    return (is_loopback_address(request.remote_addr or "")
            and not any(name in request.headers for name in PROXY_HEADERS)
            and (host is None or is_loopback_host(host)))


def _token_given(token: str) -> bool:
    auth = request.authorization
    if auth is None:
        return False
    given = auth.password if auth.type == "basic" else auth.token
    if auth.type not in ("basic", "bearer") or not given:
        return False
    return hmac.compare_digest(given.encode("utf-8"), token.encode("utf-8"))


def _guard() -> None:
    if not is_staff_path():
        return
    settings: Settings = current_app.config["SETTINGS"]
    if settings.beheer_token:
        if not _token_given(settings.beheer_token):
            raise AccessRefused(
                401, "Wachtwoord voor beheer nodig",
                "De beheerpagina's vragen om het beheerwachtwoord (KENNISBANK_BEHEER_TOKEN). "
                "Uw browser vraagt erom; de gebruikersnaam maakt niet uit. Scripts sturen "
                "de kop Authorization: Bearer met het wachtwoord.",
                {"WWW-Authenticate": REALM})
        return
    if not is_direct_local_request():
        port = request.environ.get("SERVER_PORT", "80")
        local = f"http://127.0.0.1{'' if port == '80' else ':' + port}/beheer/status"
        raise AccessRefused(
            403, "Alleen voor beheerders",
            "De beheerpagina's zijn alleen te openen op de computer waarop de Kennisbank "
            f"draait, rechtstreeks via {local}. Wilt u ze "
            "ook op afstand of via een proxy openen, stel dan een beheerwachtwoord in met "
            "KENNISBANK_BEHEER_TOKEN (zie docs/beheer.md).")


def _private(response: Response) -> Response:
    """Staff answers (also refusals) are never stored by a browser or proxy cache."""
    if is_staff_path():
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Robots-Tag"] = "noindex"
    return response


def staff_link_visible() -> bool:
    """The footer links to the staff pages only for someone who can open them here."""
    return is_direct_local_request()


def init_app(app: Flask) -> None:
    app.before_request(_guard)
    app.after_request(_private)
    app.jinja_env.globals.update(staff_link_visible=staff_link_visible)
