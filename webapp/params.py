"""The state of a search page (a SearchRequest) as URL parameters: parsed from a
request, written back.

Every state (query, filters, year range, sort, page) has one canonical URL with Dutch
parameter names, so a researcher can bookmark and share it. English names
(`type`, `sort`, `page`, …) are accepted too, so the CLI's vocabulary works in the API.
Bad values raise `ParameterError`, which the app shows as a 400 page in Dutch. Every
integer parameter goes through `parse_int`, which checks the length before `int()`.
"""

from __future__ import annotations

from kennisbank.fields import FACET_FIELDS, FACET_PARAMS, facet_field_name
from kennisbank.request import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE,
    MAX_PAGE_SIZE,
    SORT_NAMES,
    VIEW_NAMES,
    SearchRequest,
)

SORT_PARAMS = {"relevance": "relevantie", "date": "datum", "added": "toegevoegd"}
VIEW_PARAMS = {"documents": "documenten", "passages": "passages"}
MAX_DOCUMENT_PAGE = 100_000  # `vanaf` on a document page: a page of the PDF
MAX_INT_CHARS = 12  # longer is never a page, size or year, whatever its leading zeros
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
    if state.literal:
        pairs.append(("letterlijk", "ja"))
    if not state.synonyms:
        pairs.append(("synoniemen", "nee"))
    if state.view != "documents":
        pairs.append(("weergave", VIEW_PARAMS[state.view]))
    return pairs


def parse_state(args) -> SearchRequest:
    """Read the search a URL asks for from request args (a werkzeug MultiDict)."""
    year_from = _year(*_first(args, "van", "year_from"))
    year_to = _year(*_first(args, "tot", "year_to"))
    if year_from is not None and year_to is not None and year_from > year_to:
        year_from, year_to = year_to, year_from
    page = parse_int(_first(args, "pagina", "page")[1], 1, MAX_PAGE,
                     f"Het paginanummer moet een geheel getal van 1 tot en met {MAX_PAGE} zijn.")
    size = parse_int(_first(args, "aantal", "size")[1], 1, MAX_PAGE_SIZE,
                     "Het aantal resultaten per pagina moet een geheel getal van 1 tot en met "
                     f"{MAX_PAGE_SIZE} zijn.")
    return SearchRequest(
        query=" ".join(args.get("q", "").split())[:MAX_QUERY_CHARS],
        filters=_filters(args),
        year_from=year_from,
        year_to=year_to,
        sort=_sort(_first(args, "sorteer", "sort")[1]),
        page=page or 1,
        page_size=size or DEFAULT_PAGE_SIZE,
        literal=_yes_no(*_first(args, "letterlijk", "literal"), default=False),
        synonyms=_yes_no(*_first(args, "synoniemen", "synonyms"), default=True),
        view=_view(_first(args, "weergave", "view")[1]),
    )


def parse_int(raw: str, low: int, high: int, message: str) -> int | None:
    """A whole number from a URL: None when absent, else ASCII digits within [low, high].

    The length is checked before `int()`: Python refuses to convert more than 4,300
    digits (a ValueError that used to end in a 500), and a long string costs time for
    nothing. A few leading zeros are fine (`pagina=02`)."""
    if not raw:
        return None
    if (len(raw) > MAX_INT_CHARS or not raw.isascii() or not raw.isdigit()
            or not low <= int(raw) <= high):
        raise ParameterError(message)
    return int(raw)


def start_page(args) -> int | None:
    """`vanaf` on a document page: the first PDF page to show. A number beyond the
    document's last page shows the last pages (a saved link survives a shorter
    re-indexed PDF); anything that is not a page number is a 400 like every other
    integer parameter."""
    return parse_int(args.get("vanaf", "").strip(), 1, MAX_DOCUMENT_PAGE,
                     "Het paginanummer bij ‘vanaf’ moet een geheel getal van 1 tot en met "
                     f"{MAX_DOCUMENT_PAGE} zijn.")


def _first(args, *names: str) -> tuple[str, str]:
    """The first of several names for one parameter that has a value: (name, value)."""
    for name in names:
        value = args.get(name, "").strip()
        if value:
            return name, value
    return names[0], ""


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


YES = frozenset({"ja", "yes", "1", "true", "aan", "on"})
NO = frozenset({"nee", "no", "0", "false", "uit", "off"})


def _yes_no(name: str, raw: str, default: bool) -> bool:
    """A switch parameter: ja/nee (or yes/no, 1/0, aan/uit); absent gives `default`."""
    if not raw:
        return default
    if raw.lower() in YES | NO:
        return raw.lower() in YES
    raise ParameterError(f"‘{name}’ kan ‘ja’ of ‘nee’ zijn, niet ‘{raw[:40]}’.")


def _view(raw: str) -> str:
    return _named(raw, VIEW_NAMES, "documents",
                  "Weergave kan ‘documenten’ of ‘passages’ zijn, niet ‘{}’.")


def _sort(raw: str) -> str:
    return _named(raw, SORT_NAMES, "relevance",
                  "Sorteren kan op ‘relevantie’, ‘datum’ of ‘toegevoegd’, niet op ‘{}’.")


def _named(raw: str, names: dict[str, str], default: str, message: str) -> str:
    """One of a parameter's named values (any case), `default` when absent; otherwise
    a Dutch error naming what was given (`message` with `{}` for it)."""
    if not raw:
        return default
    try:
        return names[raw.lower()]
    except KeyError:
        raise ParameterError(message.format(raw[:40])) from None


def _year(name: str, raw: str) -> int | None:
    low, high = YEAR_RANGE
    return parse_int(raw, low, high,
                     f"Het jaartal bij ‘{name}’ moet een jaar tussen {low} en {high} zijn.")
