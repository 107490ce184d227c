"""In a real browser: Debian's chromium, driven by Playwright, against `kennisbank serve`
(waitress) on a free local port. What a user does: search, see highlights, tick a filter,
see the count and the chip, remove it, open a document, and do one search by keyboard.

Screenshots go to test-output/browser/ (or $KENNISBANK_TEST_OUTPUT/browser/).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright import sync_api

from tests.conftest import REPO_ROOT
from tests.live_server import running_server
from tests.webapp_fixtures import WebIndex

expect = sync_api.expect

pytest_plugins = ["tests.webapp_fixtures"]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
OUTPUT = Path(os.environ.get("KENNISBANK_TEST_OUTPUT", REPO_ROOT / "test-output")) / "browser"

# A missing browser is a broken set-up, not a reason to skip: `make test` installs it.
assert CHROMIUM.is_file(), "Debian's chromium is missing: run `make test`, which installs it"


@pytest.fixture(scope="module")
def server_url(web_index: WebIndex) -> Iterator[str]:
    with running_server(web_index.index, web_index.corpus) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _page(browser, server_url: str, **options: object):
    context = browser.new_context(base_url=server_url, locale="nl-NL", **options)
    context.set_default_timeout(10_000)
    return context, context.new_page()


@pytest.fixture
def page(browser, server_url: str) -> Iterator[object]:
    context, page = _page(browser, server_url, viewport={"width": 1280, "height": 900})
    yield page
    context.close()


def search_box(page):
    return page.get_by_role("searchbox", name="Zoek in de kennisbank")


def test_search_filter_chip_and_document(page) -> None:
    page.goto("/")
    search_box(page).fill("ouders")
    search_box(page).press("Enter")
    expect(page.locator("#aantal")).to_have_text("3 resultaten voor “ouders”")
    expect(page.locator(".hit .snippet mark").first).to_have_text(re.compile("ouders", re.I))
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=OUTPUT / "resultaten.png", full_page=True)

    handreiking = page.get_by_role("checkbox", name=re.compile(r"^Handreiking"))
    handreiking.check()
    expect(page.locator("#aantal")).to_have_text("1 resultaat voor “ouders”")
    expect(page.locator("a.chip")).to_have_text(re.compile(r"Documentsoort: Handreiking"))
    expect(page).to_have_url(re.compile(r"/\?q=ouders&soort=handreiking$"))  # canonical
    expect(handreiking).to_be_checked()
    expect(handreiking).to_be_focused()  # focus stays where the user was
    onderzoek = page.get_by_role("checkbox", name=re.compile(r"^Onderzoeksrapport"))
    expect(onderzoek).to_have_accessible_name("Onderzoeksrapport (1 resultaat)")

    page.locator("a.chip").click()
    expect(page.locator("a.chip")).to_have_count(0)
    expect(page.locator("#aantal")).to_have_text("3 resultaten voor “ouders”")
    expect(page).not_to_have_url(re.compile("soort="))

    first = page.locator(".hit h3 a").first
    title = first.inner_text()
    first.click()
    expect(page.locator("h1")).to_have_text(title)
    expect(page.locator(".preview mark").first).to_be_visible()
    page.go_back()
    expect(page.locator("#aantal")).to_have_text("3 resultaten voor “ouders”")


def test_corrected_results_and_the_search_as_typed(page) -> None:
    page.goto("/")
    search_box(page).fill("ouderbetrokkenhied")
    search_box(page).press("Enter")
    expect(page.locator("#aantal")).to_have_text("2 resultaten voor “ouderbetrokkenheid”")
    note = page.locator(".corrected")
    expect(note).to_have_text(
        "Resultaten voor ouderbetrokkenheid. Zoek in plaats daarvan naar ouderbetrokkenhied.")
    note.get_by_role("link", name="ouderbetrokkenhied").click()
    expect(page).to_have_url(re.compile(r"letterlijk=ja"))
    expect(page.locator("#aantal")).to_have_text("0 resultaten voor “ouderbetrokkenhied”")
    expect(page.locator(".corrected")).to_have_count(0)


def test_the_expansion_line_and_its_undo_link(page) -> None:
    page.goto("/?q=IKC")
    line = page.locator(".expanded")
    expect(line).to_have_text(re.compile(r"^Ook gezocht op: integraal kindcentrum\."))
    widened = page.locator(".hit").count()
    line.get_by_role("link", name="Zoek zonder deze synoniemen").click()
    expect(page).to_have_url(re.compile(r"synoniemen=nee"))
    expect(page.locator(".expanded")).to_have_count(0)
    assert page.locator(".hit").count() < widened


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching `selector` has the focus."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} never got the keyboard focus")


def focus_is_visible(page) -> bool:
    return page.evaluate(
        "() => getComputedStyle(document.activeElement).outlineStyle !== 'none'")


def test_one_search_with_the_keyboard_only(page) -> None:
    page.goto("/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Direct naar de inhoud")).to_be_focused()
    assert focus_is_visible(page)
    page.keyboard.press("Enter")
    tab_to(page, "#q")
    assert focus_is_visible(page)
    page.keyboard.type("kindcentra")
    page.keyboard.press("Enter")
    expect(page.locator("#aantal")).to_have_text(re.compile(r"^\d+ resultaten voor “kindcentra”"))

    facet = "#filterformulier input[name=soort][value=onderzoeksrapport]"
    tab_to(page, facet)
    assert focus_is_visible(page)
    page.keyboard.press("Space")
    expect(page.locator("#aantal")).to_have_text("2 resultaten voor “kindcentra”")
    expect(page.locator("a.chip")).to_have_text(re.compile("Onderzoeksrapport"))
    expect(page.locator(facet)).to_be_focused()

    tab_to(page, ".hit h3 a")
    title = page.evaluate("() => document.activeElement.textContent")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text(title)


def test_filters_work_without_javascript(browser, server_url: str) -> None:
    context, page = _page(browser, server_url, java_script_enabled=False)
    try:
        page.goto("/?q=ouders")
        page.get_by_role("checkbox", name=re.compile(r"^Webinar")).check()
        page.get_by_role("button", name="Filters toepassen").click()
        expect(page.locator("#aantal")).to_have_text("1 resultaat voor “ouders”")
        expect(page.locator("a.chip")).to_have_text(re.compile("Documentsoort: Webinar"))
        page.get_by_role("link", name="Wis alle filters").click()
        expect(page.locator("#aantal")).to_have_text("3 resultaten voor “ouders”")
    finally:
        context.close()


def test_the_page_fits_a_phone(browser, server_url: str) -> None:
    context, page = _page(browser, server_url, viewport={"width": 360, "height": 740},
                          is_mobile=True, has_touch=True)
    try:
        page.goto("/?q=kindcentra&soort=onderzoeksrapport")
        expect(page.locator(".hit").first).to_be_visible()
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0
        OUTPUT.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=OUTPUT / "resultaten-telefoon.png", full_page=True)
    finally:
        context.close()
