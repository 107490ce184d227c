"""The sidecar rules, value by value: what passes (and how it is read) and the Dutch
message for what does not."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from kennisbank.indexer.parsers.base import ParseError
from kennisbank.indexer.sidecar import Sidecar, parse_sidecar, read_sidecar
from kennisbank.indexer.sidecar_values import MAX_SIDECAR_BYTES

NAME = "verslag.pdf.meta.toml"


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ('datum = "2021-04-14"', Sidecar(date="2021-04-14")),
        ('datum = "2021-04"', Sidecar(date="2021-04")),
        ('datum = "2021"', Sidecar(date="2021")),
        ("datum = 2021-04-14", Sidecar(date="2021-04-14")),
        ("datum = 2021-04-14T09:30:00+02:00", Sidecar(date="2021-04-14")),
        ('datum = "2020-02-29"\njaar = 2020', Sidecar(date="2020-02-29", year=2020)),
        ('jaar = "2019"', Sidecar(year=2019)),
        ('titel = "  Handreiking btw  "', Sidecar(title="Handreiking btw")),
        ('themas = "btw"', Sidecar(themes=("btw",))),
        ('themas = ["btw", "", "btw", " financiering "]', Sidecar(themes=("btw", "financiering"))),
        ('beschrijving = """Eerste regel.\nTweede regel."""',
         Sidecar(description="Eerste regel.\nTweede regel.")),
        ('bron = "https://www.example.nl/a?b=1#c"', Sidecar(source_url="https://www.example.nl/a?b=1#c")),
        ('auteur = ""\nbron = ""\ndatum = ""\njaar = ""\nthemas = []', Sidecar()),
        ('Titel = "Hoofdletters"', Sidecar(title="Hoofdletters")),
        ('title = "Engels"\ntype = "brochure"', Sidecar(title="Engels", doctype="brochure")),
        ("", Sidecar()),
    ],
)
def test_good_values(toml: str, expected: Sidecar) -> None:
    assert parse_sidecar(toml.encode(), NAME) == expected


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('datum = "gisteren"',
         "'datum' moet een datum zijn als 2021-04-14 (of 2021-04, of 2021), niet 'gisteren'"),
        ('datum = "9999-99-99"', "'datum' moet een datum zijn als 2021-04-14"),
        ('datum = "2021-02-29"', "niet '2021-02-29'"),
        ('datum = "14-04-2021"', "niet '14-04-2021'"),
        ('datum = "2021-4-14"', "niet '2021-4-14'"),
        ('datum = "1850"', "'datum' moet een datum tussen 1900 en 2100 zijn, niet '1850'"),
        ("datum = 9999-12-31", "'datum' moet een datum tussen 1900 en 2100 zijn"),
        ("datum = 09:30:00", "niet de tijd 09:30:00"),
        ("datum = 20210414", "niet het getal 20210414"),
        ("jaar = 1850", "'jaar' moet een jaartal tussen 1900 en 2100 zijn, niet het getal 1850"),
        ("jaar = true", "niet de waarde true"),
        ("jaar = 2020.5", "niet het getal 2020.5"),
        ('jaar = 2020\ndatum = "2021-04-14"', "'jaar' (2020) en 'datum' (2021-04-14) spreken "
                                              "elkaar tegen"),
        ("titel = [1, 2]", "'titel' moet één tekst tussen aanhalingstekens zijn, niet een lijst"),
        ("titel = 12", "niet het getal 12"),
        ("[titel]\nnaam = 'x'", "niet een tabel"),
        ('soort = ["handreiking"]', "'soort' moet één tekst"),
        ('titel = "a"\ntitle = "b"', "'titel' en 'title' betekenen hetzelfde; laat er één staan"),
        ('thema = "a"\nthemas = ["b"]', "'thema' en 'themas' betekenen hetzelfde"),
        ('titel = "a"\nTitel = "b"', "'titel' en 'Titel' betekenen hetzelfde"),
        ("themas = [1, 2]", "'themas' moet een tekst of een lijst van teksten zijn; waarde 1 is "
                            "het getal 1"),
        ('themas = [["btw"]]', "waarde 1 is een lijst"),
        ("themas = [" + ", ".join(f'"t{n}"' for n in range(51)) + "]",
         "'themas' heeft 51 waarden; de grens is 50"),
        (f'themas = ["{"x" * 201}"]', "'themas' is 201 tekens lang; de grens is 200 tekens"),
        (f'titel = "{"x" * 501}"', "'titel' is 501 tekens lang; de grens is 500 tekens"),
        (f'beschrijving = "{"x" * 5001}"', "de grens is 5000 tekens"),
        ('titel = "Twee\\nregels"', "'titel' bevat een regeleinde of stuurteken (U+000A)"),
        ('doelgroepen = ["ouders\\tleraren"]', "(U+0009)"),
        ('soort = "brochure\\u202e"', "(U+202E)"),
        ('beschrijving = "nul\\u0000byte"', "'beschrijving' bevat een stuurteken (U+0000)"),
        ('bron = "javascript:alert(1)"', "'bron' moet een internetadres zijn dat begint met "
                                         "https:// of http://, niet 'javascript:alert(1)'"),
        ('bron = "www.example.nl"', "niet 'www.example.nl'"),
        ('bron = "https://"', "'bron' moet een internetadres"),
        ('bron = "https://example.nl/met spatie"', "'bron' moet een internetadres"),
        ('bron = "https://[::1"', "'bron' moet een internetadres"),
        ('kleur = "rood"', "onbekende sleutel 'kleur'; bekende sleutels: titel, soort"),
        ("themas = " + "[" * 3000 + "]" * 3000, "te diep genest"),
        ('titel = "open', "geen geldige TOML aan het eind"),
        ("titel = Handreiking", "geen geldige TOML op regel 1, kolom 9"),
    ],
)
def test_bad_values_name_the_sidecar_and_the_key(toml: str, message: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_sidecar(toml.encode(), NAME)
    assert caught.value.code == "sidecar"
    assert caught.value.detail.startswith(f"{NAME}: ")
    assert message in caught.value.detail


def test_not_utf8() -> None:
    with pytest.raises(ParseError, match="geen UTF-8-tekst"):
        parse_sidecar('titel = "Café"'.encode("latin-1"), NAME)


def test_a_huge_list_is_described_not_printed() -> None:
    toml = "titel = [" + ", ".join(str(n) for n in range(10_000)) + "]"
    with pytest.raises(ParseError) as caught:
        parse_sidecar(toml.encode(), NAME)
    assert caught.value.detail == (f"{NAME}: 'titel' moet één tekst tussen aanhalingstekens "
                                   "zijn, niet een lijst")


def test_read_sidecar_limits_size(tmp_path: Path) -> None:
    path = tmp_path / NAME
    path.write_bytes(b"#" * (MAX_SIDECAR_BYTES + 1))
    with pytest.raises(ParseError, match=r"te groot \(64 KB; de grens is 64 KB\)"):
        read_sidecar(path, NAME)
    path.write_bytes(b"#" * MAX_SIDECAR_BYTES)
    assert len(read_sidecar(path, NAME)) == MAX_SIDECAR_BYTES


def test_read_sidecar_refuses_pipes_and_links(tmp_path: Path) -> None:
    pipe = tmp_path / "pijp.meta.toml"
    os.mkfifo(pipe)  # reading it would wait forever
    with pytest.raises(ParseError, match=r"pijp\.meta\.toml: geen gewoon bestand"):
        read_sidecar(pipe, "pijp.meta.toml")
    link = tmp_path / "link.meta.toml"
    link.symlink_to(tmp_path / NAME)
    with pytest.raises(ParseError, match=r"link\.meta\.toml: werd een snelkoppeling"):
        read_sidecar(link, "link.meta.toml")


def test_unreadable_sidecar_is_blamed_on_the_sidecar(monkeypatch: pytest.MonkeyPatch,
                                                     tmp_path: Path) -> None:
    """Tests run as root, who may read anything: the refusal is simulated."""
    def refuse(*_args: object) -> int:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(os, "open", refuse)
    with pytest.raises(ParseError) as caught:
        read_sidecar(tmp_path / NAME, NAME)
    assert caught.value.code == "sidecar"
    assert caught.value.detail == f"{NAME}: kan niet worden gelezen (geen leesrechten)"
