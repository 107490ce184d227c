"""Issue 12, points 5, 6, 7 and 9 (web part), each against the real `kennisbank serve`
(waitress) over a corpus indexed by the real indexer, with http.client so the tests
choose every header (Host, Authorization, proxy headers) and see every one that comes
back.

5: huge integers are a Dutch 400; a file name with CR/LF downloads safely.
6: absolute links never follow a hostile Host header.
7: the staff pages are for this computer, or for whoever has the token.
9: the site's name and description come from configuration; /favicon.ico exists.
"""

from __future__ import annotations

import base64
import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import pytest

from kennisbank.records import document_id
from tests.conftest import build_index
from tests.live_server import SERVING, fetch, running_server
from tests.test_cli import KENNISBANK

CRLF_NAME = "naam\r\nSet-Cookie: x=1.txt"
ODD_NAME = 'rapport "definitief" \\ versie – één.txt'
NOTE = "notitie.txt"
HUGE = "9" * 4301
INTEGER_PARAMS = ("pagina", "page", "aantal", "size", "van", "year_from", "tot", "year_to")
OPENSEARCH_NAMESPACE = "http://a9.com/-/spec/opensearch/"
TOKEN = "een-lang-beheerwachtwoord-0123456789"


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A corpus with hostile file names, indexed by the real indexer."""
    root = tmp_path_factory.mktemp("safety")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / CRLF_NAME).write_text("Verslag over kindcentra met een vreemde bestandsnaam.",
                                    encoding="utf-8")
    (corpus / ODD_NAME).write_text("Overzicht van kindcentra en ouderbetrokkenheid.",
                                   encoding="utf-8")
    (corpus / NOTE).write_text("Een notitie over kindcentra in de wijk.", encoding="utf-8")
    report = build_index(corpus, root / "index")
    assert report.documents == 3, report.to_json()
    return corpus, root / "index"


@pytest.fixture(scope="module")
def local_server(indexed: tuple[Path, Path]) -> Iterator[str]:
    corpus, index = indexed
    with running_server(index, corpus) as url:
        yield url


def _disposition_name(header: str) -> str:
    found = re.search(r"filename\*=UTF-8''([^;\s]+)", header)
    assert found, header
    return unquote(found.group(1), encoding="utf-8", errors="strict")


# --- point 5 ---------------------------------------------------------------------------


def test_point5_huge_integers_are_a_dutch_400_and_odd_file_names_download(
        local_server: str) -> None:
    doc = document_id(NOTE)
    for path in ("/", "/api/search", "/export.csv", "/export.ris", f"/document/{doc}"):
        for param in (*INTEGER_PARAMS, "vanaf"):
            if param == "vanaf" and not path.startswith("/document/"):
                continue
            reply = fetch(local_server, f"{path}?q=kindcentra&{param}={HUGE}")
            assert reply.status == 400, (path, param, reply.status)
            message = (json.loads(reply.body)["message"] if path.startswith("/api/")
                       else reply.text)
            assert re.search(r"moet een (geheel getal|jaar)", message), (path, param)

    crlf = fetch(local_server, f"/document/{document_id(CRLF_NAME)}/bestand")
    assert crlf.status == 200
    assert crlf.headers.get_all("Set-Cookie") is None
    assert crlf.headers["Content-Type"] == "text/plain; charset=utf-8"
    disposition = crlf.headers["Content-Disposition"]
    assert "\r" not in disposition and "\n" not in disposition
    assert disposition.startswith('inline; filename="naam Set-Cookie: x=1.txt"')
    assert _disposition_name(disposition) == "naam Set-Cookie: x=1.txt"
    assert crlf.body.startswith(b"Verslag over kindcentra")

    odd = fetch(local_server, f"/document/{document_id(ODD_NAME)}/bestand")
    assert odd.status == 200
    # Quotes stay in filename*; a backslash (a folder separator on Windows) does not.
    assert odd.headers["Content-Disposition"].startswith(
        'inline; filename="rapport _definitief_ versie _ een.txt"; ')
    assert _disposition_name(odd.headers["Content-Disposition"]) == (
        'rapport "definitief" versie – één.txt')
    assert odd.headers["Content-Type"].count("charset") == 1


# --- point 6 ---------------------------------------------------------------------------

LINKING_PATHS = ("/api/search?q=kindcentra&aantal=1", f"/api/documents/{document_id(NOTE)}",
                 "/opensearch.xml", "/export.csv?q=kindcentra", "/export.ris?q=kindcentra",
                 "/", f"/document/{document_id(NOTE)}", "/healthz", "/favicon.ico",
                 "/beheer/status", "/bestaat-niet")


def _assert_refused_everywhere(base: str, host: str) -> None:
    for path in LINKING_PATHS:
        reply = fetch(base, path, {"Host": host})
        assert reply.status == 400, (path, reply.status)
        assert host.encode() not in reply.body and host not in str(reply.headers), path
        assert "KENNISBANK_BASE_URL" in reply.text, path


def test_point6_absolute_links_never_follow_a_hostile_host(indexed: tuple[Path, Path]
                                                           ) -> None:
    corpus, index = indexed
    with running_server(index, corpus) as local:
        _assert_refused_everywhere(local, "evil.example")
        _assert_refused_everywhere(local, "127.0.0.1.evil.example:80")
        own = fetch(local, "/api/search?q=kindcentra&aantal=1",
                    {"Host": local.removeprefix("http://")})
        assert json.loads(own.body)["links"]["self"].startswith(f"{local}/api/search")

    public = "https://kennisbank.example.nl/zoeken"
    with running_server(index, corpus, env={"KENNISBANK_BASE_URL": public}) as online:
        _assert_refused_everywhere(online, "evil.example")
        for host in ("kennisbank.example.nl", online.removeprefix("http://"), "localhost"):
            for path in LINKING_PATHS[:5]:
                reply = fetch(online, path, {"Host": host})
                assert reply.status == 200, (host, path)
                links = [link for link in re.findall(r"https?://[^\s\"'<>]+", reply.text)
                         if not link.startswith(OPENSEARCH_NAMESPACE)]
                assert links and all(link.startswith(f"{public}/") for link in links), links
        prefixed = fetch(online, "/zoeken/api/search?q=kindcentra",
                         {"Host": "kennisbank.example.nl"})
        assert json.loads(prefixed.body)["total"] == 3


def test_serving_on_the_network_without_a_base_url_warns_in_dutch(
        indexed: tuple[Path, Path]) -> None:
    _corpus, index = indexed
    command = [*KENNISBANK, "--index", str(index), "serve", "--host", "0.0.0.0", "--port", "0"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True) as server:
        try:
            assert SERVING.search(server.stdout.readline())
        finally:
            server.terminate()
            _out, err = server.communicate(timeout=10)
    assert "Let op: de Kennisbank luistert op 0.0.0.0" in err
    assert "KENNISBANK_BASE_URL" in err


def test_an_unusable_base_url_stops_serve_with_a_dutch_message(tmp_path: Path) -> None:
    for value in ("kennisbank.example.nl", "ftp://example.nl", "https://example.nl/?a=1",
                  "https://user@example.nl", "https://example.nl/#top"):
        result = subprocess.run([*KENNISBANK, "--index", str(tmp_path), "serve"],
                                env={"KENNISBANK_BASE_URL": value},
                                capture_output=True, text=True, timeout=60, check=False)
        assert result.returncode == 2, value
        assert "KENNISBANK_BASE_URL moet het openbare webadres" in result.stderr


# --- point 7 ---------------------------------------------------------------------------


def _basic(password: str, user: str = "beheer") -> dict[str, str]:
    encoded = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {encoded}"}


def test_point7_staff_pages_are_for_this_computer_or_the_token(
        indexed: tuple[Path, Path]) -> None:
    corpus, index = indexed
    with running_server(index, corpus) as local:
        page = fetch(local, "/beheer/status")
        assert page.status == 200 and "Status van de index" in page.text
        assert page.headers["Cache-Control"] == "no-store"
        for header in ({"X-Forwarded-For": "203.0.113.9"}, {"Forwarded": "for=203.0.113.9"},
                       {"X-Real-IP": "203.0.113.9"}):
            refused = fetch(local, "/beheer/status", header)
            assert refused.status == 403, header
            assert "alleen te openen op de computer" in refused.text
            assert "KENNISBANK_BEHEER_TOKEN" in refused.text
            assert NOTE not in refused.text

    with running_server(index, corpus, env={"KENNISBANK_BEHEER_TOKEN": TOKEN}) as guarded:
        for headers in ({}, _basic("fout-wachtwoord-0123456789"), _basic(TOKEN[:-1]),
                        {"Authorization": "Bearer fout"}, {"Authorization": f"Token {TOKEN}"}):
            reply = fetch(guarded, "/beheer/status", headers)
            assert reply.status == 401, headers
            assert reply.headers["WWW-Authenticate"] == 'Basic realm="Kennisbank beheer"'
            assert "beheerwachtwoord" in reply.text and TOKEN not in reply.text
        for headers in (_basic(TOKEN), _basic(TOKEN, user=""),
                        {"Authorization": f"Bearer {TOKEN}"}):
            reply = fetch(guarded, "/beheer/status", headers)
            assert reply.status == 200, headers
            assert "Status van de index" in reply.text and TOKEN not in reply.text
        proxied = fetch(guarded, "/beheer/status",
                        {**_basic(TOKEN), "X-Forwarded-For": "203.0.113.9"})
        assert proxied.status == 200


# --- point 9 ---------------------------------------------------------------------------


def test_point9_site_name_from_configuration_and_a_favicon(indexed: tuple[Path, Path]
                                                            ) -> None:
    corpus, index = indexed
    env = {"KENNISBANK_SITE_NAME": "Kennisbank <KB> & Co",
           "KENNISBANK_SITE_DESCRIPTION": "Documenten van <b>ons</b> & partners."}
    with running_server(index, corpus, env=env) as url:
        page = fetch(url, "/?q=kindcentra")
        footer = page.text.split("<footer", 1)[1]
        assert "Documenten van &lt;b&gt;ons&lt;/b&gt; &amp; partners." in footer
        assert "PACT voor Kindcentra (2018–2021)" not in page.text
        assert re.search(r"<title>[^<]* · Kennisbank &lt;KB&gt; &amp; Co</title>", page.text)
        assert "<KB>" not in page.text and "<b>ons" not in page.text
        opensearch = fetch(url, "/opensearch.xml").text
        short_name = re.search(r"<ShortName>(.*)</ShortName>", opensearch).group(1)
        assert short_name == "Kennisbank &lt;KB&gt;"  # whole words, at most 16 characters

        icon = fetch(url, "/favicon.ico")
        assert icon.status == 200
        assert icon.headers["Content-Type"] == "image/vnd.microsoft.icon"
        assert icon.body[:4] == b"\x00\x00\x01\x00"  # ICO header: reserved, type 1 (icon)
        assert "max-age=604800" in icon.headers["Cache-Control"]

    with running_server(index, corpus) as default:
        footer = fetch(default, "/").text.split("<footer", 1)[1]
        assert ("Kennisbank met documenten van PACT voor Kindcentra (2018–2021), een "
                "programma van Het Kinderopvangfonds.") in footer


def test_site_texts_are_validated_at_start(tmp_path: Path) -> None:
    for name, value in (("KENNISBANK_SITE_NAME", "Twee\nregels"),
                        ("KENNISBANK_SITE_NAME", "x" * 101),
                        ("KENNISBANK_BEHEER_TOKEN", "kort"),
                        ("KENNISBANK_BEHEER_TOKEN", "met spaties " * 3)):
        result = subprocess.run([*KENNISBANK, "--index", str(tmp_path), "serve"],
                                env={name: value},
                                capture_output=True, text=True, timeout=60, check=False)
        assert result.returncode == 2, (name, value)
        assert name in result.stderr
        if name == "KENNISBANK_BEHEER_TOKEN":
            assert value not in result.stderr
