"""Exports and wildcard queries are expensive: they are streamed, capped and wait their
turn, and while they do, ordinary searches are answered at once (issue 13)."""

from __future__ import annotations

import csv
import io
import os
import signal
import threading
import urllib.error
import urllib.request

import pytest

from kennisbank.synonyms import DEFAULT_SYNONYMS
from kennisbank.webapp import create_app
from kennisbank.webapp.offload import ServiceWorkers, WorkFailed, workers
from kennisbank.webapp.throttle import GATE_KEY, is_expensive
from tests.live_server import running_server
from tests.webapp_fixtures import text_of

pytest_plugins = ["tests.webapp_fixtures"]


def _app(web_index, threads: int = 4, **config):
    return create_app(web_index.settings(threads=threads), {"TESTING": True, **config})


def _csv_rows(body: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def test_an_export_is_streamed_in_parts_and_says_how_much_it_holds(web_index) -> None:
    app = _app(web_index, EXPORT_MAX_ROWS=7, EXPORT_PART_ROWS=3)
    response = app.test_client().get("/export.csv?q=kindcentrum")
    assert response.status_code == 200 and response.is_streamed
    assert response.headers["X-Kennisbank-Export"] == "7 van 18 resultaten"
    rows = _csv_rows(response.data)
    assert len(rows) == 7 and len({row["link"] for row in rows}) == 7
    full = _csv_rows(app.test_client().get("/export.csv?q=kindcentrum&aantal=5").data)
    assert rows == full  # the page size of the result page does not cut the export


def test_the_capped_export_keeps_the_best_results_in_order(web_index) -> None:
    app = _app(web_index, EXPORT_MAX_ROWS=4, EXPORT_PART_ROWS=3)
    client = app.test_client()
    best = client.get("/api/search?q=kindcentrum&aantal=4").get_json()["hits"]
    rows = _csv_rows(client.get("/export.csv?q=kindcentrum").data)
    assert [row["titel"] for row in rows] == [hit["title"] for hit in best]
    ris = client.get("/export.ris?q=kindcentrum").get_data(as_text=True)
    assert ris.count("ER  - ") == 4


def test_the_result_page_says_when_an_export_is_cut(web_index) -> None:
    from bs4 import BeautifulSoup

    client = _app(web_index, EXPORT_MAX_ROWS=5).test_client()
    soup = BeautifulSoup(client.get("/?q=kindcentrum").data, "html.parser")
    assert "de beste 5 van 18 resultaten" in text_of(soup.select_one(".export"))
    soup = BeautifulSoup(client.get("/?q=btw").data, "html.parser")
    assert soup.select_one(".export-limit") is None


@pytest.mark.parametrize(("path", "expensive"), [
    ("/export.csv?q=ouders", True),
    ("/export.ris", True),
    ("/?q=kind*", True),
    ("/api/search?q=kindcentr%3Fm", True),
    ("/?q=kindcentrum", False),
    ("/api/search?q=ouders", False),
    ("/document/abc?q=kind*", False),
])
def test_exports_and_wildcard_searches_count_as_expensive(app, path, expensive) -> None:
    with app.test_request_context(path):
        assert is_expensive() is expensive


def test_a_full_line_gets_a_dutch_503_while_searches_go_on(web_index) -> None:
    app = _app(web_index, threads=2)  # room for one expensive request
    gate = app.extensions[GATE_KEY]
    assert gate.enter()  # an export is running
    try:
        client = app.test_client()
        for path in ("/export.csv?q=ouders", "/?q=kind*"):
            busy = client.get(path)
            assert busy.status_code == 503, path
            assert busy.headers["Retry-After"].isdigit()
            assert "Probeer het over" in busy.get_data(as_text=True)
        api = client.get("/api/search?q=kind*")
        assert api.status_code == 503 and "druk" in api.get_json()["message"]
        assert client.get("/?q=kindcentrum").status_code == 200
        assert client.get("/api/search?q=ouders").status_code == 200
    finally:
        gate.leave()
    assert app.test_client().get("/export.csv?q=ouders").status_code == 200


def test_an_expensive_request_waits_its_turn_for_a_bounded_time(web_index) -> None:
    app = _app(web_index, threads=8)
    gate = app.extensions[GATE_KEY]
    gate.wait_seconds = 0.05
    assert gate.enter()
    try:
        waited = app.test_client().get("/export.csv?q=ouders")
        assert waited.status_code == 503 and gate.state() == {"running": 1, "waiting": 0}
    finally:
        gate.leave()


def test_a_streamed_export_holds_its_turn_until_it_is_sent(web_index) -> None:
    """Flask tears the request down before a streamed body is sent; the turn must last
    until the last part, or exports would not be limited at all."""
    app = _app(web_index, EXPORT_PART_ROWS=2)
    gate = app.extensions[GATE_KEY]
    response = app.test_client().get("/export.csv?q=kindcentrum")
    assert response.status_code == 200 and gate.state()["running"] == 1
    parts = iter(response.response)
    body = next(parts) + next(parts)
    assert gate.state()["running"] == 1
    body += b"".join(parts)
    assert gate.state() == {"running": 0, "waiting": 0}
    assert len(_csv_rows(body)) == 18


def test_streamed_exports_release_their_turn_on_the_real_server(web_index) -> None:
    """With two threads only one expensive request fits: if a finished stream kept its
    turn, the second export would get a 503."""
    with running_server(web_index.index, web_index.corpus, threads=2) as base:
        for path in ("/export.csv?q=kindcentrum", "/export.ris?q=ouders",
                     "/export.csv", "/api/search?q=kind*"):
            try:
                response = urllib.request.urlopen(base + path, timeout=30)
            except urllib.error.HTTPError as exc:
                raise AssertionError(f"{path}: {exc.code} {exc.read()[:500]!r}") from None
            with response:
                assert response.status == 200, path
                body = response.read()
                if path.startswith("/export"):
                    assert response.headers["Transfer-Encoding"] == "chunked"
                    assert response.headers["X-Kennisbank-Export"].endswith("resultaten")
                    assert body


def _process_id(_service) -> int:
    return os.getpid()


def _hang(_service) -> None:
    threading.Event().wait()


def _die(_service) -> None:
    os._exit(3)


def test_expensive_requests_are_answered_by_a_worker_process(web_index) -> None:
    app = _app(web_index)
    client = app.test_client()
    assert client.get("/?q=kindcentrum").status_code == 200
    assert workers(app).processes == []  # ordinary searches stay in the server
    assert client.get("/?q=kind*").status_code == 200
    assert client.get("/export.ris?q=ouders").status_code == 200
    (worker,) = workers(app).processes
    assert worker != os.getpid() and workers(app).call(_process_id) == worker
    workers(app).close()


def test_a_hanging_or_dying_worker_is_replaced_and_reported(web_index) -> None:
    # A new worker imports this module to run a task of it, at low priority: on a
    # busy machine that alone can take seconds, so only the hanging task gets 2 s.
    pool = ServiceWorkers(web_index.index, DEFAULT_SYNONYMS, timeout=60.0)
    try:
        first = pool.call(_process_id)
        pool.timeout = 2.0
        with pytest.raises(WorkFailed, match="te veel tijd"):
            pool.call(_hang)
        pool.timeout = 60.0
        second = pool.call(_process_id)
        with pytest.raises(WorkFailed, match="onverwacht afgebroken"):
            pool.call(_die)
        third = pool.call(_process_id)
        assert len({first, second, third}) == 3 and pool.processes == [third]
        os.kill(third, signal.SIGKILL)  # dies while idle: the next call does not notice
        fourth = pool.call(_process_id)
        assert fourth != third and pool.processes == [fourth]
    finally:
        pool.close()


def test_a_failed_worker_gives_visitors_a_dutch_503(web_index) -> None:
    app = _app(web_index)
    workers(app).timeout = 0.0  # no answer is ever in time
    busy = app.test_client().get("/api/search?q=kind*")
    assert busy.status_code == 503 and busy.headers["Retry-After"].isdigit()
    assert "te veel tijd" in busy.get_json()["message"]
    workers(app).close()


def test_the_health_check_answers_in_bounded_time_when_searching_hangs(
        web_index, monkeypatch: pytest.MonkeyPatch) -> None:
    from kennisbank.engine.snapshot import IndexSnapshot

    release = threading.Event()
    monkeypatch.setattr(IndexSnapshot, "probe", lambda _snap: release.wait() or True)
    try:
        app = _app(web_index, HEALTH_PROBE_SECONDS=0.2)
        health = app.test_client().get("/healthz")
        assert health.status_code == 503
        assert health.get_json()["status"] == "error"
        assert health.get_json()["problem"] == (
            "de proefzoekvraag gaf binnen 0,2 s geen antwoord")
        threads = threading.active_count()
        assert app.test_client().get("/healthz").status_code == 503
        assert threading.active_count() == threads  # no second probe piled up
    finally:
        release.set()
    for hung in threading.enumerate():
        if hung.name == "kennisbank-proefzoekvraag":
            hung.join()
    assert app.test_client().get("/healthz").get_json()["status"] == "ok"
