# Two commands: `make book` (build the site) and `make test` (run the whole suite).
# Both create .venv on first use: the only prerequisites are Python >= 3.11 and make. The
# environment is uv's hashed, universal lock (uv.lock); uv itself is bootstrapped from PyPI with
# pip, pinned and hash-checked (tools/uv-bootstrap.txt, exported from the lock).
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000
# uv: install into .venv, never download a Python, keep the lock as committed
UV := UV_PROJECT_ENVIRONMENT=$(VENV) UV_PYTHON_DOWNLOADS=never $(BIN)/uv
# Debian's chromium for the browser tests; elsewhere set CHROMIUM=/path/to/chromium
CHROMIUM ?=
export CHROMIUM

.PHONY: help book test quick notebooks nbval serve bench chromium corpus clean venv lock release release-check sweeps sweeps-merge pdf refresh

help:
	@echo "make venv       create .venv from uv.lock (Python >= 3.11 and make are all you need)"
	@echo "make book       build the site into _build/html (executes every notebook against this checkout)"
	@echo "make test       run the whole test suite (unit, data, pairing, notebook outputs, build, browser)"
	@echo "make quick      the quick lane: every test that needs no book build and no browser, on two workers"
	@echo "make notebooks  re-sync the jupytext pairs and re-execute the .ipynb files in place (NB=name for one)"
	@echo "make nbval      re-execute the committed notebooks with nbval (optional; make test compares without re-executing)"
	@echo "make lock       re-resolve uv.lock from pyproject.toml (after changing dependencies); refresh the uv bootstrap pins and requirements.txt"
	@echo "make serve      serve _build/html on http://127.0.0.1:$(PORT)"
	@echo "make bench      run the speed benchmarks"
	@echo "make sweeps     run the heavy sweeps into results/ with provenance (SWEEP=name for one,"
	@echo "                SCHEDULER=tcp://host:8786 on a Dask cluster, CHUNK=i/n for one chunk; make sweeps-merge SWEEP=name)"
	@echo "make corpus     unpack Debian's dict-gcide (the English text of chapter 3's language models) into .cache"
	@echo "make pdf        print the PDF edition of the built site (_build/html/synthetic-data-report.pdf)"
	@echo "make clean      remove _build (keeps .venv)"
	@echo "make release    check version/date everywhere, then git-tag v<version> (see README)"
	@echo "make refresh    fetch the declared upstream snapshots, re-derive their tables, report what moved (UPDATE=dataset to re-declare one)"

$(BIN)/uv: tools/uv-bootstrap.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 is needed, found " + sys.version.split()[0] + ": run make PYTHON=/path/to/python3.11-or-newer")'
	@# With a pip of our own (>= 22.3 knows --python), the venv needs none: ensurepip alone takes
	@# longer than installing everything else. Otherwise the venv's own pip installs uv.
	@if $(PYTHON) -m pip --python "$$($(PYTHON) -c 'import sys; print(sys.executable)')" --version >/dev/null 2>&1; then \
	  test -x $(BIN)/python || $(PYTHON) -m venv --without-pip $(VENV); \
	  echo "$(PYTHON) -m pip --python $(BIN)/python install uv (pinned, hash-checked)"; \
	  $(PYTHON) -m pip --python $(BIN)/python install --quiet --disable-pip-version-check --require-hashes --no-deps -r tools/uv-bootstrap.txt; \
	else \
	  test -x $(BIN)/python || $(PYTHON) -m venv $(VENV); \
	  echo "$(BIN)/python -m pip install uv (pinned, hash-checked)"; \
	  $(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r tools/uv-bootstrap.txt; \
	fi
	@touch $@

venv: $(STAMP)

$(STAMP): $(BIN)/uv uv.lock pyproject.toml
	$(UV) sync --locked --quiet
	@touch $@

lock: $(BIN)/uv
	$(UV) lock
	$(UV) export --frozen --only-group bootstrap --no-emit-project --format requirements-txt --quiet -o tools/uv-bootstrap.txt
	@# requirements.txt for pip users: the whole default environment, pinned and hashed (tests/test_requirements.py)
	$(UV) export --frozen --format requirements-txt --no-emit-project --quiet -o requirements.txt

book: $(STAMP)
	$(BIN)/python tools/build_book.py

notebooks: $(STAMP)
	$(BIN)/python tools/run_notebooks.py $(NB)

nbval: $(STAMP)
	$(BIN)/python -m pytest -p no:cacheprovider --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg $(or $(NB),notebooks book)

serve: $(STAMP)
	@test -f _build/html/index.html || $(MAKE) book
	@echo "Serving on http://127.0.0.1:$(PORT) (Ctrl-C to stop)"
	$(BIN)/python -m http.server $(PORT) --bind 127.0.0.1 --directory _build/html

# Chromium for the browser tests, the way this machine allows: Debian's package where there is
# apt; otherwise a message saying what to install. Playwright never downloads a browser.
chromium:
	@if [ -n "$(CHROMIUM)" ]; then test -x "$(CHROMIUM)" || { echo "CHROMIUM=$(CHROMIUM) is not an executable" >&2; exit 1; }; \
	elif [ -x /usr/lib/chromium/chromium ] || [ -x /usr/bin/chromium ]; then :; \
	elif command -v apt-get >/dev/null 2>&1; then \
	  echo "installing Debian's chromium for the browser tests"; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null; \
	else \
	  echo "make test needs Chromium for its browser tests and this machine has no apt-get." >&2; \
	  echo "Install Chromium with your system's package manager (e.g. 'brew install --cask chromium'," >&2; \
	  echo "'dnf install chromium', 'pacman -S chromium'), then run: make test CHROMIUM=/path/to/chromium" >&2; \
	  exit 1; \
	fi

# The real English corpus of the language-model collapse experiment: GCIDE, from Debian's package
# dict-gcide (GPL-2+), unpacked into .cache/dict-gcide (no root needed); a machine with the package
# installed system-wide (/usr/share/dictd) uses that. Elsewhere the tests that need it are skipped.
GCIDE_DEB := dict-gcide=0.48.5+nmu2
corpus:
	@if [ -f .cache/dict-gcide/usr/share/dictd/gcide.dict.dz ] || [ -f /usr/share/dictd/gcide.dict.dz ]; then :; \
	elif command -v apt-get >/dev/null 2>&1 && command -v dpkg-deb >/dev/null 2>&1; then \
	  echo "unpacking Debian's $(GCIDE_DEB) into .cache/dict-gcide"; \
	  tmp=$$(mktemp -d); \
	  if ! (cd $$tmp && apt-get download -qq $(GCIDE_DEB) >/dev/null 2>&1); then \
	    SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); $$SUDO apt-get update -qq; \
	    (cd $$tmp && apt-get download -qq $(GCIDE_DEB) >/dev/null); \
	  fi; \
	  mkdir -p .cache/dict-gcide && dpkg-deb -x $$tmp/dict-gcide_*.deb .cache/dict-gcide && rm -rf $$tmp; \
	else \
	  echo "no apt-get here: the language-model collapse tests will be skipped (install Debian's dict-gcide, or set GCIDE_DIR)"; \
	fi

