"""Sidecar metadata: `<file>.meta.toml` beside a document, written by hand by staff.

Keys are Dutch (what staff read in docs/beheer.md); English names are accepted too
(kennisbank.fields has them all).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from kennisbank.fields import SIDECAR_KEYS
from kennisbank.indexer.parsers.base import ParseError

SIDECAR_SUFFIX = ".meta.toml"

@dataclass(frozen=True)
class Sidecar:
    title: str = ""
    doctype: str = ""
    organisations: tuple[str, ...] = ()
    year: int | None = None
    date: str = ""
    themes: tuple[str, ...] = ()
    audiences: tuple[str, ...] = ()
    description: str = ""
    author: str = ""
    source_url: str = ""


def sidecar_path(document: Path) -> Path:
    return document.with_name(document.name + SIDECAR_SUFFIX)


def _as_list(key: str, value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ParseError("sidecar", f"'{key}' moet een tekst of een lijst van teksten zijn")
    return tuple(v.strip() for v in value if v.strip())


def _as_year(value: object) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if not isinstance(value, int) or not 1900 <= value <= 2100:
        raise ParseError("sidecar", f"'jaar' moet een jaartal zijn, niet {value!r}")
    return value


def parse_sidecar(data: bytes) -> Sidecar:
    try:
        raw = tomllib.loads(data.decode("utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ParseError("sidecar", str(exc)) from exc
    values: dict[str, object] = {}
    for key, value in raw.items():
        found = SIDECAR_KEYS.get(key.strip().lower())
        if found is None:
            raise ParseError("sidecar", f"onbekende sleutel '{key}'")
        name = found.attribute
        if found.is_list:
            values[name] = _as_list(key, value)
        elif name == "year":
            values[name] = _as_year(value)
        else:
            values[name] = str(value).strip()
    return Sidecar(**values)
