"""Which Host the site answers to, and where its absolute links point (issue 12, point
6), through Flask's test client; tests/test_serve_safety.py does the same against the
real server."""

from __future__ import annotations

import csv
import io
import re

import pytest

from kennisbank.config import Settings, SettingsError, load_settings
from kennisbank.records import document_id
from kennisbank.webapp import create_app
from kennisbank.webapp.hosts import is_loopback_host
from kennisbank.webapp.server import exposure_warning
from tests.webapp_fixtures import WebIndex

pytest_plugins = ["tests.webapp_fixtures"]

PUBLIC = "https://kennisbank.example.nl/zoeken"
HANDREIKING = document_id("handreiking-ouders.txt")
LINKING = ("/api/search?q=kindcentrum&aantal=5", f"/api/documents/{HANDREIKING}",
           "/opensearch.xml", "/export.csv?q=kindcentrum", "/export.ris?q=kindcentrum")
OPENSEARCH_NAMESPACE = "http://a9.com/-/spec/opensearch/"


@pytest.fixture(scope="module")
def online(web_index: WebIndex):
    """The app as it runs behind a reverse proxy at PUBLIC."""
    return create_app(web_index.settings(base_url=PUBLIC), {"TESTING": True}).test_client()


def absolute_links(text: str) -> list[str]:
    return [link for link in re.findall(r"https?://[^\s\"'<>,]+", text)
            if not link.startswith(OPENSEARCH_NAMESPACE)]


@pytest.mark.parametrize("host", ["localhost", "LOCALHOST:8000", "localhost.", "127.0.0.1",
                                  "127.0.0.1:8000", "127.8.9.10:80", "[::1]", "[::1]:8000",
                                  "[::ffff:127.0.0.1]:8000"])
def test_loopback_names_are_answered_without_a_base_url(client, host: str) -> None:
    assert is_loopback_host(host)
    assert client.get("/api/search", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "127.0.0.1.evil.example",
                                  "localhost.evil.example", "localhost:abc", "localhost:",
                                  "[::1", "[::1]x", "0.0.0.0", "10.0.0.1", "127.1",
                                  "localhost:8000, evil.example", "kennisbank.example.nl"])
def test_other_hosts_get_a_dutch_400_that_names_the_setting(client, host: str) -> None:
    page = client.get("/?q=kindcentrum", headers={"Host": host})
    assert page.status_code == 400
    text = page.get_data(as_text=True)
    assert "Onbekend webadres" in text and "KENNISBANK_BASE_URL" in text
    assert "alleen op deze computer" in text
    api = client.get("/api/search", headers={"Host": host})
    assert api.status_code == 400 and "KENNISBANK_BASE_URL" in api.get_json()["message"]
    assert "evil" not in page.get_data(as_text=True) + api.get_data(as_text=True)


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1", "localhost:8000",
                                  "kennisbank.example.nl", "KENNISBANK.example.nl:443"])
def test_with_a_base_url_every_absolute_link_starts_with_it(online, host: str) -> None:
    status = 400 if host == "evil.example" else 200
    for path in LINKING:
        response = online.get(path, headers={"Host": host})
        assert response.status_code == status, (host, path)
        links = absolute_links(response.get_data(as_text=True))
        assert "evil.example" not in response.get_data(as_text=True)
        if status == 200:
            assert links and all(link.startswith(f"{PUBLIC}/") for link in links), links


def test_a_base_url_with_a_path_prefix_works_whether_the_proxy_strips_it(online) -> None:
    stripped = online.get("/api/search?q=kindcentrum", headers={"Host": "kennisbank.example.nl"})
    passed_on = online.get("/zoeken/api/search?q=kindcentrum",
                           headers={"Host": "kennisbank.example.nl"})
    assert stripped.get_json()["hits"] == passed_on.get_json()["hits"]
    assert passed_on.get_json()["links"]["self"] == f"{PUBLIC}/api/search?q=kindcentrum"
    page = online.get("/?q=kindcentrum").get_data(as_text=True)
    assert 'href="/zoeken/static/style.css"' in page
    assert 'action="/zoeken/"' in page
    rows = list(csv.DictReader(io.StringIO(
        online.get("/export.csv?q=kindcentrum").data.decode("utf-8-sig"))))
    assert rows and all(row["link"].startswith(f"{PUBLIC}/document/") for row in rows)


def test_the_refusal_with_a_base_url_names_the_public_address(online) -> None:
    response = online.get("/", headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert f"{PUBLIC}/" in response.get_data(as_text=True)


@pytest.mark.parametrize("value", ["kennisbank.example.nl", "ftp://example.nl", "https://",
                                   "https://example.nl/?q=1", "https://example.nl/#top",
                                   "https://gebruiker:geheim@example.nl", "https://example.nl:99999",
                                   "https://example.nl:0", "https://exa mple.nl",
                                   "https://example.nl/een pad", "https://voorbeeld.nl/<b>",
                                   "https://bücher.example"])
def test_an_unusable_base_url_is_refused_in_dutch(value: str) -> None:
    with pytest.raises(SettingsError, match="KENNISBANK_BASE_URL moet het openbare webadres"):
        load_settings({"KENNISBANK_BASE_URL": value})


@pytest.mark.parametrize("value", ["https://kennisbank.example.nl", "http://localhost:8000/",
                                   "https://example.nl/kennis-bank/zoeken/",
                                   "http://[2001:db8::1]:8080"])
def test_usable_base_urls(value: str) -> None:
    assert load_settings({"KENNISBANK_BASE_URL": value}).base_url == value


def test_serving_beyond_this_computer_without_a_base_url_gets_a_warning() -> None:
    assert exposure_warning(Settings(host="127.0.0.1")) is None
    assert exposure_warning(Settings(host="localhost")) is None
    assert exposure_warning(Settings(host="::1")) is None
    assert exposure_warning(Settings(host="0.0.0.0", base_url=PUBLIC)) is None
    for host in ("0.0.0.0", "::", "192.168.1.20", "kennisbank-server"):
        warning = exposure_warning(Settings(host=host))
        assert warning and "KENNISBANK_BASE_URL" in warning and host in warning
