"""The rules for the values staff write in a sidecar, and their limits.

A sidecar is typed by hand, so every value is checked before it reaches the index: a
title must be one line of text (not `[1, 2]`), a date a real calendar date, a source
an http(s) address (the web page makes it a link), and no field may hold so many or
so long values that one document bloats every search page. A value that breaks a rule
raises `BadValue` with a Dutch sentence naming the key; kennisbank.indexer.sidecar adds
the sidecar's name and fails the document.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from urllib.parse import urlsplit

MAX_SIDECAR_BYTES = 64 * 1024  # a full sidecar is under 2 KB
MAX_VALUES = 50  # per list field (themas, organisaties, doelgroepen)
FACET_VALUE_CHARS = 200  # soort and each list value: one line in the facet sidebar
MAX_CHARS: dict[str, int] = {  # per field attribute; others: FACET_VALUE_CHARS
    "title": 500, "author": 500, "source_url": 2000, "description": 5000,
}
FIRST_YEAR, LAST_YEAR = 1900, 2100  # for both `jaar` and `datum`
DATE_EXAMPLE = "als 2021-04-14 (of 2021-04, of 2021)"
# Unicode controls that reorder text: a value could display as something else.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


class BadValue(ValueError):
    """One value breaks a rule; the message is Dutch and names the key."""


def shown(value: object) -> str:
    """A value as staff wrote it, short and safe to print: text cut off after 40
    characters with control characters escaped; a list or table described, never
    printed (it may hold 100,000 items or be nested a thousand deep)."""
    if isinstance(value, str):
        return repr(value if len(value) <= 40 else value[:40] + "…")
    if isinstance(value, bool):
        return f"de waarde {str(value).lower()}"
    if isinstance(value, int | float):
        return f"het getal {value}"
    if isinstance(value, list):
        return "een lijst"
    if isinstance(value, dict):
        return "een tabel"
    if isinstance(value, dt.datetime):
        return f"het tijdstip {value.isoformat()}"
    if isinstance(value, dt.date):
        return f"de datum {value.isoformat()}"
    if isinstance(value, dt.time):
        return f"de tijd {value.isoformat()}"
    return type(value).__name__


def _bad_character(text: str, multiline: bool) -> str | None:
    allowed = "\n\t" if multiline else ""
    for char in text:
        category = unicodedata.category(char)
        if char in allowed:
            continue
        if category == "Cc" or char in BIDI_CONTROLS or (
                not multiline and category in ("Zl", "Zp")):
            return char
    return None


def text_value(key: str, value: object, limit: int = FACET_VALUE_CHARS,
               multiline: bool = False) -> str:
    """One string, stripped; "" means not filled in. Single-line unless `multiline`."""
    if not isinstance(value, str):
        raise BadValue(f"'{key}' moet één tekst tussen aanhalingstekens zijn, "
                       f"niet {shown(value)}")
    text = value.strip()
    bad = _bad_character(text, multiline)
    if bad is not None:
        what = "een stuurteken" if multiline else "een regeleinde of stuurteken"
        raise BadValue(f"'{key}' bevat {what} (U+{ord(bad):04X}) in {shown(text)}; "
                       + ("haal het weg" if multiline else "schrijf de waarde op één regel"))
    if len(text) > limit:
        raise BadValue(f"'{key}' is {len(text)} tekens lang; de grens is {limit} tekens")
    return text


def list_value(key: str, value: object) -> tuple[str, ...]:
    """A list of strings (one string is a list of one), without empty values and
    repeats, at most MAX_VALUES of at most FACET_VALUE_CHARS each."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list):
        raise BadValue(f"'{key}' moet een tekst of een lijst van teksten zijn, "
                       f"niet {shown(value)}")
    if len(items) > MAX_VALUES:
        raise BadValue(f"'{key}' heeft {len(items)} waarden; de grens is {MAX_VALUES}")
    for number, item in enumerate(items, start=1):
        if not isinstance(item, str):
            raise BadValue(f"'{key}' moet een tekst of een lijst van teksten zijn; "
                           f"waarde {number} is {shown(item)}")
    texts = (text_value(key, item) for item in items)
    return tuple(dict.fromkeys(text for text in texts if text))


def year_value(key: str, value: object) -> int | None:
    """A year between FIRST_YEAR and LAST_YEAR, as a number or digits in quotes."""
    if isinstance(value, str) and not value.strip():
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not (
            FIRST_YEAR <= value <= LAST_YEAR):
        raise BadValue(f"'{key}' moet een jaartal tussen {FIRST_YEAR} en {LAST_YEAR} zijn, "
                       f"niet {shown(value)}")
    return value


def date_value(key: str, value: object) -> str:
    """An ISO date (2021-04-14, 2021-04 or 2021) that exists on the calendar, or a
    TOML date; returned as ISO text. "" means not filled in."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        value = value.isoformat()
    if not isinstance(value, str):
        raise BadValue(f"'{key}' moet een datum zijn {DATE_EXAMPLE}, niet {shown(value)}")
    text = value.strip()
    if not text:
        return ""
    match = _DATE.fullmatch(text)
    year, month, day = match.groups() if match else (None, None, None)
    try:
        if year is None:
            raise ValueError(text)
        dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        raise BadValue(f"'{key}' moet een datum zijn {DATE_EXAMPLE}, "
                       f"niet {shown(text)}") from None
    if not FIRST_YEAR <= int(year) <= LAST_YEAR:
        raise BadValue(f"'{key}' moet een datum tussen {FIRST_YEAR} en {LAST_YEAR} zijn, "
                       f"niet {shown(text)}")
    return text


def url_value(key: str, value: object, limit: int = MAX_CHARS["source_url"]) -> str:
    """An absolute http(s) address: the document page links to it, so `javascript:`
    or `data:` must never get through."""
    text = text_value(key, value, limit)
    if not text:
        return ""
    try:
        parts = urlsplit(text)
    except ValueError:  # e.g. an unclosed [ in the host
        parts = urlsplit("")
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or any(
            char.isspace() for char in text):
        raise BadValue(f"'{key}' moet een internetadres zijn dat begint met https:// of "
                       f"http://, niet {shown(text)}")
    return text