# The whole suite. The site is built first, once (a no-op when `make book` built it from these very
# sources), then the tests run on TEST_WORKERS pytest-xdist workers, a test file to a worker (a file's
# module fixtures, e.g. the accessibility audit of every page, are computed once). TEST_WORKERS=1 for one.
TEST_WORKERS ?= 2
test: $(STAMP) chromium corpus node_modules/.package-lock.json
	$(BIN)/python tools/build_book.py
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# The quick lane: the tests not marked slow (slow = builds the book or drives a browser), spread
# over two pytest-xdist workers; no chromium or node modules needed. QUICK_WORKERS=1 for one.
QUICK_WORKERS ?= 2
quick: $(STAMP)
	$(BIN)/python -m pytest -m "not slow" -n $(QUICK_WORKERS) $(PYTEST_ARGS)

# axe-core for the accessibility audit, pinned in package-lock.json, from the npm registry (no browser download)
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

# The PDF edition, printed offline from the built site by Debian's Chromium (tools/make_pdf.py)
pdf: $(STAMP) chromium
	@test -f _build/html/index.html || $(MAKE) book
	$(BIN)/python tools/make_pdf.py

bench: $(STAMP) corpus
	$(BIN)/python -m pytest -p no:nbval -o addopts="" benchmarks -q --benchmark-columns=min,median,max,rounds --benchmark-sort=name $(BENCH_ARGS)

# heavy sweeps (privacy_*, bias_*, collapse_lm*): results/NAME.csv + NAME.provenance.json; SWEEP=name to run one,
# SCHEDULER=tcp://host:8786 to run it on a Dask cluster, CHUNK=2/5 to run one chunk of its replicates
sweeps: $(STAMP) corpus
	$(BIN)/python tools/run_sweeps.py $(SWEEP) $(if $(SCHEDULER),--scheduler $(SCHEDULER)) $(if $(CHUNK),--chunk $(CHUNK)) $(SWEEP_ARGS)

# merge the chunks of results/chunks/SWEEP into results/SWEEP.csv (refuses chunks of other code or settings)
sweeps-merge: $(STAMP) corpus
	@test -n "$(SWEEP)" || { echo "make sweeps-merge SWEEP=name" >&2; exit 1; }
	$(BIN)/python tools/run_sweeps.py merge $(SWEEP)

clean:
	rm -rf _build

# The release step: every place must state analysis.__version__ and its date, the tree must be
# clean, then the tag v<version> is made (tools/release.py). Run `make test` and `make book` first.
# The refresh: every upstream snapshot of analysis/data/snapshots.yml is fetched (pooch, hash-checked,
# into a cache outside the repository), its table re-derived and the dependent pages re-executed in a
# temporary copy; only a complete, consistent refresh is swapped in (tools/refresh.py).
refresh: $(STAMP)
	$(BIN)/python tools/refresh.py $(if $(UPDATE),--update $(UPDATE))

release-check: $(STAMP)
	$(BIN)/python tools/release.py check

release: $(STAMP)
	$(BIN)/python tools/release.py tag
