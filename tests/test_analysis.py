"""The Dutch analyzer, pinned with real sentences from the programme's pages."""

from __future__ import annotations

import pytest

from kennisbank.analysis import DutchAnalyzer, fold, singularize, tokenize


@pytest.fixture(scope="module")
def analyzer() -> DutchAnalyzer:
    return DutchAnalyzer()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Geïntegreerd", "geintegreerd"),
        ("één", "een"),
        ("èn", "en"),
        ("CARRIÈREMOGELIJKHEDEN", "carrieremogelijkheden"),
        ("ĳsbaan", "ijsbaan"),
    ],
)
def test_fold_removes_case_and_diacritics(text: str, expected: str) -> None:
    assert fold(text) == expected


@pytest.mark.parametrize(
    ("query", "document_word"),
    [
        ("handreikingen", "handreiking"),
        ("kindcentrum", "kindcentra"),
        ("IKC's", "IKC"),
        ("IKC’s", "ikc"),
        ("geintegreerd", "geïntegreerd"),
        ("ouders", "ouder"),
        ("gemeenten", "gemeente"),
        ("criteria", "criterium"),
        ("gezondheidscentra", "gezondheidscentrum"),
    ],
)
def test_query_and_document_forms_meet(analyzer: DutchAnalyzer, query: str,
                                       document_word: str) -> None:
    # Compared without the compound parts the index adds (kindcentrum -> kind, centrum).
    assert analyzer.terms(query, mode="query") == analyzer.terms(document_word, mode="query")


def test_sentence_keeps_numbers_and_drops_stopwords(analyzer: DutchAnalyzer) -> None:
    terms = analyzer.terms("Een ontwikkelomgeving voor kinderen van 0-12 jaar")
    assert "0" in terms and "12" in terms
    assert "een" not in terms and "voor" not in terms and "van" not in terms
    assert analyzer.stem("kinderen") in terms


def test_positions_count_only_kept_words(analyzer: DutchAnalyzer) -> None:
    tokens = list(analyzer("betrokkenheid van ouders"))
    assert [t.position for t in tokens] == [0, 1]


def test_hyphenated_word_indexes_parts_and_joined_form(analyzer: DutchAnalyzer) -> None:
    tokens = list(analyzer("een btw-handreiking"))
    texts = [t.text for t in tokens]
    assert texts[0] == "btw"
    assert analyzer.stem("btwhandreiking") in texts
    assert analyzer.stem("handreiking") in texts
    joined = next(t for t in tokens if t.text == analyzer.stem("btwhandreiking"))
    assert joined.position == tokens[0].position


def test_query_mode_leaves_out_joined_forms(analyzer: DutchAnalyzer) -> None:
    assert analyzer.terms("btw-handreiking", mode="query") == ["btw", analyzer.stem("handreiking")]


def test_elided_compound_keeps_first_part(analyzer: DutchAnalyzer) -> None:
    tokens = list(tokenize("rol- en ontwikkelmodel"))
    assert [t.text for t in tokens] == ["rol", "en", "ontwikkelmodel"]


def test_offsets_point_into_the_original_text(analyzer: DutchAnalyzer) -> None:
    text = "De IKC’s in Nederland"
    spans = [(t.start, t.end) for t in analyzer(text)]
    assert [text[a:b] for a, b in spans] == ["IKC’s", "Nederland"]


def test_singularize_only_touches_listed_endings(analyzer: DutchAnalyzer) -> None:
    endings = analyzer.plural_endings
    assert singularize("kindcentra", endings) == "kindcentrum"
    assert singularize("musea", endings) == "museum"
    assert singularize("extra", endings) == "extra"


def test_unknown_stemmer_is_named() -> None:
    with pytest.raises(ValueError, match="latin"):
        DutchAnalyzer(stemmer="latin")


def test_irregular_eren_plural_meets_singular(analyzer: DutchAnalyzer) -> None:
    assert analyzer.terms("kinderen") == analyzer.terms("kind")
    assert analyzer.terms("pleegkinderen") == analyzer.terms("pleegkind")


def test_fast_stemmer_matches_the_nltk_reference() -> None:
    """We stem with PyStemmer's C code; NLTK's pure-Python Porter stemmer is the reference."""
    from kennisbank.analysis import stemmer_for

    fast, reference = stemmer_for("dutch_porter"), stemmer_for("nltk_dutch")
    words = ["kindcentra", "handreikingen", "ouderbetrokkenheid", "gemeenten", "samenwerking",
             "professionals", "organisaties", "gezinnen", "opvoeding", "wethouders"]
    assert [fast(w) for w in words] == [reference(w) for w in words]


