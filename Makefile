# Kennisbank: `make serve` and `make test` are all a new machine needs (Python 3.11).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# KENNISBANK_CORPUS / KENNISBANK_INDEX (environment) choose the folders, as for the CLI.
CORPUS ?= $(or $(KENNISBANK_CORPUS),corpus)
INDEX ?= $(or $(KENNISBANK_INDEX),var/index)
# Debian packages the tests use: chromium for the browser tests (driven by Playwright;
# no browser download) and a real Dutch PDF manual nobody on the team wrote.
CHROMIUM := /usr/bin/chromium
DUTCH_PDF := /usr/share/doc/lilypond/html/Documentation/web.nl.pdf
SUDO := $(if $(filter 0,$(shell id -u)),,sudo )

.PHONY: serve test index lint bench bench-html bench-stemmer bench-relevance clean
BENCH_SIZES ?= 1000 10000

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 niet gevonden (zet PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# Incremental: only changed files are read again, so this is quick when nothing changed.
index: $(VENV)/.installed
	$(BIN)/kennisbank --index $(INDEX) index $(CORPUS)

# Listens on KENNISBANK_HOST:KENNISBANK_PORT (default 127.0.0.1:8000).
serve: index
	$(BIN)/kennisbank --index $(INDEX) serve

$(CHROMIUM) $(DUTCH_PDF) &:
	$(SUDO)apt-get update -q
	$(SUDO)apt-get install -y -q --no-install-recommends chromium lilypond-doc-pdf-nl

# The engine's door is compared with Whoosh's own search on the relevance collection
# (Debian's Dutch documentation): installed here as root; without it that test skips.
test: $(VENV)/.installed-test | $(CHROMIUM) $(DUTCH_PDF)
	$(BIN)/ruff check .
	-$(BIN)/python bench/relevance/build_collection.py --install --packages-only
	$(BIN)/python -m pytest -q

# The benchmark's peer engines (tantivy); SQLite FTS5 comes with Python.
$(VENV)/.installed-bench: pyproject.toml $(VENV)/.installed-test
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $@

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

bench-html: $(VENV)/.installed-test
	$(BIN)/python bench/html_extraction.py

# Speed and memory at scale (issue 7): corpus build, indexing, search, HTTP, RSS; and
# (issue 14) the same job on tantivy-py and SQLite FTS5, warm and cold (bench/peers.py).
# Not part of `make test`; needs Debian's Dutch documentation (apt-get, as root).
# BENCH_SIZES="1000 10000 100000" for the full set (100k takes hours on 2 cores).
bench: $(VENV)/.installed-bench
	for size in $(BENCH_SIZES); do $(BIN)/python bench/run_all.py --size $$size || exit 1; done

# Installs Debian's Dutch documentation (apt-get, as root) for the collection.
bench-relevance: $(VENV)/.installed
	$(BIN)/python bench/relevance/build_collection.py --install
	$(BIN)/python bench/relevance/run.py

bench-stemmer: $(VENV)/.installed-test
	$(BIN)/python bench/stemmer_agreement.py

clean:
	rm -rf $(VENV) var build *.egg-info
