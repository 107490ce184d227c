"""The state of a search page (a SearchRequest) as URL parameters: parsed from a
request, written back.

Every state (query, filters, year range, sort, page) has one canonical URL with Dutch
parameter names, so a researcher can bookmark and share it. English names
(`type`, `sort`, `page`, …) are accepted too, so the CLI's vocabulary works in the API.
Bad values raise `ParameterError`, which the app shows as a 400 page in Dutch.
"""

from __future__ import annotations

from kennisbank.fields import FACET_FIELDS, FACET_PARAMS, facet_field_name
from kennisbank.request import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE,
    MAX_PAGE_SIZE,
    SORT_NAMES,
    SearchRequest,
)

SORT_PARAMS = {"relevance": "relevantie", "date": "datum"}
MAX_QUERY_CHARS = 500
MAX_VALUES_PER_FACET = 25
MAX_VALUE_CHARS = 200
YEAR_RANGE = (1900, 2100)


class ParameterError(ValueError):
    """A URL parameter we cannot use; the message is Dutch and says what is expected."""


def url_params(state: SearchRequest) -> list[tuple[str, str]]:
    """The canonical query parameters of a search; defaults are left out to keep URLs
    short."""
    pairs: list[tuple[str, str]] = [("q", state.query)] if state.query else []
    for name in FACET_FIELDS:
        pairs.extend((FACET_PARAMS[name], v) for v in state.filters.get(name, ()))
    if state.year_from is not None:
        pairs.append(("van", str(state.year_from)))
    if state.year_to is not None:
        pairs.append(("tot", str(state.year_to)))
    if state.sort != "relevance":
        pairs.append(("sorteer", SORT_PARAMS[state.sort]))
    if state.page != 1:
        pairs.append(("pagina", str(state.page)))
    if state.page_size != DEFAULT_PAGE_SIZE:
        pairs.append(("aantal", str(state.page_size)))
    return pairs


def parse_state(args) -> SearchRequest:
    """Read the search a URL asks for from request args (a werkzeug MultiDict)."""
    year_from = _year(_first(args, "van", "year_from"), "van")
    year_to = _year(_first(args, "tot", "year_to"), "tot")
    if year_from is not None and year_to is not None and year_from > year_to:
        year_from, year_to = year_to, year_from
    return SearchRequest(
        query=" ".join(args.get("q", "").split())[:MAX_QUERY_CHARS],
        filters=_filters(args),
        year_from=year_from,
        year_to=year_to,
        sort=_sort(_first(args, "sorteer", "sort")),
        page=_number(_first(args, "pagina", "page"), 1, MAX_PAGE, "Het paginanummer"),
        page_size=_number(_first(args, "aantal", "size"), DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE,
                          "Het aantal resultaten per pagina"),
    )


def _first(args, *names: str) -> str:
    for name in names:
        value = args.get(name, "").strip()
        if value:
            return value
    return ""


def _filters(args) -> dict[str, tuple[str, ...]]:
    filters: dict[str, list[str]] = {}
    for key in args:
        name = facet_field_name(key)
        if name is None:
            continue
        values = filters.setdefault(name, [])
        for raw in args.getlist(key):
            value = " ".join(raw.split())[:MAX_VALUE_CHARS]
            if value and value not in values and len(values) < MAX_VALUES_PER_FACET:
                values.append(value)
    return {name: tuple(values) for name, values in filters.items() if values}


def _sort(raw: str) -> str:
    if not raw:
        return "relevance"
    try:
        return SORT_NAMES[raw.lower()]
    except KeyError:
        raise ParameterError(
            f"Sorteren kan op ‘relevantie’ of ‘datum’, niet op ‘{raw[:40]}’.") from None


def _number(raw: str, default: int, high: int, what: str) -> int:
    if not raw:
        return default
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= high:
        raise ParameterError(f"{what} moet een geheel getal van 1 tot en met {high} zijn.")
    return int(raw)


def _year(raw: str, name: str) -> int | None:
    if not raw:
        return None
    low, high = YEAR_RANGE
    if not raw.isascii() or not raw.isdigit() or not low <= int(raw) <= high:
        raise ParameterError(
            f"Het jaartal bij ‘{name}’ moet een jaar tussen {low} en {high} zijn.")
    return int(raw)
