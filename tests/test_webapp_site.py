"""The site's own name, description and icon (issue 12, point 9, web part), through the
test client; tests/test_serve_safety.py checks them against the real server."""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET

import pytest

from kennisbank.config import DEFAULT_SITE_DESCRIPTION, DEFAULT_SITE_NAME
from kennisbank.webapp import create_app
from kennisbank.webapp.presenters import Site, shortened
from tests.webapp_fixtures import WebIndex, page, text_of

pytest_plugins = ["tests.webapp_fixtures"]

OPENSEARCH = {"os": "http://a9.com/-/spec/opensearch/1.1/"}


def test_the_programme_is_the_default(client) -> None:
    soup = page(client, "/hulp")
    assert text_of(soup.select_one("footer p")) == DEFAULT_SITE_DESCRIPTION
    assert text_of(soup.select_one("a.site-name")) == DEFAULT_SITE_NAME
    assert soup.select_one(".site-sub").get_text() == "PACT voor Kindcentra"
    assert soup.title.get_text() == f"Hulp bij zoeken · {DEFAULT_SITE_NAME}"
    assert soup.find("meta", attrs={"name": "description"})["content"] == (
        DEFAULT_SITE_DESCRIPTION)
    root = ET.fromstring(client.get("/opensearch.xml").data)
    assert root.findtext("os:ShortName", namespaces=OPENSEARCH) == "Kennisbank PACT"


@pytest.mark.parametrize("path", ["/", "/?q=kindcentrum", "/hulp", "/bestaat-niet"])
def test_a_configured_name_is_used_and_escaped_everywhere(web_index: WebIndex,
                                                          path: str) -> None:
    name, description = "Kennisbank <script>x</script> & Co", "Over <b>kinderen</b> & ouders"
    client = create_app(web_index.settings(site_name=name, site_description=description)
                        ).test_client()
    response = client.get(path)
    html = response.get_data(as_text=True)
    assert "<script>x" not in html and "<b>kinderen" not in html
    assert "PACT voor Kindcentra (2018" not in html
    soup = page(client, path, status=response.status_code)
    assert soup.title.get_text().endswith(name)
    assert text_of(soup.select_one("footer p")) == description
    assert text_of(soup.select_one("a.site-name")) == name


def test_opensearch_names_fit_the_specification(web_index: WebIndex) -> None:
    long_name = "Kenniscentrum voor integrale kindcentra in Noord-Brabant & Limburg"
    client = create_app(web_index.settings(site_name=long_name)).test_client()
    root = ET.fromstring(client.get("/opensearch.xml").data)
    assert root.findtext("os:ShortName", namespaces=OPENSEARCH) == "Kenniscentrum"
    assert root.findtext("os:LongName", namespaces=OPENSEARCH) == (
        "Kenniscentrum voor integrale kindcentra in")
    assert root.findtext("os:Description", namespaces=OPENSEARCH) == DEFAULT_SITE_DESCRIPTION


@pytest.mark.parametrize(("text", "limit", "expected"), [
    ("Kennisbank PACT voor Kindcentra", 16, "Kennisbank PACT"),
    ("Kort", 16, "Kort"),
    ("Ontwikkelingsgerichtheid in kindcentra", 16, "Ontwikkelingsger"),
    ("Een naam van precies zestien", 16, "Een naam van"),
])
def test_shortened_keeps_whole_words(text: str, limit: int, expected: str) -> None:
    assert shortened(text, limit) == expected
    assert len(Site(text, "x").short_name) <= 16


def test_favicon_is_a_real_icon_with_caching(client) -> None:
    with client.get("/favicon.ico") as response:
        assert response.status_code == 200
        assert response.mimetype == "image/vnd.microsoft.icon"
        assert response.cache_control.max_age == 7 * 24 * 3600
        data = response.data
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind) == (0, 1) and count >= 1
    for number in range(count):
        width, _h, _c, _r, _planes, _bits, size, offset = struct.unpack(
            "<BBBBHHII", data[6 + 16 * number:22 + 16 * number])
        assert data[offset:offset + 8] == b"\x89PNG\r\n\x1a\n" and width in (16, 32)
        assert offset + size <= len(data)
    soup = page(client, "/")
    icons = {link["href"] for link in soup.find_all("link", rel="icon")}
    assert icons == {"/favicon.ico", "/static/favicon.svg"}
