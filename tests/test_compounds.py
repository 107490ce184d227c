"""Compound splitting and elision expansion, pinned with words and sentences from the
programme's pages (kennisbank/compounds.py; reasons in docs/compounds.md)."""

from __future__ import annotations

import pytest

from kennisbank.analysis import DEFAULT_STOPWORDS, load_word_list, tokenize
from kennisbank.compounds import (
    DEFAULT_EXCEPTIONS,
    DEFAULT_LEXICON,
    CompoundSplitter,
    Elision,
    load_splitter,
)

# Compounds of the field and the parts they must be indexed under, exactly. Heads lose
# their linking element (samenwerking-s-verband, kans-en-gelijkheid, kind-er-opvang);
# parts are split again, and runs of parts that are words come too (`jeugdhulp`).
COMPOUNDS: list[tuple[str, tuple[str, ...]]] = [
    ("ouderbetrokkenheid", ("ouder", "betrokkenheid")),
    ("samenwerkingsverband", ("samenwerking", "verband")),
    ("samenwerkingsverbanden", ("samenwerking", "verbanden")),
    ("kinderopvang", ("kind", "opvang")),
    ("kinderopvangorganisatie",
     ("kinderopvang", "kind", "opvangorganisatie", "opvang", "organisatie")),
    ("kinderopvangtoeslag", ("kinderopvang", "kind", "opvang", "toeslag")),
    ("jeugdhulpverlening", ("jeugd", "jeugdhulp", "hulp", "hulpverlening", "verlening")),
    ("jeugdgezondheidszorg", ("jeugd", "gezondheidszorg", "gezondheid", "zorg")),
    ("peuterspeelzaal", ("peuter", "speelzaal", "speel", "zaal")),
    ("schoolbestuur", ("school", "bestuur")),
    ("schoolbesturen", ("school", "besturen")),
    ("basisschool", ("basis", "school")),
    ("wijkgericht", ("wijk", "gericht")),
    ("beroepsbeeld", ("beroep", "beeld")),
    ("functiegebouw", ("functie", "gebouw")),
    ("kansengelijkheid", ("kans", "gelijkheid")),
    ("huisvestingsplan", ("huisvesting", "plan")),
    ("ontwikkelmodel", ("ontwikkel", "model")),
    ("ontwikkelinstrument", ("ontwikkel", "instrument")),
    ("rolmodel", ("rol", "model")),
    ("regierol", ("regie", "rol")),
    ("kindcentrum", ("kind", "centrum")),
    ("kindcentra", ("kind", "centra")),
    ("kindvoorzieningen", ("kind", "voorzieningen")),
    ("onderzoeksrapport", ("onderzoek", "rapport")),
    ("beleidsplan", ("beleid", "plan")),
    ("gemeentebeleid", ("gemeente", "beleid")),
    ("arbeidsmarkt", ("arbeid", "markt")),
    ("toegangsrecht", ("toegang", "recht")),
    ("vragenlijst", ("vragen", "lijst")),
    # `waard`: the head without `en`; it stems as `waarden` and `waarde` do.
    ("waardenkompas", ("waard", "kompas")),
    ("jeugdzorg", ("jeugd", "zorg")),
    ("kwaliteitskader", ("kwaliteit", "kader")),
    ("bestuurslid", ("bestuur", "lid")),
    ("kopgroep", ("kop", "groep")),
    ("ouderorganisaties", ("ouder", "organisaties")),
    ("werkgeversorganisaties", ("werkgever", "organisaties")),
    ("inspiratiedocument", ("inspiratie", "document")),
    ("subsidieregeling", ("subsidie", "regeling")),
    ("toezichthouder", ("toezicht", "houder")),
    ("onderwijsachterstandenbeleid",
     ("onderwijs", "onderwijsachterstand", "achterstand", "achterstandenbeleid", "beleid")),
    # Checked only after the rules were set (docs/compounds.md, "held out").
    ("ouderavond", ("ouder", "avond")),
    ("medezeggenschapsraad", ("medezeggenschap", "raad", "mede", "zeggenschap")),
    ("gastouderopvang", ("gastouder", "opvang", "gast", "ouder")),
    ("peuteropvang", ("peuter", "opvang")),
    ("taalontwikkeling", ("taal", "ontwikkeling")),
    ("wijkteam", ("wijk", "team")),
    ("consultatiebureau", ("consultatie", "bureau")),
    ("personeelsbeleid", ("personeel", "beleid")),
    ("gemeenteraad", ("gemeente", "raad")),
    ("handelingsgericht", ("handeling", "gericht")),
]

