"""What a newcomer meets first at the command line (issue 12, points 3 and 9): help in
Dutch, a clear word when a page or a port does not work out, and `make serve` that
listens where KENNISBANK_HOST/KENNISBANK_PORT say."""

from __future__ import annotations

import os
import re
import selectors
import signal
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import CORPUS, REPO_ROOT
from tests.test_cli import run_cli

ENGLISH_ARGPARSE = re.compile(
    r"usage:|options:|positional arguments|show this help|error:|invalid choice|"
    r"the following arguments|unrecognized arguments|expected one argument")
COMMANDS = ((), ("index",), ("search",), ("status",), ("serve",))


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "kennisbank")
def test_help_is_all_dutch(command: tuple[str, ...]) -> None:
    shown = run_cli(*command, "--help")
    assert shown.returncode == 0
    assert shown.stdout.startswith("gebruik: kennisbank")
    assert not ENGLISH_ARGPARSE.search(shown.stdout)
    assert "toon deze hulp en stop" in shown.stdout


@pytest.mark.parametrize("args", [
    ("opzoeken",), (), ("search", "--limit", "0", "x"), ("search", "--page", "twee", "x"),
    ("search", "--sort", "alfabet", "x"), ("search", "--onbekend"), ("index", "--jobs"),
    ("serve", "--port", "99999"), ("index", "--timeout", "nan"),
], ids=" ".join)
def test_usage_errors_are_dutch(args: tuple[str, ...]) -> None:
    refused = run_cli(*args)
    assert refused.returncode == 2
    assert refused.stderr.startswith("gebruik: kennisbank")
    assert ": fout: " in refused.stderr
    assert not ENGLISH_ARGPARSE.search(refused.stderr)


def test_a_page_past_the_last_says_how_many_there_are(tmp_path: Path) -> None:
    index = str(tmp_path / "index")
    assert run_cli("--index", index, "index", str(CORPUS)).returncode == 0
    past = run_cli("--index", index, "search", "kindcentrum", "--limit", "2", "--page", "9")
    assert past.returncode == 2
    assert "pagina 9 bestaat niet; er zijn 3 pagina's" in past.stderr
    assert "--page 1 tot en met 3" in past.stderr
    last = run_cli("--index", index, "search", "kindcentrum", "--limit", "2", "--page", "3")
    assert last.returncode == 0
    assert "\n5. " in last.stdout


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_taken_port_is_named_with_the_setting_that_chooses_another(tmp_path: Path) -> None:
    index = str(tmp_path / "index")
    assert run_cli("--index", index, "index", str(CORPUS)).returncode == 0
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        refused = run_cli("--index", index, "serve", env={"KENNISBANK_PORT": str(port)})
    assert refused.returncode == 3
    assert f"poort {port} op 127.0.0.1 is al in gebruik" in refused.stderr
    assert "KENNISBANK_PORT" in refused.stderr
    assert "index kon niet worden geschreven" not in refused.stderr


def _lines_until(process: subprocess.Popen, pattern: re.Pattern[str]) -> Iterator[str]:
    """The process's output lines up to and including the first that matches (bounded:
    the serve target indexes five files first)."""
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while selector.select(timeout=120):
            line = process.stdout.readline()
            if not line:
                return
            yield line
            if pattern.search(line):
                return


def test_make_serve_listens_where_the_environment_says(tmp_path: Path) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("KENNISBANK_", "MAKE", "MFLAGS"))}
    env.update(KENNISBANK_PORT=str(port), KENNISBANK_HOST="127.0.0.1")
    command = ["make", "--no-print-directory", "serve", f"INDEX={tmp_path / 'index'}"]
    with subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, start_new_session=True) as make:
        try:
            output = "".join(_lines_until(make, re.compile(r"Kennisbank draait op")))
        finally:
            os.killpg(make.pid, signal.SIGTERM)
            make.wait(timeout=30)
    assert f"Kennisbank draait op http://127.0.0.1:{port}/" in output, output


def test_a_file_name_with_control_characters_cannot_fake_output_lines(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "naam\r\nkennisbank: alles in orde\x1b[2J.txt").write_text(
        "Een notitie over het zwaluwnestoverleg.", encoding="utf-8")
    index = str(tmp_path / "index")
    indexed = run_cli("--index", index, "index", str(corpus))
    found = run_cli("--index", index, "search", "zwaluwnestoverleg")
    for output in (indexed.stdout, indexed.stderr, found.stdout):
        assert "\r" not in output and "\x1b" not in output
        assert not any(line.startswith("kennisbank: alles") for line in output.splitlines())
    assert "naam\\r\\nkennisbank: alles in orde\\x1b[2J.txt" in found.stdout