@pytest.mark.parametrize(("plural", "singular"), [
    ("organisaties", "organisatie"), ("subsidies", "subsidie"), ("gezinnen", "gezin"),
    ("klassen", "klas"), ("huizen", "huis"), ("brieven", "brief"), ("ziekenhuizen", "ziekenhuis"),
    ("gemeentes", "gemeente"), ("brochures", "brochure"), ("bijlages", "bijlage"),
    ("meisjes", "meisje"), ("klasses", "klas"),
])
def test_plurals_porter_leaves_apart_meet(analyzer: DutchAnalyzer, plural: str,
                                          singular: str) -> None:
    assert analyzer.stem(plural) == analyzer.stem(singular)


def test_core_words_of_the_field_stay_apart(analyzer: DutchAnalyzer) -> None:
    for one, other in [("gemeente", "mening"), ("beleid", "begeleiding"), ("kind", "kinder")]:
        assert analyzer.stem(one) != analyzer.stem(other)


def test_words_in_es_that_are_no_plural_keep_their_stem(analyzer: DutchAnalyzer) -> None:
    assert analyzer.stem("proces") == analyzer.stem("processen") != analyzer.stem("proc")
    assert analyzer.stem("emailadres") == analyzer.stem("emailadressen")
    assert analyzer.stem("succes") != analyzer.stem("succe")
    assert analyzer.stem("les") == "les"


def test_compound_parts_are_indexed_at_the_compound_position(analyzer: DutchAnalyzer) -> None:
    tokens = list(analyzer("De ouderbetrokkenheid groeit"))
    at_compound = [t.text for t in tokens if t.position == tokens[0].position]
    assert at_compound == [analyzer.stem("ouderbetrokkenheid"), analyzer.stem("ouder"),
                           analyzer.stem("betrokkenheid")]
    assert {(t.start, t.end) for t in tokens if t.position == 0} == {(3, 21)}
    assert analyzer.terms("ouderbetrokkenheid", mode="query") == [
        analyzer.stem("ouderbetrokkenheid")]  # queries are not split


def test_elided_compound_is_expanded(analyzer: DutchAnalyzer) -> None:
    terms = analyzer.terms("het rol- en ontwikkelmodel")
    assert analyzer.stem("rolmodel") in terms
    assert analyzer.stem("kinderopvangorganisaties") in analyzer.terms(
        "kinderopvang- en onderwijsorganisaties")


def test_a_run_of_letters_too_long_to_be_a_word_is_not_indexed(analyzer: DutchAnalyzer) -> None:
    blob = "kindcentrum" * 30_000  # encoded data, or a text without spaces
    terms = analyzer.terms(f"Het integraal {blob} kindcentrum; een {'x' * 101}-test.")
    assert terms == analyzer.terms("Het integraal kindcentrum; een test.")
    assert max(len(term) for term in analyzer.terms("a-" * 50_000 + "a")) == 1


@pytest.mark.parametrize(
    ("query", "document_word"),
    [
        ("toevoegen", "toegevoegd"),  # separable verb, weak participle
        ("toevoegen", "toegevoegde"),
        ("creëren", "gecreëerd"),
        ("verbergen", "verborgen"),  # strong verb, from data/strong_verbs.txt
        ("opschrijven", "opgeschreven"),
        ("downloaden", "gedownload"),  # d belongs to the stem
        ("kind", "kindje"),
        ("stoel", "stoeltjes"),
        ("liniaal", "linialen"),
        ("thema", "themas"),
        ("niveau", "niveaus"),
        ("query", "queries"),  # English words in Dutch text
        ("updaten", "geüpdatet"),
    ],
)
def test_word_forms_meet(analyzer: DutchAnalyzer, query: str, document_word: str) -> None:
    assert analyzer.terms(query, mode="query") == analyzer.terms(document_word, mode="query")


@pytest.mark.parametrize(
    ("one", "other"),
    [("gebied", "bieden"), ("meisje", "meis"), ("beleid", "begeleiding"),
     ("geboorte", "boren"), ("gezond", "zon"), ("geeft", "even"), ("gestart", "staren"),
     ("gewist", "wisten"), ("verzet", "verzen"), ("lichtjes", "lich"), ("oranje", "oran")],
)
def test_look_alike_words_stay_apart(analyzer: DutchAnalyzer, one: str, other: str) -> None:
    assert analyzer.terms(one, mode="query") != analyzer.terms(other, mode="query")


def test_unstemmed_vocabulary_keeps_word_forms() -> None:
    # The "Bedoelde u" vocabulary field (stemmer `none`) must keep the written word.
    assert DutchAnalyzer(stemmer="none").terms("toegevoegd") == ["toegevoegd"]