# Words that must stay whole: lexicalised words, derivations with particles, prefixes
# and suffixes, inflections that look like two words (kind + eren), common words.
NOT_COMPOUNDS = """
    kinderen gemeente gemeenten onderwijs beleid ontwikkeling betrokkenheid samenwerking
    organisatie organisaties professionals integraal verband opvang kwaliteit gezondheid
    voorbeeld overleg uitvoering ondersteuning voorzieningen toezicht bijdrage aanpak
    verschil vertrouwen handreiking meerwaarde gemeentelijk wettelijk interprofessioneel
    interprofessionele pedagogisch inclusief begeleiding bestuurders wethouder wethouders
    ambtenaren onderzoekers medewerkers leerlingen leerkracht verantwoordelijkheid
    mogelijkheden directeur toelichting samenhang ontwikkelde organiseerden aangeboden
    gescheiden werkende maatschappelijke professionalisering financiering huisvesting
    regelgeving eigenaarschap leiderschap achterstanden buitenschoolse voorschoolse
    handleiding netwerk ziekenhuis afdrukken grafieken versturen achtergelaten tabellen
    architecturen noodzakelijke bijeenkomst overeenkomst toegankelijkheid bijvoorbeeld
    burgemeester verantwoording
""".split()


@pytest.fixture(scope="module")
def splitter() -> CompoundSplitter:
    return load_splitter(stopwords=load_word_list(DEFAULT_STOPWORDS))


@pytest.mark.parametrize(("word", "parts"), COMPOUNDS, ids=[word for word, _ in COMPOUNDS])
def test_compound_is_split_into_its_parts(splitter: CompoundSplitter, word: str,
                                          parts: tuple[str, ...]) -> None:
    assert sorted(splitter.split(word)) == sorted(parts)


@pytest.mark.parametrize("word", NOT_COMPOUNDS)
def test_non_compound_stays_whole(splitter: CompoundSplitter, word: str) -> None:
    assert splitter.split(word) == ()


def test_top_split_comes_first_with_linking_element_removed(
    splitter: CompoundSplitter,
) -> None:
    assert splitter.split("samenwerkingsverband") == ("samenwerking", "verband")
    assert splitter.split("huisvestingsplan") == ("huisvesting", "plan")


@pytest.mark.parametrize("word", ["", "ikc", "0-12", "btw-handreiking", "Rolmodel"])
def test_short_hyphenated_or_unfolded_words_are_left_alone(splitter: CompoundSplitter,
                                                           word: str) -> None:
    assert splitter.split(word) == ()


def test_corpus_words_become_known_parts(splitter: CompoundSplitter) -> None:
    assert splitter.split("kindcentrumdirecteur") == ()
    domain = splitter.with_vocabulary({"kindcentrum": 12, "ikc": 30})
    assert sorted(domain.split("kindcentrumdirecteur")) == sorted(
        ["kindcentrum", "directeur", "kind", "centrum"])
    assert sorted(domain.split("ikcdirecteur")) == ["directeur", "ikc"]


def test_corpus_words_seen_once_are_ignored(splitter: CompoundSplitter) -> None:
    assert splitter.with_vocabulary({"kindcentrum": 1}).split("kindcentrumdirecteur") == ()


def test_a_compound_the_corpus_uses_often_is_still_split(splitter: CompoundSplitter) -> None:
    domain = splitter.with_vocabulary({"ouderbetrokkenheid": 5000, "ouder": 3})
    assert domain.split("ouderbetrokkenheid") == ("ouder", "betrokkenheid")


def test_stopwords_are_never_parts() -> None:
    lexicon = {"model": 4.5, "rol": 4.8, "rolmodel": 2.0}
    assert CompoundSplitter(lexicon).split("rolmodel") == ("rol", "model")
    assert CompoundSplitter(lexicon, stopwords={"rol"}).split("rolmodel") == ()


