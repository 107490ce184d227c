"""What the search page shows, as plain data: facet groups, filter chips, page links.

Kept free of Flask: each builder gets a `link(state) -> url` function, so the same
data can be tested without an app and rendered by any template.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kennisbank.analysis import fold
from kennisbank.explain import Explanation
from kennisbank.fields import FACET_FIELDS, FACET_PARAMS
from kennisbank.passages import Passage
from kennisbank.request import SearchRequest
from kennisbank.search import FacetValue, Hit, SearchResponse
from kennisbank.webapp.params import url_params

Link = Callable[[SearchRequest], str]
VISIBLE_VALUES = 6  # the rest of a long facet folds away behind "Toon alle …"
# A facet listing more values than this gets a box that filters its list (with script).
SEARCHABLE_FROM = 10
# A facet may hold thousands of distinct values (organisations, themes); the page lists
# the most frequent ones (and every selected value) and says how many more there are.
MAX_FACET_OPTIONS = 100
OPENSEARCH_SHORT_NAME_CHARS = 16  # OpenSearch 1.1: ShortName at most 16 characters
OPENSEARCH_LONG_NAME_CHARS = 48
FORMAT_LABELS = {"pdf": "PDF", "html": "HTML", "txt": "Tekst", "md": "Markdown"}
MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
          "september", "oktober", "november", "december")


def value_label(name: str, value: str) -> str:
    """How a facet value reads on the page (`pdf` -> `PDF`, `handreiking` -> `Handreiking`)."""
    if name == "format":
        return FORMAT_LABELS.get(value, value.upper())
    if name in ("type", "theme", "audience") and value:
        return value[0].upper() + value[1:]
    return value


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool
    url: str  # the same search with this value toggled
    input_id: str


@dataclass(frozen=True)
class FacetGroup:
    name: str
    label: str
    param: str
    shown: list[FacetOption]
    folded: list[FacetOption]
    left_out: int = 0  # values not listed at all (beyond MAX_FACET_OPTIONS)

    @property
    def searchable(self) -> bool:
        """Long enough that finding a value by typing beats tabbing through them."""
        return len(self.shown) + len(self.folded) > SEARCHABLE_FROM


@dataclass(frozen=True)
class Chip:
    label: str
    url: str  # the same search without this filter


@dataclass(frozen=True)
class PageLink:
    number: int | None  # None: a gap ("…")
    url: str = ""
    current: bool = False


def facet_groups(response: SearchResponse, state: SearchRequest, link: Link) -> list[FacetGroup]:
    """Per facet the first VISIBLE_VALUES values, the rest up to MAX_FACET_OPTIONS folded
    away; selected values are always shown. Links are only built for listed values."""
    groups = []
    for name, label in FACET_FIELDS.items():
        param = FACET_PARAMS[name]
        values = response.facets.get(name, [])
        listed = [(i, v) for i, v in enumerate(values) if i < MAX_FACET_OPTIONS or v.selected]
        options = [_option(name, param, index, value, state, link) for index, value in listed]
        shown = [o for (i, _v), o in zip(listed, options, strict=True)
                 if i < VISIBLE_VALUES or o.selected]
        folded = [o for (i, _v), o in zip(listed, options, strict=True)
                  if i >= VISIBLE_VALUES and not o.selected]
        groups.append(FacetGroup(name, label, param, shown, folded, len(values) - len(listed)))
    return groups


def _option(name: str, param: str, index: int, value: FacetValue, state: SearchRequest,
            link: Link) -> FacetOption:
    return FacetOption(value.value, value_label(name, value.value), value.count, value.selected,
                       link(state.toggled(name, value.value)), f"filter-{param}-{index}")


@dataclass(frozen=True)
class Site:
    """The site's name and description (KENNISBANK_SITE_NAME, _DESCRIPTION) in the forms
    the pages and the OpenSearch description need."""

    name: str
    description: str

    @property
    def first_word(self) -> str:
        """The header sets the first word apart: `Kennisbank` + `PACT voor Kindcentra`."""
        return self.name.split(maxsplit=1)[0]

    @property
    def rest(self) -> str:
        parts = self.name.split(maxsplit=1)
        return parts[1] if len(parts) > 1 else ""

    @property
    def short_name(self) -> str:
        return shortened(self.name, OPENSEARCH_SHORT_NAME_CHARS)

    @property
    def long_name(self) -> str:
        return shortened(self.name, OPENSEARCH_LONG_NAME_CHARS)


def shortened(text: str, limit: int) -> str:
    """Whole words up to `limit` characters (`Kennisbank PACT voor Kindcentra` -> `Kennisbank
    PACT` at 16); a first word that is longer is cut."""
    kept = ""
    for word in text.split():
        candidate = f"{kept} {word}" if kept else word
        if len(candidate) > limit:
            break
        kept = candidate
    return kept or text.strip()[:limit]


def chips(state: SearchRequest, link: Link) -> list[Chip]:
    """One removable chip per active filter value, and one for a year range."""
    found = []
    for name, label in FACET_FIELDS.items():
        for value in state.filters.get(name, ()):
            found.append(Chip(f"{label}: {value_label(name, value)}",
                              link(state.toggled(name, value))))
    if state.year_from is not None or state.year_to is not None:
        found.append(Chip(f"Periode: {year_range_label(state.year_from, state.year_to)}",
                          link(state.change(year_from=None, year_to=None))))
    return found


def year_range_label(low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        return str(low) if low == high else f"{low}–{high}"
    return f"vanaf {low}" if low is not None else f"tot en met {high}"


def page_links(state: SearchRequest, page_count: int, link: Link, around: int = 2
               ) -> list[PageLink]:
    """First, last and a few pages around the current one, with gaps between."""
    wanted = {1, page_count, *range(state.page - around, state.page + around + 1)}
    numbers = sorted(n for n in wanted if 1 <= n <= page_count)
    links: list[PageLink] = []
    for number in numbers:
        if links and links[-1].number is not None and number - links[-1].number > 1:
            links.append(PageLink(None))
        links.append(PageLink(number, link(state.change(page=number)), number == state.page))
    return links


def hidden_fields(state: SearchRequest, with_query: bool, with_filters: bool
                  ) -> list[tuple[str, str]]:
    """The state a form must carry along besides its own inputs (never the page: a new
    query or filter starts at page 1)."""
    kept = state.change(query=state.query if with_query else "")
    if not with_filters:
        kept = kept.without_filters()
    return url_params(kept)


def result_summary(response: SearchResponse) -> str:
    """`23 resultaten voor “ouderbetrokkenheid”`, or the browse wording without a query."""
    total, query = response.total, response.query or response.request.query
    noun = "resultaat" if total == 1 else "resultaten"
    if response.request.view == "passages":
        noun = "passage" if total == 1 else "passages"
    if query:
        return f"{total} {noun} voor “{query}”"
    if total == 0:
        return "Geen documenten met deze filters"
    return f"{total} {'document' if total == 1 else 'documenten'}, nieuwste eerst"


def dutch_date(iso: str) -> str:
    """`2021-05-01` -> `1 mei 2021`; a bare year or anything else stays as it is."""
    parts = iso.split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts) and 1 <= int(parts[1]) <= 12:
        return f"{int(parts[2])} {MONTHS[int(parts[1]) - 1]} {parts[0]}"
    if len(parts) == 2 and all(p.isdigit() for p in parts) and 1 <= int(parts[1]) <= 12:
        return f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return iso


def file_size(size: int) -> str:
    """Bytes as a Dutch reader expects them: `1,2 MB`, `640 kB`."""
    if size < 1000:
        return f"{size} bytes"
    if size < 1_000_000:
        return f"{round(size / 1000)} kB"
    return f"{size / 1_000_000:.1f} MB".replace(".", ",")


def why_found(explanation: Explanation | None, hit: Hit) -> list[tuple[str, str]]:
    """"Waarom gevonden?" for one hit: per query word (and per synonym that was added),
    the forms in the document it matched, rendered from the same analysis as
    `kennisbank search --explain`."""
    if explanation is None:
        return []
    rows = [(word.typed, _matched(word.terms, word.normalised, hit))
            for word in explanation.words if not word.stopword and word.terms]
    for alternative, terms in explanation.alternatives:
        # A phrase matches under its words joined (engine/snapshot.py, _phrase_spans).
        keys = (" ".join(terms), *terms)
        if any(key in hit.forms for key in keys):
            rows.append((f"{alternative} (synoniem)", _matched(keys, alternative, hit)))
    return rows


def _matched(terms: tuple[str, ...], normalised: str, hit: Hit) -> str:
    forms = list(dict.fromkeys(form for term in terms for form in hit.forms.get(term, ())))
    if forms:
        return "gevonden als " + ", ".join(forms)
    if any(term in fold(hit.title) for term in (fold(normalised), *terms)):
        return "in de titel"
    return "komt niet in de tekst voor"


def passage_label(passage: Passage) -> str:
    """The link text of a passage: its PDF page, or its place in the text."""
    if passage.page:
        return f"Pagina {passage.page} (PDF)"
    return f"Passage {passage.number} in het document"
