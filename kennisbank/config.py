"""Settings declared once, overridable with KENNISBANK_* environment variables.

Both the CLI and the web app build a `Settings` from the environment, so a value set
for `make serve` is the same one the indexer used.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from urllib.parse import urlsplit

from kennisbank.analysis import DEFAULT_STEMMER
from kennisbank.engine.store import recorded_corpus
from kennisbank.evidence.update import (
    DEFAULT_GUIDANCE_TYPES,
    DEFAULT_RESEARCH_TYPES,
    EvidenceTypes,
)
from kennisbank.indexer.extract import DEFAULT_TYPES
from kennisbank.indexer.sidecar_values import BadValue, text_value
from kennisbank.indexer.walk import FORMATS
from kennisbank.synonyms import DEFAULT_SYNONYMS


class SettingsError(ValueError):
    """A setting has a value we cannot use; the message is Dutch and names the variable."""


class _Unusable(ValueError):
    """Why a value cannot be used, in Dutch (the variable's name is added by _convert)."""


DEFAULT_CORPUS = Path("corpus")
DEFAULT_SITE_NAME = "Kennisbank PACT voor Kindcentra"
DEFAULT_SITE_DESCRIPTION = ("Kennisbank met documenten van PACT voor Kindcentra (2018–2021), "
                            "een programma van Het Kinderopvangfonds.")
MIN_TOKEN_CHARS = 16
MAX_TOKEN_CHARS = 512
MAX_SITE_NAME_CHARS = 100
MAX_SITE_DESCRIPTION_CHARS = 500
# scheme://host[:port][/path], host a name or [IPv6], path segments of URL-safe letters.
PLAIN_URL = re.compile(r"https?://(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?"
                       r"(?:/[A-Za-z0-9._~-]+)*/?", re.ASCII)


@dataclass(frozen=True)
class Settings:
    corpus: Path | None = None  # None: the folder the index was built from (corpus_folder)
    index: Path = Path("var/index")
    jobs: int = 0  # 0 = one worker per CPU core
    file_timeout: float = 60.0  # seconds per file
    file_memory_mb: int = 1024  # address-space limit per extraction worker
    writer_memory_mb: int = 0  # index writers' posting pools together; 0 = RAM / 4
    stemmer: str = DEFAULT_STEMMER
    synonyms: Path = DEFAULT_SYNONYMS
    host: str = "127.0.0.1"
    port: int = 8000
    # Server threads. Expensive requests (exports, wildcard queries) may hold at most
    # half of them, so the other half always answers ordinary searches (webapp/throttle).
    threads: int = 16
    expensive_requests: int = 1  # exports and wildcard queries running at once
    # Document type per format for files whose sidecar sets none (DEFAULT_TYPES).
    default_types: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_TYPES))
    base_url: str = ""  # the public address (KENNISBANK_BASE_URL); "" = this computer only
    beheer_token: str = field(default="", repr=False)  # staff password; never printed
    site_name: str = DEFAULT_SITE_NAME
    site_description: str = DEFAULT_SITE_DESCRIPTION
    # Document types the evidence links join: guidance to the research behind it.
    guidance_types: tuple[str, ...] = DEFAULT_GUIDANCE_TYPES
    research_types: tuple[str, ...] = DEFAULT_RESEARCH_TYPES

    def __post_init__(self) -> None:
        """Refuse values the web app cannot use safely, whether they come from the
        environment, a flag or a test: better a clear stop at start-up than a site that
        trusts any Host header or a guessable staff password."""
        check_base_url(self.base_url)
        _check_token(self.beheer_token)
        _check_text("site_name", self.site_name, MAX_SITE_NAME_CHARS)
        _check_text("site_description", self.site_description, MAX_SITE_DESCRIPTION_CHARS)

    def with_overrides(self, **values: object) -> Settings:
        """Return a copy with the non-None values applied (CLI flags win over env)."""
        return replace(self, **{k: v for k, v in values.items() if v is not None})


def corpus_folder(settings: Settings) -> Path:
    """The folder with the documents: the one given (flag or KENNISBANK_CORPUS), else
    the one the index was built from, else ./corpus. `kennisbank index ~/docs` followed
    by `kennisbank serve` then serves the originals without further settings."""
    if settings.corpus is not None:
        return settings.corpus
    return recorded_corpus(settings.index) or DEFAULT_CORPUS


ENV_PREFIX = "KENNISBANK_"
RANGES: dict[str, tuple[int, int]] = {"port": (0, 65535), "threads": (1, 256),
                                      "expensive_requests": (1, 64)}


