# The project's commands. `make serve` and `make test` are all a new machine needs.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml requirements.lock | cksum | cut -d' ' -f1)
export NO_MKDOCS_2_WARNING := 1
export DISABLE_MKDOCS_2_WARNING := true

.PHONY: serve serve-prod test test-fast check build lint golden browser clean

# Serve the site with live reload at http://127.0.0.1:8000 (edits to content/ and data/ rebuild it).
serve: $(STAMP)
	$(BIN)/mkdocs serve --livereload --dev-addr 127.0.0.1:8000

# Set up, then run every test (unit, golden, built site, browser, lint).
test: $(STAMP) browser
	$(BIN)/pytest

# The unit layer only (loader, schema and rules, every pinned editor message, templates and golden
# pages, README checks): no build, no browser. The quick loop while changing code; `make test` is the gate.
test-fast: $(STAMP)
	$(BIN)/pytest -q tests/test_load.py tests/test_validate.py tests/test_render.py tests/test_docs.py tests/test_editor_schema.py

# Validate content/ and data/ only; lists every problem.
check: $(STAMP)
	$(BIN)/factsite check

# Check, build site/ with MkDocs (strict), check links; site/ is replaced only on success.
build: $(STAMP)
	$(BIN)/factsite build

# Build (site_url http://127.0.0.1:8080/ unless SITE_URL is set), then serve site/ with Debian's nginx
# and deploy/nginx.conf (security headers, precompressed files, caching) at http://127.0.0.1:8080.
serve-prod: $(STAMP)
	@test -x /usr/sbin/nginx || { echo "Installing Debian's nginx and libnginx-mod-http-brotli-static"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx \
	    libnginx-mod-http-brotli-static >/dev/null; }
	SITE_URL="$${SITE_URL:-http://127.0.0.1:8080/}" $(BIN)/factsite build
	sh deploy/run-nginx.sh site 127.0.0.1:8080

lint: $(STAMP)
	$(BIN)/ruff check scripts tests benchmarks
	$(BIN)/mypy

# Regenerate the golden Markdown after an intended template change; review the diff.
golden: $(STAMP)
	$(BIN)/factsite --root tests/fixtures/valid render tests/golden

# Every file pip installs must match a hash in requirements.lock (scripts/lock.py writes them).
# pip's hash checking cannot cover an editable install, so the project itself is installed
# second, without its own dependencies (all locked and checked above) and built with the
# locked setuptools; `pip check` then proves nothing it needs is missing.
$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check --disable-pip-version-check >/dev/null
	rm -f $(VENV)/.installed-*
	touch $@

# Browser tests drive Debian's Chromium; Playwright never downloads a browser.
# The nginx tests serve the built site with Debian's nginx and its brotli_static module (and openssl
# makes a throwaway certificate for the HTTPS example).
browser:
	@{ command -v chromium && test -x /usr/sbin/nginx && command -v openssl \
	  && test -f /usr/lib/nginx/modules/ngx_http_brotli_static_module.so; } >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium, nginx, libnginx-mod-http-brotli-static and openssl for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium nginx \
	    libnginx-mod-http-brotli-static openssl >/dev/null; }

clean:
	rm -rf site .site-new* .site-old .site.lock
