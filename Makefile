# Videnbro – the two set-up commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
WORKERS ?= 3
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install install-test system-deps system-test-deps _apt run serve worker test test-postgres lint audit seed clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.base-installed: $(BIN)/python requirements/base.lock pyproject.toml
	$(BIN)/pip install --quiet --require-hashes -r requirements/base.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.test-installed: $(VENV)/.base-installed requirements/test.lock
	$(BIN)/pip install --quiet --require-hashes -r requirements/test.lock
	touch $@

## install: virtual environment with the locked runtime dependencies and the `videnbro` command
install: $(VENV)/.base-installed

install-test: $(VENV)/.test-installed

## system-deps: Debian's Pango and fonts for PDF reports (WeasyPrint), installed when missing and root
system-deps:
	@$(MAKE) --no-print-directory _apt PACKAGES="$$( \
	  ldconfig -p | grep -q libpangoft2-1.0 || echo libpango-1.0-0 libpangoft2-1.0-0; \
	  [ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || echo fonts-dejavu-core)"

## system-test-deps: also Debian's chromium (browser tests) and postgresql (CI)
system-test-deps: system-deps
	@$(MAKE) --no-print-directory _apt PACKAGES="$$( \
	  [ -x /usr/bin/chromium ] || echo chromium; \
	  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || echo postgresql)"

_apt:
	@missing="$$(echo $(PACKAGES))"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian packages: $$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "Missing Debian packages: $$missing – install them with: sudo apt-get install $$missing"; \
	  fi; \
	fi

## run: install, migrate, load the real seed data and serve on http://127.0.0.1:$(PORT)
run: install system-deps
	$(BIN)/videnbro migrate --noinput
	$(BIN)/videnbro seed
	$(BIN)/videnbro compilemessages -v0 --ignore '.venv/*' 2>/dev/null || true
	$(BIN)/videnbro collectstatic --noinput -v0
	@echo "Videnbro is serving on http://127.0.0.1:$(PORT) with a background worker (Ctrl-C stops both)"
	@$(BIN)/videnbro db_worker --queue-name '*' --interval 1 --verbosity 0 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/videnbro crisis sweep --quiet || true; \
	  $(BIN)/gunicorn videnbro.config.wsgi --bind 127.0.0.1:$(PORT) --workers $(WORKERS) \
	    --access-logfile - --graceful-timeout 10

## worker: one more background worker (run several against PostgreSQL)
worker: install
	$(BIN)/videnbro db_worker --queue-name '*' --interval 1

## test: install what the tests need and run the whole suite (SQLite) in two pytest-xdist
## workers (TEST_WORKERS=4 for more, TEST_WORKERS=0 for one process)
test: install-test system-test-deps
	$(BIN)/ruff check videnbro bench
	$(BIN)/ruff format --check videnbro bench
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy
	$(BIN)/python -m pytest -n $${TEST_WORKERS:-2} --dist loadgroup

## test-postgres: the same suite against a throw-away PostgreSQL (what .ci/run does)
test-postgres: install-test system-test-deps
	bash .ci/postgres-suite

## audit: the locked dependencies against the OSV advisory database (pip-audit; needs network,
## so it is not part of `make test` – docs/decisions/0013-backup-and-dependency-audit.md)
audit:
	bash scripts/audit-dependencies

lint: install-test
	$(BIN)/ruff check videnbro bench
	$(BIN)/ruff format --check videnbro bench

seed: install
	$(BIN)/videnbro migrate --noinput
	$(BIN)/videnbro seed

clean:
	rm -rf $(VENV) var/static