def parse_default_types(raw: str) -> dict[str, str]:
    """`pdf=rapport,txt=notitie` merged over DEFAULT_TYPES; `pdf=` gives PDFs no type.
    A type obeys the rules of a sidecar's `soort`."""
    types = dict(DEFAULT_TYPES)
    known = sorted(set(FORMATS.values()))
    for item in filter(str.strip, raw.split(",")):
        fmt, sep, value = (part.strip() for part in item.partition("="))
        if not sep or fmt.lower() not in known:
            raise _Unusable(f"'{item.strip()}' moet de vorm FORMAAT=SOORT hebben, met als "
                            f"formaat een van {', '.join(known)}")
        try:
            types[fmt.lower()] = text_value(fmt, value)
        except BadValue as exc:
            raise _Unusable(str(exc)) from None
    return types


def parse_type_list(raw: str) -> tuple[str, ...]:
    """`handreiking, instrument`: document types as a sidecar's `soort` gives them."""
    types = []
    for item in filter(str.strip, raw.split(",")):
        try:
            types.append(text_value("soort", item.strip()))
        except BadValue as exc:
            raise _Unusable(str(exc)) from None
    return tuple(dict.fromkeys(types))


def evidence_types(settings: Settings) -> EvidenceTypes:
    return EvidenceTypes(guidance=settings.guidance_types, research=settings.research_types)


def _variable(name: str) -> str:
    return f"{ENV_PREFIX}{name.upper()}"


def check_base_url(url: str) -> None:
    """A public base URL must be a plain http(s) address, optionally with a path prefix:
    every absolute link the site makes starts with it, so it may not carry a query, a
    fragment, a user name or characters that would need escaping."""
    if url and not _plain_web_address(url):
        raise SettingsError(
            f"{_variable('base_url')} moet het openbare webadres van de Kennisbank zijn: "
            "http:// of https://, een hostnaam en eventueel een pad, zonder ? of #, "
            "bijvoorbeeld https://kennisbank.example.nl of https://example.nl/kennisbank")


def _plain_web_address(url: str) -> bool:
    if not PLAIN_URL.fullmatch(url):
        return False
    try:
        parts = urlsplit(url)
        return bool(parts.hostname) and parts.port != 0
    except ValueError:  # a port that is no number or out of range
        return False


def _check_token(token: str) -> None:
    """The staff token is a password typed into a browser prompt or sent as a bearer
    token: long enough not to be guessed, printable ASCII without spaces so every client
    sends it unchanged. The message never repeats the value."""
    if not token:
        return
    printable = token.isascii() and token.isprintable() and " " not in token
    if not printable or not MIN_TOKEN_CHARS <= len(token) <= MAX_TOKEN_CHARS:
        raise SettingsError(
            f"{_variable('beheer_token')} moet {MIN_TOKEN_CHARS} tot {MAX_TOKEN_CHARS} tekens "
            "lang zijn (letters, cijfers en leestekens, geen spaties); maak er een met "
            "python3 -c \"import secrets; print(secrets.token_urlsafe(32))\"")


def _check_text(name: str, value: str, limit: int) -> None:
    """Site texts end up in every page and in XML: no control characters, not empty."""
    if not value.strip() or len(value) > limit or any(
            unicodedata.category(c).startswith("C") for c in value):
        raise SettingsError(f"{_variable(name)} moet een tekst van 1 tot {limit} tekens zijn, "
                            "op één regel")


def _convert(name: str, kind: type, raw: str) -> object:
    try:
        value = kind(raw)
    except _Unusable as exc:
        raise SettingsError(f"{ENV_PREFIX}{name.upper()}={raw!r}: {exc}") from None
    except ValueError as exc:
        raise SettingsError(f"{_variable(name)}={raw!r} is geen geldige waarde") from exc
    if isinstance(value, int | float) and value < 0:
        raise SettingsError(f"{_variable(name)} mag niet negatief zijn")
    low, high = RANGES.get(name, (None, None))
    if low is not None and not low <= value <= high:
        raise SettingsError(f"{_variable(name)} moet tussen {low} en {high} liggen, "
                            f"niet {raw!r}")
    return value


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read settings from the environment; unknown KENNISBANK_* names are ignored."""
    environ = os.environ if environ is None else environ
    kinds = {"corpus": Path, "index": Path, "jobs": int, "file_timeout": float,
             "file_memory_mb": int, "writer_memory_mb": int, "stemmer": str,
             "synonyms": Path, "host": str, "port": int, "threads": int,
             "expensive_requests": int,
             "default_types": parse_default_types, "base_url": str,
             "beheer_token": str, "site_name": str, "site_description": str,
             "guidance_types": parse_type_list, "research_types": parse_type_list}
    values: dict[str, object] = {}
    for f in fields(Settings):
        raw = environ.get(ENV_PREFIX + f.name.upper())
        if raw not in (None, ""):
            values[f.name] = _convert(f.name, kinds[f.name], raw)
    return Settings(**values)
