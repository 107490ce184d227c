"""Sidecar metadata: `<file>.meta.toml` beside a document, written by hand by staff.

Keys are Dutch (what staff read in docs/beheer.md); English names are accepted too
(kennisbank.fields has them all). A sidecar that cannot be read or breaks a rule
(kennisbank.indexer.sidecar_values) fails its document with a Dutch reason naming the
sidecar and the key, so a typo never silently changes curated metadata.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kennisbank.fields import FIELDS, SIDECAR_KEYS, MetadataField
from kennisbank.indexer.parsers.base import ParseError
from kennisbank.indexer.sidecar_values import (
    FACET_VALUE_CHARS,
    MAX_CHARS,
    MAX_SIDECAR_BYTES,
    BadValue,
    date_value,
    list_value,
    shown,
    text_value,
    url_value,
    year_value,
)

SIDECAR_SUFFIX = ".meta.toml"
# Raise when the rules above get stricter: the next run then checks every sidecar of
# an existing index again, so sidecars accepted by older rules show up as failed.
SIDECAR_RULES = 2
_TOML_PLACE = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)$")


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


def _open_problem(exc: OSError) -> str:
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "kan niet worden gelezen (geen leesrechten)"
    if exc.errno == errno.ELOOP:
        return "werd een snelkoppeling tijdens het indexeren en is niet gelezen; indexeer opnieuw"
    if exc.errno == errno.ENOENT:
        return "verdween tijdens het indexeren; indexeer opnieuw"
    return f"kan niet worden gelezen ({exc.strerror or exc})"


def read_sidecar(path: Path, name: str) -> bytes:
    """The sidecar's bytes, at most MAX_SIDECAR_BYTES. `path` is the file itself (the
    walk has resolved a symlink inside the corpus), opened without following a link
    and without waiting on a pipe, so nothing outside the corpus is ever read."""
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise ParseError("sidecar", f"{name}: {_open_problem(exc)}") from exc
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise ParseError("sidecar", f"{name}: geen gewoon bestand")
        data = handle.read(MAX_SIDECAR_BYTES + 1)
    if len(data) > MAX_SIDECAR_BYTES:
        size = max(info.st_size, len(data))
        raise ParseError("sidecar", f"{name}: te groot ({size // 1024} KB; de grens is "
                                    f"{MAX_SIDECAR_BYTES // 1024} KB)")
    return data


def _load(data: bytes) -> dict[str, object]:
    try:
        return tomllib.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise BadValue("geen UTF-8-tekst; sla het bestand op als UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        place = _TOML_PLACE.search(message)
        where = ("" if not place else " aan het eind" if place[1] is None
                 else f" op regel {place[1]}, kolom {place[2]}")
        detail = message[:place.start()] if place else message
        raise BadValue(f"geen geldige TOML{where} ({detail}); staat tekst tussen "
                       "aanhalingstekens?") from None
    except RecursionError:
        raise BadValue("te diep genest (lijsten of tabellen in elkaar); een sidecar "
                       "bevat alleen teksten, lijsten van teksten en jaartallen") from None


def _checker(found: MetadataField) -> Callable[[str, object], object]:
    """The rule for a field's values."""
    if found.attribute == "year":
        return year_value
    if found.attribute == "date":
        return date_value
    if found.attribute == "source_url":
        return url_value
    if found.is_list:
        return list_value
    limit = MAX_CHARS.get(found.attribute, FACET_VALUE_CHARS)
    multiline = found.attribute == "description"
    return lambda key, value: text_value(key, value, limit, multiline)


def _known_keys() -> str:
    return ", ".join(f.param for f in FIELDS if f.in_sidecar)


def _values(raw: dict[str, object]) -> tuple[dict[str, object], dict[str, str]]:
    """Checked values per attribute, and the key each came from (as written)."""
    values: dict[str, object] = {}
    keys: dict[str, str] = {}
    for key, value in raw.items():
        found = SIDECAR_KEYS.get(key.strip().lower())
        if found is None:
            raise BadValue(f"onbekende sleutel {shown(key)}; bekende sleutels: {_known_keys()}")
        if found.attribute in keys:
            raise BadValue(f"'{keys[found.attribute]}' en '{key}' betekenen hetzelfde; "
                           "laat er één staan")
        keys[found.attribute] = key
        checked = _checker(found)(key, value)
        if checked not in ("", (), None):  # an empty value: as if the key were left out
            values[found.attribute] = checked
    return values, keys


def _check_year_and_date(values: dict[str, object], keys: dict[str, str]) -> None:
    """`jaar` and `datum` must agree: the year facet and sorting by date use one each."""
    year, date = values.get("year"), str(values.get("date", ""))
    if year is not None and date and int(date[:4]) != year:
        raise BadValue(f"'{keys['year']}' ({year}) en '{keys['date']}' ({date}) spreken "
                       f"elkaar tegen; laat '{keys['year']}' weg of maak ze gelijk")


def parse_sidecar(data: bytes, name: str = "sidecar") -> Sidecar:
    """Read and check a sidecar's bytes; `name` (the sidecar's file name) starts every
    message, so staff know which file to fix."""
    try:
        values, keys = _values(_load(data))
        _check_year_and_date(values, keys)
    except BadValue as exc:
        raise ParseError("sidecar", f"{name}: {exc}") from None
    return Sidecar(**values)
