# Two commands: `make book` (build the site) and `make test` (run the whole suite).
# Both create .venv and install the pinned requirements on first use.
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000
CHROMIUM := /usr/bin/chromium

.PHONY: help book test notebooks serve bench chromium clean venv pdf

help:
	@echo "make book       build the site into _build/html (executes every notebook)"
	@echo "make test       run the whole test suite (unit, data, pairing, nbval, build, browser)"
	@echo "make notebooks  re-sync the jupytext pairs and re-execute the .ipynb files in place"
	@echo "make serve      serve _build/html on http://127.0.0.1:$(PORT)"
	@echo "make bench      run the speed benchmarks"
	@echo "make pdf        print the PDF edition of the built site (_build/html/synthetic-data-report.pdf)"
	@echo "make clean      remove _build (keeps .venv)"

venv: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

book: $(STAMP)
	$(BIN)/python tools/build_book.py

notebooks: $(STAMP)
	$(BIN)/python tools/run_notebooks.py $(NB)

serve: $(STAMP)
	@test -f _build/html/index.html || $(MAKE) book
	@echo "Serving on http://127.0.0.1:$(PORT) (Ctrl-C to stop)"
	$(BIN)/python -m http.server $(PORT) --bind 127.0.0.1 --directory _build/html

# Debian's Chromium for the browser tests; Playwright never downloads a browser here.
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  echo "installing Debian's chromium for the browser tests"; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null; \
	fi

test: $(STAMP) chromium node_modules/.package-lock.json
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# axe-core for the accessibility audit, pinned in package-lock.json, from the npm registry (no browser download)
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

# The PDF edition, printed offline from the built site by Debian's Chromium (tools/make_pdf.py)
pdf: $(STAMP) chromium
	@test -f _build/html/index.html || $(MAKE) book
	$(BIN)/python tools/make_pdf.py

bench: $(STAMP)
	$(BIN)/python -m pytest -p no:nbval -o addopts="" benchmarks -q --benchmark-columns=min,median,max,rounds --benchmark-sort=name $(BENCH_ARGS)

clean:
	rm -rf _build
