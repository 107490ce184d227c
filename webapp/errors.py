"""Every error mapped to a status and a Dutch message in one place: an HTML page for
people, JSON for the API and the health check. No user input ends in a bare 500."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from kennisbank.engine.store import IndexMissingError
from kennisbank.webapp.offload import WorkFailed
from kennisbank.webapp.params import ParameterError

# How long a client is asked to wait when the server is busy (503 with Retry-After).
RETRY_AFTER_SECONDS = 10
MESSAGES: dict[int, tuple[str, str]] = {
    400: ("Ongeldige zoekopdracht", "Deze zoekopdracht kunnen we niet uitvoeren."),
    401: ("Inloggen nodig", "Voor deze pagina is een wachtwoord nodig."),
    403: ("Geen toegang", "Deze pagina is niet openbaar."),
    404: ("Pagina niet gevonden", "Deze pagina of dit document bestaat niet (meer)."),
    405: ("Niet toegestaan", "Deze pagina kan zo niet worden opgevraagd."),
    500: ("Er ging iets mis", "Er ging aan onze kant iets mis. Probeer het later opnieuw."),
    503: ("Nog geen index", "De zoekindex is nog niet beschikbaar."),
}


class AccessRefused(Exception):
    """A request the site will not answer (an unknown Host, a staff page without the
    right credentials); carries its own status, Dutch title and message, and headers
    such as WWW-Authenticate."""

    def __init__(self, status: int, title: str, message: str,
                 headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.title, self.message = status, title, message
        self.headers = dict(headers or {})


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def error_response(status: int, detail: str | None = None, title: str | None = None):
    default_title, message = MESSAGES.get(
        status, MESSAGES[500] if status >= 500 else MESSAGES[400])
    title = title or default_title
    if _wants_json():
        return jsonify({"error": title, "message": detail or message, "status": status}), status
    return render_template("error.html", title=title, message=detail or message,
                           status=status), status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ParameterError)
    def bad_parameter(error: ParameterError):
        return error_response(400, str(error))

    @app.errorhandler(AccessRefused)
    def refused(error: AccessRefused):
        body, status = error_response(error.status, error.message, error.title)
        return body, status, error.headers

    @app.errorhandler(WorkFailed)
    def work_failed(error: WorkFailed):
        body, status = error_response(503, str(error), "Even geduld")
        return body, status, {"Retry-After": str(RETRY_AFTER_SECONDS)}

    @app.errorhandler(IndexMissingError)
    def index_missing(error: IndexMissingError):
        return error_response(503, str(error))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return error_response(error.code or 500)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        app.logger.exception("Onverwachte fout bij %s", request.path, exc_info=error)
        return error_response(500)
