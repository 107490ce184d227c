"""Which Host the site answers to, and which address its absolute links carry.

Absolute links (API `links`, document URLs, OpenSearch, exports) used to follow the
client's Host header, so `Host: evil.example` produced links to evil.example, and a
local install could be read by any web page through DNS rebinding. Now:

- with KENNISBANK_BASE_URL, every absolute link is built from it (scheme, host, path
  prefix), whatever the client sends; requests for its host or a loopback name are
  answered, others refused;
- without it, only requests for a loopback name (localhost, 127.0.0.0/8, [::1]) are
  answered: the site is for this computer until someone says where it lives.

A refused request gets a Dutch 400 page (JSON under /api/) from webapp/errors.py.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Flask, current_app, request

from kennisbank.config import Settings
from kennisbank.webapp.errors import AccessRefused

CLIENT_HOST_KEY = "kennisbank.client_host"  # the Host header as the client sent it
PUBLIC_ADDRESS_KEY = "kennisbank.public_address"  # app.extensions: PublicAddress | None
LOOPBACK_NAMES = {"localhost"}


@dataclass(frozen=True)
class PublicAddress:
    """KENNISBANK_BASE_URL taken apart: what links start with, and the host it names."""

    scheme: str
    netloc: str  # host[:port] as configured
    hostname: str  # lower case, without port or brackets
    prefix: str  # path prefix without a trailing slash, "" for a bare origin

    @classmethod
    def parse(cls, base_url: str) -> PublicAddress | None:
        if not base_url:
            return None
        parts = urlsplit(base_url)
        return cls(parts.scheme, parts.netloc, _hostname(parts.netloc) or "",
                   parts.path.rstrip("/"))

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.netloc}{self.prefix}/"


def _hostname(host_header: str) -> str | None:
    """The host name of a Host header value (lower case, no port, no brackets), or
    None if the value is not a well-formed host[:port]."""
    host = host_header.strip().lower()
    if host.startswith("["):
        name, bracket, rest = host[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else None
        if not bracket or (rest and port is None):
            return None
    else:
        name, colon, port = host.partition(":")
        port = port if colon else None
    if port is not None and not (port.isascii() and port.isdigit() and len(port) <= 5):
        return None
    return name.rstrip(".") or None


def is_loopback_address(address: str) -> bool:
    """127.0.0.0/8, ::1 and the IPv4-mapped form of a loopback address."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)
    return ip.is_loopback or (mapped is not None and mapped.is_loopback)


def is_loopback_host(host_header: str) -> bool:
    """Does this Host header name this computer? (`localhost:8000`, `127.0.0.1`, `[::1]`)"""
    name = _hostname(host_header)
    return name is not None and (name in LOOPBACK_NAMES or is_loopback_address(name))


def host_allowed(host_header: str | None, public: PublicAddress | None) -> bool:
    """A request without a Host header (HTTP/1.0) names no host an attacker chose."""
    if host_header is None or is_loopback_host(host_header):
        return True
    return public is not None and _hostname(host_header) == public.hostname


def client_host() -> str | None:
    """The Host header as the client sent it, before the public address replaced it."""
    return request.environ.get(CLIENT_HOST_KEY, request.environ.get("HTTP_HOST"))


class PublicAddressMiddleware:
    """WSGI layer that makes Flask see the configured public address: url_for(...,
    _external=True) and request.url then use it. A path prefix works whether the
    reverse proxy strips it or passes it on."""

    def __init__(self, wsgi_app: Callable, public: PublicAddress) -> None:
        self.wsgi_app, self.public = wsgi_app, public

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        environ[CLIENT_HOST_KEY] = environ.get("HTTP_HOST")
        environ["HTTP_HOST"] = self.public.netloc
        environ["wsgi.url_scheme"] = self.public.scheme
        prefix = self.public.prefix
        if prefix:
            path = environ.get("PATH_INFO", "")
            if path == prefix or path.startswith(prefix + "/"):
                environ["PATH_INFO"] = path[len(prefix):] or "/"
            environ["SCRIPT_NAME"] = prefix
        return self.wsgi_app(environ, start_response)


def _refuse_other_hosts() -> None:
    public: PublicAddress | None = current_app.extensions[PUBLIC_ADDRESS_KEY]
    if host_allowed(client_host(), public):
        return
    if public is None:
        message = ("Deze Kennisbank antwoordt alleen op deze computer, op een adres als "
                   "http://localhost/ of http://127.0.0.1/. Wie de Kennisbank online zet, "
                   "stelt met KENNISBANK_BASE_URL het openbare webadres in.")
    else:
        message = (f"Deze Kennisbank is te vinden op {public.url} (KENNISBANK_BASE_URL); "
                   "via dit adres antwoordt hij niet.")
    raise AccessRefused(400, "Onbekend webadres", message)


def init_app(app: Flask, settings: Settings) -> None:
    """Check every request's Host first, and rewrite the address if one is configured."""
    public = PublicAddress.parse(settings.base_url)
    app.extensions[PUBLIC_ADDRESS_KEY] = public
    app.before_request(_refuse_other_hosts)
    if public is not None:
        app.wsgi_app = PublicAddressMiddleware(app.wsgi_app, public)


def is_loopback_bind(host: str) -> bool:
    """Does `serve --host` listen on this computer only?"""
    return host.lower() in LOOPBACK_NAMES or is_loopback_address(host.strip("[]"))
