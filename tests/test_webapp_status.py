"""`/beheer/status`: what staff see about the index's health, and who may see it."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from kennisbank.config import Settings, SettingsError, load_settings
from kennisbank.webapp import create_app
from tests.conftest import build_index
from tests.pdf_factory import make_damaged_pdf, make_pdf
from tests.webapp_fixtures import WebIndex

pytest_plugins = ["tests.webapp_fixtures"]


def test_status_page_shows_counts_changes_failures_and_checks(tmp_path: Path) -> None:
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "notitie.txt").write_text("Notitie over <script>alert(1)</script>.",
                                        encoding="utf-8")
    make_pdf(corpus / "deels-gescand.pdf", [["Tekst."], []])
    make_damaged_pdf(corpus / "kapot.pdf")
    build_index(corpus, index)
    (corpus / "later.txt").write_text("Nog niet geïndexeerd.", encoding="utf-8")
    client = create_app(Settings(corpus=corpus, index=index), {"TESTING": True}).test_client()

    response = client.get("/beheer/status")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "De index bevat <strong>2</strong> documenten" in page
    assert "2 nieuw, 0 gewijzigd" in page
    assert "kapot.pdf" in page and "beschadigd of onleesbaar bestand" in page
    assert "deels-gescand.pdf: pagina&#39;s zonder tekst: 2" in page
    assert "Nog niet geïndexeerd" in page and "later.txt" in page
    assert "<script>" not in page


# --- who may see it (issue 12, point 7; tests/test_serve_safety.py: the real server) ----

TOKEN = "een-lang-beheerwachtwoord-0123456789"
OUTSIDE = {"REMOTE_ADDR": "203.0.113.5"}


@pytest.fixture(scope="module")
def guarded(web_index: WebIndex):
    return create_app(web_index.settings(beheer_token=TOKEN), {"TESTING": True}).test_client()


def _basic(password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"x:{password}".encode()).decode()}


@pytest.mark.parametrize(("environ", "headers"), [
    (OUTSIDE, {}),
    ({"REMOTE_ADDR": "::ffff:203.0.113.5"}, {}),
    ({}, {"X-Forwarded-For": "203.0.113.5"}),
    ({}, {"Forwarded": "for=203.0.113.5;proto=https"}),
    ({}, {"X-Real-IP": "203.0.113.5"}),
    ({}, {"Via": "1.1 proxy"}),
    ({}, {"Host": "kennisbank.example.nl"}),  # through a proxy that passes the public Host
])
def test_without_a_token_only_direct_local_visitors_see_the_staff_pages(
        web_index: WebIndex, environ: dict, headers: dict) -> None:
    app = create_app(web_index.settings(base_url="https://kennisbank.example.nl"))
    client = app.test_client()
    for path in ("/beheer/status", "/beheer/bestaat-niet", "/beheer", "/beheer/"):
        response = client.get(path, headers=headers, environ_base=environ)
        assert response.status_code == 403, path
        text = response.get_data(as_text=True)
        assert "Alleen voor beheerders" in text and "KENNISBANK_BEHEER_TOKEN" in text
        assert "/beheer/status" in text and "handreiking" not in text
        assert response.headers["Cache-Control"] == "no-store"
    assert client.get("/beheer/status").status_code == 200
    assert client.get("/beheer/status", environ_base={"REMOTE_ADDR": "::1"}).status_code == 200


def test_the_footer_links_to_the_status_only_for_who_can_open_it(client) -> None:
    local = client.get("/").get_data(as_text=True)
    remote = client.get("/", environ_base=OUTSIDE).get_data(as_text=True)
    assert "Status van de index" in local and "Status van de index" not in remote


@pytest.mark.parametrize("headers", [
    {}, _basic("fout-fout-fout-fout-fout"), _basic(TOKEN + "x"), _basic(TOKEN.upper()),
    {"Authorization": "Bearer "}, {"Authorization": f"Bearer {TOKEN[:-1]}"},
    {"Authorization": f"Digest {TOKEN}"}, {"Authorization": "Basic !!!"},
    {"Authorization": "Bearer ü" + TOKEN},
])
def test_with_a_token_everyone_must_give_it(guarded, headers: dict) -> None:
    for environ in ({}, OUTSIDE):  # this computer too
        response = guarded.get("/beheer/status", headers=headers, environ_base=environ)
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == 'Basic realm="Kennisbank beheer"'
        text = response.get_data(as_text=True)
        assert "Wachtwoord voor beheer nodig" in text and TOKEN not in text


@pytest.mark.parametrize("headers", [_basic(TOKEN), {"Authorization": f"Bearer {TOKEN}"}])
def test_the_right_token_opens_the_staff_pages_from_anywhere(guarded, headers: dict) -> None:
    for environ in ({}, OUTSIDE):
        response = guarded.get("/beheer/status", headers=headers, environ_base=environ)
        assert response.status_code == 200
        assert "Status van de index" in response.get_data(as_text=True)
        assert response.headers["Cache-Control"] == "no-store"


def test_the_public_pages_need_no_token(guarded) -> None:
    assert guarded.get("/?q=kindcentrum", environ_base=OUTSIDE).status_code == 200


@pytest.mark.parametrize("token", ["kort", "vijftien-tekens", "met spaties erin 12345",
                                   "ééééééééééééééééé", "regel\nafbreking-123456789"])
def test_a_weak_or_untypable_token_is_refused_without_repeating_it(token: str) -> None:
    with pytest.raises(SettingsError, match="KENNISBANK_BEHEER_TOKEN moet") as error:
        load_settings({"KENNISBANK_BEHEER_TOKEN": token})
    assert token not in str(error.value)
    assert TOKEN not in repr(Settings(beheer_token=TOKEN))