def test_exception_list_keeps_words_and_their_plurals_whole() -> None:
    lexicon = {"wet": 5.0, "houder": 3.5, "houders": 3.0}
    assert CompoundSplitter(lexicon).split("wethouders") == ("wet", "houders")
    assert CompoundSplitter(lexicon, never_split={"wethouder"}).split("wethouders") == ()


# Elisions: the folded words of a text, hyphens kept; {index: full compound}.
ELISIONS: list[tuple[str, dict[int, str]]] = [
    ("rol- en ontwikkelmodel", {0: "rolmodel"}),
    ("kinderopvang- en onderwijsorganisaties", {0: "kinderopvangorganisaties"}),
    ("wet- en regelgeving", {0: "wetgeving"}),
    ("voor- en vroegschoolse educatie", {0: "voorschoolse"}),
    ("ouder- en leerlingenraad", {0: "ouderraad"}),
    ("school- en gemeentebesturen", {0: "schoolbesturen"}),
    ("in- en uitschakelen", {0: "inschakelen"}),
    ("zowel kop- als voetteksten", {1: "kopteksten"}),
    ("kop- voet- en eindnoten", {0: "kopnoten", 1: "voetnoten"}),
    ("schoolbesturen en -leiders", {2: "schoolleiders"}),
    ("btw- en kvk-nummer", {0: "btwnummer"}),
    # Not elisions of a compound: a range, a phrase, a missing conjunction.
    ("0- tot 4-jarigen", {}),
    ("hoofd- en kleine letters", {}),
    ("primair- en voortgezet onderwijs", {}),
    ("rol- ontwikkelmodel", {}),
]


@pytest.mark.parametrize(("text", "expected"), ELISIONS, ids=[text for text, _ in ELISIONS])
def test_elided_compounds_are_expanded(splitter: CompoundSplitter, text: str,
                                       expected: dict[int, str]) -> None:
    assert splitter.expand_elisions(text.split()) == expected


def test_elisions_in_raw_text_line_up_with_the_tokenizer(splitter: CompoundSplitter) -> None:
    text = ("Het Rol- en Ontwikkelmodel kindcentra is voor kinderopvang- en "
            "onderwijsorganisaties, schoolbesturen en -leiders.")
    elisions = splitter.find_elisions(text)
    assert [e.compound for e in elisions] == [
        "rolmodel", "kinderopvangorganisaties", "schoolleiders"]
    tokens = {(t.start, t.end): t.text for t in tokenize(text)}
    assert [tokens[(e.start, e.end)] for e in elisions] == ["Rol", "kinderopvang", "leiders"]
    assert elisions[0] == Elision(4, 7, "rolmodel")


def test_shipped_data_names_its_source_and_licence() -> None:
    header = DEFAULT_LEXICON.read_text(encoding="utf-8")[:2000]
    for fact in ("pyspellchecker", "MIT", "OpenTaal", "CC BY 3.0", "OpenSubtitles"):
        assert fact in header
    assert "wethouder" in DEFAULT_EXCEPTIONS.read_text(encoding="utf-8")


def test_results_are_cached_per_word(splitter: CompoundSplitter) -> None:
    splitter.split("ouderbetrokkenheid")
    hits = splitter.cache_info().hits
    splitter.split("ouderbetrokkenheid")
    assert splitter.cache_info().hits == hits + 1


class CountingLexicon(dict):
    """A lexicon that counts how often it is consulted."""

    lookups = 0

    def get(self, key, default=None):
        CountingLexicon.lookups += 1
        return super().get(key, default)

    def __contains__(self, key) -> bool:
        CountingLexicon.lookups += 1
        return super().__contains__(key)


@pytest.mark.parametrize("word", ["kind" * 75_000, "ouderbetrokkenheid" * 4, "a" * 61],
                         ids=lambda word: f"{len(word)}-letters")
def test_words_longer_than_any_compound_are_not_tried_at_every_cut(word: str) -> None:
    lexicon = CountingLexicon({"kind": 5.0, "ouder": 5.0, "betrokkenheid": 4.0})
    CountingLexicon.lookups = 0
    splitter = CompoundSplitter(lexicon)
    assert splitter.split(word) == ()
    assert splitter.find_elisions(f"rol- en {word}") == []
    assert CountingLexicon.lookups == 0
