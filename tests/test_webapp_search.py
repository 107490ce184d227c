"""The search page through Flask's test client: what a user sees for queries, facets,
filters, sorting, paging, malformed queries and hostile input."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from kennisbank.config import Settings
from kennisbank.request import SearchRequest
from kennisbank.search import FacetValue, SearchResponse
from kennisbank.webapp import create_app, searching
from kennisbank.webapp.params import parse_state, url_params
from kennisbank.webapp.presenters import MAX_FACET_OPTIONS, VISIBLE_VALUES, facet_groups
from tests.conftest import build_index
from tests.webapp_fixtures import (
    DEEP_MATCH_PAGE,
    DOCS,
    checked,
    chip_labels,
    doc_by_path,
    facet_counts,
    hit_titles,
    page,
    summary,
    text_of,
)

pytest_plugins = ["tests.webapp_fixtures"]

FACET_PARAMS = {"type": "soort", "theme": "thema", "organisation": "organisatie",
                "year": "jaar", "audience": "doelgroep", "format": "formaat"}


def test_results_show_total_and_each_hit_with_its_details(client) -> None:
    soup = page(client, "/?q=ouderbetrokkenheid")
    assert summary(soup) == "2 resultaten voor “ouderbetrokkenheid”"
    hits = {text_of(h.find("h3")): h for h in soup.select(".hit")}
    assert set(hits) == {"Handreiking ouderbetrokkenheid in kindcentra",
                         "De meerwaarde van kindcentra"}
    report = hits["De meerwaarde van kindcentra"]
    assert report.find("h3").a["href"].startswith("/document/")
    assert [text_of(li) for li in report.select(".meta li")] == [
        "Documentsoort: Onderzoeksrapport", "Organisatie: Kennistafel, PACT voor Kindcentra",
        "Jaar: 2020", "Bestandsformaat: PDF"]
    assert [text_of(m) for m in report.select(".snippet mark")] == ["ouderbetrokkenheid"]
    assert text_of(report.select_one(".pages")) == "Gevonden op pagina 3"
    assert report.select_one(".pages a")["href"].endswith("/bestand#page=3")


def test_stemmed_matches_are_highlighted(client) -> None:
    soup = page(client, "/?q=handreikingen")
    marks = {text_of(m).lower() for m in soup.select(".snippet mark")}
    assert "handreiking" in marks


def test_match_deep_in_a_long_pdf_gives_snippet_and_page(client) -> None:
    soup = page(client, "/?q=klimaatadaptatie")
    assert summary(soup) == "1 resultaat voor “klimaatadaptatie”"
    hit = soup.select_one(".hit")
    assert [text_of(m) for m in hit.select(".snippet mark")] == ["klimaatadaptatie"]
    assert text_of(hit.select_one(".pages")) == f"Gevonden op pagina {DEEP_MATCH_PAGE}"
    assert hit.select_one(".pages a")["href"].endswith(f"/bestand#page={DEEP_MATCH_PAGE}")


@pytest.mark.parametrize("query", ["", "kindcentrum", "onderzoek", "ouders OF btw"])
@pytest.mark.parametrize("selected", ["", "soort=handreiking", "thema=onderzoek&jaar=2020"])
def test_every_facet_count_is_the_number_of_documents_it_would_show(
        client, query: str, selected: str) -> None:
    base = f"/?q={query}&{selected}&aantal=100"
    soup = page(client, base)
    for param in FACET_PARAMS.values():
        for value, count in facet_counts(soup, param).items():
            others = "&".join(p for p in selected.split("&") if not p.startswith(param + "="))
            narrowed = client.get(f"/api/search?q={query}&{others}&{param}={value}")
            assert narrowed.get_json()["total"] == count, (base, param, value)


def test_facet_counts_over_the_whole_collection_match_the_metadata(client) -> None:
    soup = page(client, "/")
    for name, param in FACET_PARAMS.items():
        expected: dict[str, int] = {}
        for doc in DOCS:
            for value in doc.facet_values()[name]:
                expected[value] = expected.get(value, 0) + 1
        assert facet_counts(soup, param) == expected, name


def test_values_within_a_facet_combine_with_or(client) -> None:
    soup = page(client, "/?soort=handreiking&soort=brochure")
    assert set(hit_titles(soup)) == {"Handreiking ouderbetrokkenheid in kindcentra",
                                     "Handreiking btw voor kindcentra",
                                     "Inclusie in het kindcentrum"}


def test_different_facets_combine_with_and(client) -> None:
    soup = page(client, "/?soort=handreiking&thema=financiering")
    assert hit_titles(soup) == ["Handreiking btw voor kindcentra"]


def test_a_facet_ignores_its_own_selection(client) -> None:
    soup = page(client, "/?soort=handreiking")
    assert summary(soup) == "2 documenten, nieuwste eerst"
    assert checked(soup, "soort") == {"handreiking"}
    types = facet_counts(soup, "soort")
    assert types["handreiking"] == 2 and types["onderzoeksrapport"] == 2
    assert types["nieuwsbericht"] == 12
    assert facet_counts(soup, "jaar") == {"2021": 1, "2019": 1}


def test_active_filters_are_chips_that_remove_themselves(client) -> None:
    soup = page(client, "/?q=kindcentra&soort=handreiking&jaar=2021&jaar=2019")
    assert chip_labels(soup) == ["Documentsoort: Handreiking", "Jaar: 2021", "Jaar: 2019"]
    chips = {text_of(c.find("span")): c["href"] for c in soup.select("a.chip")}
    without_type = parse_qs(urlsplit(chips["Documentsoort: Handreiking"]).query)
    assert without_type == {"q": ["kindcentra"], "jaar": ["2021", "2019"]}
    clear = soup.find("a", string="Wis alle filters")["href"]
    assert parse_qs(urlsplit(clear).query) == {"q": ["kindcentra"]}
    after = page(client, chips["Documentsoort: Handreiking"])
    assert chip_labels(after) == ["Jaar: 2021", "Jaar: 2019"]


def test_years_narrow_as_a_range(client) -> None:
    soup = page(client, "/?van=2019&tot=2021")
    years = {doc.year for doc in DOCS if 2019 <= doc.year <= 2021}
    expected = sum(1 for doc in DOCS if doc.year in years)
    assert summary(soup) == f"{expected} documenten, nieuwste eerst"
    assert chip_labels(soup) == ["Periode: 2019–2021"]
    assert soup.find(id="van")["value"] == "2019" and soup.find(id="tot")["value"] == "2021"
    assert page(client, "/?van=2021&tot=2019").find(id="aantal").text == summary(soup)


def test_empty_query_lists_everything_newest_first(client) -> None:
    soup = page(client, "/?aantal=100")
    assert summary(soup) == f"{len(DOCS)} documenten, nieuwste eerst"
    years = [int(li.get_text().split(": ")[1]) for li in soup.select(".hit .meta li")
             if li.get_text().startswith("Jaar")]
    assert len(years) == len(DOCS) and years == sorted(years, reverse=True)
    assert soup.select("#filterformulier fieldset")  # facets to browse by


def test_pages_split_the_results_without_overlap(client) -> None:
    seen: list[str] = []
    for number in (1, 2, 3, 4):
        soup = page(client, f"/?q=kindcentrum&aantal=5&pagina={number}")
        titles = hit_titles(soup)
        assert len(titles) == (5 if number < 4 else 3)
        current = soup.select_one(".pagination a[aria-current=page]")
        assert text_of(current) == f"Pagina {number}"
        seen.extend(titles)
    assert len(seen) == len(set(seen)) == 18
    first = page(client, "/?q=kindcentrum&aantal=5")
    assert first.select_one("ol.hits")["start"] == "1"
    assert first.find("a", rel="next")["href"] == "/?q=kindcentrum&pagina=2&aantal=5"


def test_every_state_has_one_stable_url(client) -> None:
    soup = page(client, "/?sort=date&type=handreiking&q=kindcentra&page=1&size=10")
    assert soup.find("a", rel="next") is None
    chip = soup.select_one("a.chip")["href"]
    assert chip == "/?q=kindcentra&sorteer=datum"
    sort_link = soup.find("a", string="Relevantie")["href"]
    assert sort_link == "/?q=kindcentra&soort=handreiking"


def test_a_page_beyond_the_last_says_so(client) -> None:
    soup = page(client, "/?q=kindcentrum&pagina=50")
    assert "Pagina 50 bestaat niet" in text_of(soup.select_one("#resultaten"))
    assert soup.find("a", string="Ga naar de laatste pagina (2)")


def test_sort_by_date_puts_newest_first(client) -> None:
    soup = page(client, "/?q=kindcentrum&sorteer=datum&aantal=20")
    years = [int(text_of(li).split(": ")[1]) for li in soup.select(".hit .meta li")
             if text_of(li).startswith("Jaar")]
    assert years == sorted(years, reverse=True)
    assert text_of(soup.select_one(".sort a[aria-current]")) == "Datum, nieuwste eerst"


@pytest.mark.parametrize("query", [
    '"kindcentrum', "(kindcentrum", "kindcentrum)", "OF", "EN kindcentrum", "kindcentrum OF",
    "*", "-", '"', "((", "kindcentrum AND", "titel:", ":", "NIET", "?", "~", "^2", "\\",
    "kindcentrum [", "{}", "soort:", "onbekend:veld",
])
def test_malformed_queries_never_fail(client, query: str) -> None:
    soup = page(client, "/?q=" + query.replace("&", "%26"))
    assert soup.find(id="aantal")
    notice = soup.select_one("#resultaten .notice")
    if notice is not None:
        assert "losse woorden" in text_of(notice)


@pytest.mark.parametrize(("query", "notice"), [
    ('"kindcentrum', True), ("(ouders", True), ("OF", True), ("*", True),
    ("ouders", False), ('"meerwaarde van kindcentra"', False),
])
def test_the_page_says_when_a_query_was_read_as_plain_words(
        client, query: str, notice: bool) -> None:
    soup = page(client, f"/?q={query}")
    assert bool(soup.find(string=lambda s: "Er is gezocht op de losse woorden" in s)) is notice


@pytest.mark.parametrize(("query", "titles"), [
    ('"meerwaarde van kindcentra"', {"De meerwaarde van kindcentra"}),
    ("btw OF inclusie", {"Handreiking btw voor kindcentra", "Inclusie in het kindcentrum"}),
    ("btw OR inclusie", {"Handreiking btw voor kindcentra", "Inclusie in het kindcentrum"}),
    ("handreiking EN btw", {"Handreiking btw voor kindcentra"}),
    ("ouders -handreiking", {"De meerwaarde van kindcentra", "Webinar wijkgericht werken"}),
    ("titel:btw", {"Handreiking btw voor kindcentra"}),
    ("klimaat*", {"Longitudinaal onderzoek naar kindcentra"}),
])
def test_query_syntax_for_researchers(client, query: str, titles: set[str]) -> None:
    assert set(hit_titles(page(client, "/?q=" + query.replace("+", "%2B")))) == titles


def test_query_is_shown_escaped(client) -> None:
    response = client.get("/?q=<script>alert(1)</script>")
    html = response.get_data(as_text=True)
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    soup = page(client, "/?q=<script>alert(1)</script>")
    assert soup.find(id="q")["value"] == "<script>alert(1)</script>"


def test_document_text_is_shown_escaped(client) -> None:
    response = client.get("/?q=veiligheid")
    html = response.get_data(as_text=True)
    assert "<script>alert" not in html and "<b>vet" not in html
    soup = page(client, "/?q=veiligheid")
    assert hit_titles(soup) == [doc_by_path("notitie-veiligheid.txt").title]
    assert '<script>alert("tekst")</script>' in text_of(soup.select_one(".snippet"))
    assert [s.get("src") for s in soup.find_all("script")] == ["/static/app.js",
                                                              "/static/suggest.js"]


def test_a_misspelling_that_finds_nothing_shows_the_corrected_results(client) -> None:
    soup = page(client, "/?q=ouderbetrokkenhied")
    assert summary(soup) == "2 resultaten voor “ouderbetrokkenheid”"
    assert soup.select_one(".corrected").get_text() == (
        "Resultaten voor ouderbetrokkenheid. Zoek in plaats daarvan naar ouderbetrokkenhied.")
    assert soup.find("input", attrs={"name": "q"})["value"] == "ouderbetrokkenhied"
    literal = page(client, soup.select_one(".corrected a")["href"])
    assert summary(literal) == "0 resultaten voor “ouderbetrokkenhied”"
    assert literal.select_one(".corrected") is None
    assert literal.select_one(".suggestion").get_text() == "Bedoelde u: ouderbetrokkenheid?"
    corrected = page(client, literal.select_one(".suggestion a")["href"])
    assert summary(corrected) == "2 resultaten voor “ouderbetrokkenheid”"


@pytest.mark.parametrize("query", ['"ouderbetrokkenhied"', "titel:ouderbetrokkenhied",
                                   "ouderbetrokkenhied OF btw"])
def test_explicit_syntax_is_never_corrected(client, query: str) -> None:
    soup = page(client, "/?" + urlencode({"q": query}))
    assert soup.select_one(".corrected") is None


def test_corrections_go_word_by_word_and_are_in_the_json(client) -> None:
    data = client.get("/api/search?q=ouderbetrokkenhied+kindcentrun").get_json()
    assert data["corrected_from"] == "ouderbetrokkenhied kindcentrun"
    assert data["query"] == "ouderbetrokkenheid kindcentrum"
    assert data["total"] > 0
    literal = client.get("/api/search?q=ouderbetrokkenhied&letterlijk=ja").get_json()
    assert literal["corrected_from"] is None and literal["total"] == 0
    assert literal["suggestion"] == "ouderbetrokkenheid"


def test_a_widened_query_says_so_and_links_to_the_search_without_it(client) -> None:
    soup = page(client, "/?q=IKC")
    line = soup.select_one(".expanded")
    assert line.get_text() == "Ook gezocht op: integraal kindcentrum. Zoek zonder deze synoniemen"
    narrow = page(client, line.a["href"])
    assert parse_qs(urlsplit(line.a["href"]).query)["synoniemen"] == ["nee"]
    assert narrow.select_one(".expanded") is None
    assert len(hit_titles(narrow)) < len(hit_titles(soup))
    data = client.get("/api/search?q=IKC").get_json()
    assert data["expanded_with"] == ["integraal kindcentrum"]
    assert client.get("/api/search?q=IKC&synoniemen=nee").get_json()["expanded_with"] == []
    assert page(client, "/?q=ouderbetrokkenheid").select_one(".expanded") is None


def test_a_switch_parameter_with_another_value_gets_a_dutch_400(client) -> None:
    soup = page(client, "/?q=btw&letterlijk=misschien", status=400)
    assert "‘letterlijk’ kan ‘ja’ of ‘nee’ zijn" in text_of(soup)


def test_did_you_mean_drops_filters_that_would_empty_the_corrected_list(client) -> None:
    soup = page(client, "/?q=klimaatadaptatei&soort=brochure")
    link = soup.select_one(".suggestion a")["href"]
    assert parse_qs(urlsplit(link).query) == {"q": ["klimaatadaptatie"]}
    assert page(client, "/?q=kindcentrum").select_one(".suggestion") is None


def test_no_results_page_helps_further(client) -> None:
    soup = page(client, "/?q=qqzzxxyy")
    assert summary(soup) == "0 resultaten voor “qqzzxxyy”"
    help_block = text_of(soup.select_one(".no-results"))
    assert "Geen resultaten gevonden" in help_block
    assert "Controleer de spelling" in help_block


def test_no_results_because_of_filters_offers_to_clear_them(client) -> None:
    soup = page(client, "/?q=btw&soort=brochure")
    help_block = soup.select_one(".no-results")
    assert "Zonder filters zijn er 1 resultaat" in text_of(help_block)
    clear = help_block.find("a", string="wis alle filters")["href"]
    assert hit_titles(page(client, clear)) == ["Handreiking btw voor kindcentra"]


@pytest.mark.parametrize(("query", "message"), [
    ("pagina=abc", "Het paginanummer moet een geheel getal"),
    ("pagina=0", "Het paginanummer moet een geheel getal"),
    ("pagina=-3", "Het paginanummer moet een geheel getal"),
    ("pagina=99999999999999999999", "Het paginanummer moet een geheel getal"),
    ("aantal=1000", "Het aantal resultaten per pagina"),
    ("sorteer=titel", "Sorteren kan op ‘relevantie’, ‘datum’ of ‘toegevoegd’"),
    ("van=gisteren", "Het jaartal bij ‘van’"),
    ("tot=1800", "Het jaartal bij ‘tot’"),
    ("pagina=%EF%BC%93", "Het paginanummer"),  # a full-width digit
])
def test_bad_parameters_get_a_dutch_400_page(client, query: str, message: str) -> None:
    soup = page(client, f"/?q=kindcentrum&{query}", status=400)
    assert soup.html["lang"] == "nl"
    assert text_of(soup.find("h1")) == "Ongeldige zoekopdracht"
    assert message in text_of(soup.find("main"))


def test_unknown_pages_get_a_dutch_404(client) -> None:
    soup = page(client, "/bestaat-niet", status=404)
    assert text_of(soup.find("h1")) == "Pagina niet gevonden"
    assert client.post("/").status_code == 405


def test_every_control_has_a_label_and_the_page_has_landmarks(client) -> None:
    soup = page(client, "/?q=kindcentra&soort=handreiking")
    assert soup.html["lang"] == "nl"
    for control in soup.select("input:not([type=hidden]), select, textarea"):
        label = soup.find("label", attrs={"for": control.get("id")})
        assert label is not None and text_of(label), control
    for fieldset in soup.select("fieldset"):
        assert text_of(fieldset.find("legend"))
    assert soup.select_one("a.skip")["href"] == "#inhoud" and soup.find("main", id="inhoud")
    assert soup.find("header") and soup.find("footer") and soup.find("nav")
    assert soup.find("form", role="search") and soup.find("aside")
    assert soup.find(id="aantal")["role"] == "status"


def test_filter_forms_carry_the_rest_of_the_state(client) -> None:
    soup = page(client, "/?q=kindcentra&soort=handreiking&sorteer=datum&pagina=2")
    search_form = {(i["name"], i["value"])
                   for i in soup.select("#zoekformulier input[type=hidden]")}
    assert search_form == {("soort", "handreiking"), ("sorteer", "datum")}
    filter_form = {(i["name"], i["value"])
                   for i in soup.select("#filterformulier input[type=hidden]")}
    assert filter_form == {("q", "kindcentra"), ("sorteer", "datum")}


WORDS = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=20)


@given(query=st.text(max_size=30), values=st.lists(st.tuples(
           st.sampled_from(list(FACET_PARAMS)), WORDS), max_size=4),
       years=st.tuples(st.none() | st.integers(1900, 2100), st.none() | st.integers(1900, 2100)),
       sort=st.sampled_from(["relevance", "date"]), number=st.integers(1, 10_000))
def test_a_state_survives_the_round_trip_through_its_url(query, values, years, sort, number):
    filters: dict[str, tuple[str, ...]] = {}
    for name, value in values:
        value = " ".join(value.split())
        if value and value not in filters.get(name, ()):
            filters[name] = (*filters.get(name, ()), value)
    low, high = years
    if low is not None and high is not None and low > high:
        low, high = high, low  # a reversed range is read the right way round
    state = SearchRequest(" ".join(query.split()), filters, low, high, sort, number)
    assert parse_state(MultiDict(url_params(state))) == state


def test_a_facet_with_thousands_of_values_lists_a_bounded_number() -> None:
    values = [FacetValue(f"organisatie {n:05d}", 10_000 - n, n == 4321) for n in range(5000)]
    state = SearchRequest(filters={"organisation": ("organisatie 04321",)})
    response = SearchResponse(state, 5000, [], {"organisation": values})
    group = next(g for g in facet_groups(response, state, lambda _s: "/")
                 if g.name == "organisation")
    assert [o.value for o in group.shown][-1] == "organisatie 04321"  # selected: shown
    assert len(group.shown) == VISIBLE_VALUES + 1
    assert len(group.shown) + len(group.folded) == MAX_FACET_OPTIONS + 1
    assert group.left_out == 5000 - MAX_FACET_OPTIONS - 1


@pytest.fixture(scope="module")
def many_organisations(tmp_path_factory: pytest.TempPathFactory):
    corpus = tmp_path_factory.mktemp("organisaties") / "corpus"
    corpus.mkdir()
    for n in range(MAX_FACET_OPTIONS + 50):
        path = corpus / f"verslag-{n:03d}.txt"
        path.write_text(f"Verslag {n} over het kindcentrum.", encoding="utf-8")
        path.with_name(path.name + ".meta.toml").write_text(
            f'organisaties = ["Stichting {n:03d}"]\n', encoding="utf-8")
    build_index(corpus, corpus.parent / "index")
    return create_app(Settings(corpus=corpus, index=corpus.parent / "index")).test_client()


def test_the_page_stays_bounded_with_many_facet_values(many_organisations, monkeypatch
                                                       ) -> None:
    soup = page(many_organisations, "/?q=kindcentrum&organisatie=Stichting+149")
    boxes = soup.select("#filterformulier input[name='organisatie']")
    assert len(boxes) == MAX_FACET_OPTIONS + 1  # the first hundred and the selected one
    assert "Stichting 149" in checked(soup, "organisatie")
    note = text_of(soup.select_one("#facet-organisatie .facet-more"))
    assert note == "En nog 49 andere waarden; verfijn met de zoekvraag, bijvoorbeeld organisatie:…"
    data = many_organisations.get("/api/search?q=kindcentrum").get_json()
    assert len(data["facets"]["organisation"]) == 150 and data["facets_left_out"] == {}
    monkeypatch.setattr(searching, "MAX_API_FACET_VALUES", 100)
    capped = many_organisations.get("/api/search?q=kindcentrum").get_json()
    assert len(capped["facets"]["organisation"]) == 100
    assert capped["facets_left_out"] == {"organisation": 50}


def test_why_found_lists_the_forms_each_query_word_matched(client) -> None:
    soup = page(client, "/?q=betrokkenheid+kindcentrum")
    hit = next(h for h in soup.select(".hit")
               if text_of(h.find("h3")) == "Handreiking ouderbetrokkenheid in kindcentra")
    why = hit.select_one("details.why")
    assert text_of(why.summary) == "Waarom gevonden?"
    rows = {text_of(row.dt): text_of(row.dd) for row in why.select("dl div")}
    assert rows["betrokkenheid"].startswith("gevonden als ")
    assert "ouderbetrokkenheid" in rows["betrokkenheid"].lower()  # a compound's part
    assert rows["kindcentrum"].startswith("gevonden als ")
    data = client.get("/api/search?q=betrokkenheid").get_json()
    assert any("ouderbetrokkenheid" in form.lower()
               for hit in data["hits"] for forms in hit["matched_forms"].values()
               for form in forms)
