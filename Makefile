# Two commands: `make demo` and `make test`. Both set up what they need and skip work already done.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# From npm, kept inside the venv (one install: npm --no-save drops what it was not given):
# axe-core, for the accessibility scans in the browser tests, and configurable-http-proxy, the
# proxy in front of JupyterHub (`workbook hub serve`).
AXE_VERSION := 4.14.1
CHP_VERSION := 5.3.0
AXE    := $(VENV)/node/.axe-core-$(AXE_VERSION)-chp-$(CHP_VERSION)

.PHONY: demo test setup system lint wheel clean

demo: $(STAMP) system
	$(BIN)/workbook demo

test: $(STAMP) system $(AXE)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

setup: $(STAMP) $(AXE)

# The virtual environment, with the package (editable) and its test extras.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "make: Python 3.11 or newer is needed; run e.g. 'make PYTHON=python3.11 $(MAKECMDGOALS)'"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,hub]'
	@touch $@

# Without npm the accessibility and hub tests skip (fail under CI=true); `make system` installs it.
$(AXE): | $(STAMP)
	@if command -v npm >/dev/null; then \
	  npm install --prefix $(VENV)/node --no-save --no-audit --no-fund --silent \
	    axe-core@$(AXE_VERSION) configurable-http-proxy@$(CHP_VERSION) && touch $@; \
	else echo "make: npm is missing, so the accessibility and hub tests will skip (make system)"; fi

# Debian packages: Chromium (PDFs, browser tests), an emoji font, a PostgreSQL server for the
# tests and npm (axe-core); installed when missing, as root.
system:
	@scripts/system-packages

lint: $(STAMP)
	$(BIN)/ruff check workbook tests bench
	$(BIN)/ruff format --check workbook tests bench

# A wheel and a source archive in dist/, to install without this repository (see the README).
wheel: $(STAMP)
	$(BIN)/uv build --quiet --out-dir dist
	@ls dist/*.whl

clean:
	rm -rf $(VENV) demo-practice dist build .pytest_cache .hypothesis
