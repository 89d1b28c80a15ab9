# The project's commands. `make serve` and `make test` are all a new machine needs.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml requirements.lock | cksum | cut -d' ' -f1)
export NO_MKDOCS_2_WARNING := 1
export DISABLE_MKDOCS_2_WARNING := true

.PHONY: serve test check build lint golden browser clean

# Serve the site with live reload at http://127.0.0.1:8000 (edits to content/ and data/ rebuild it).
serve: $(STAMP)
	$(BIN)/mkdocs serve --livereload --dev-addr 127.0.0.1:8000

# Set up, then run every test (unit, golden, built site, browser, lint).
test: $(STAMP) browser
	$(BIN)/pytest

# Validate content/ and data/ only; lists every problem.
check: $(STAMP)
	$(BIN)/factsite check

# Check, build site/ with MkDocs (strict), check links; site/ is replaced only on success.
build: $(STAMP)
	$(BIN)/factsite build

lint: $(STAMP)
	$(BIN)/ruff check scripts tests benchmarks
	$(BIN)/mypy

# Regenerate the golden Markdown after an intended template change; review the diff.
golden: $(STAMP)
	$(BIN)/factsite --root tests/fixtures/valid render tests/golden

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

# Browser tests drive Debian's Chromium; Playwright never downloads a browser.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

clean:
	rm -rf site .site-new .site-old
