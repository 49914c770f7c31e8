# Every target bootstraps .venv itself; a second call only re-installs when pyproject.toml or the lock changed.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

# Find a Python >= 3.12: an explicit PYTHON=, then python3.13/python3.12 on PATH, then pyenv's versions.
PYTHON ?= $(shell for c in python3.13 python3.12 python3 \
	$$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do \
	  p=$$(command -v $$c 2>/dev/null) || continue; \
	  $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; break; }; \
	done)

.PHONY: run test lint migrate bench worker demo import clean browser backup restore interop

$(BIN)/.installed: pyproject.toml requirements.lock
	@if [ -z "$(PYTHON)" ]; then \
	  echo "error: Python 3.12 or newer is needed (Django 6.1 requires it) and none was found."; \
	  echo "Install one (for example 'pyenv install 3.12' or your system's python3.12 package)"; \
	  echo "or point to it: make $(MAKECMDGOALS) PYTHON=/path/to/python3.12"; exit 1; fi
	@if [ -x $(BIN)/python ] && ! $(BIN)/python -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then rm -rf $(VENV); fi
	@[ -x $(BIN)/python ] || { echo "Creating $(VENV) with $(PYTHON)"; $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	@touch $@

$(VENV): $(BIN)/.installed

# Debian's Chromium drives the browser tests; Playwright's own download cannot work offline.
browser:
	@command -v chromium >/dev/null || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; }

# The local commands run the development server, which needs DEBUG (and so gets a development SECRET_KEY);
# `make test` runs with it off.
run demo migrate worker import: export DEBUG ?= 1

migrate: $(VENV)
	$(BIN)/python manage.py migrate --no-input

demo: migrate
	$(BIN)/python manage.py load_demo

# Server and worker each run in a process group of their own (set -m), so that stopping make stops both
# groups whole, runserver's autoreloader child included: Ctrl-C reaches the shell with make, and make passes a
# TERM on to the shell, whose trap runs at once because it waits in `wait`, not on a foreground command.
run: demo
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0
	@echo "Serving http://$(HOST):$(PORT)/ with a background worker (Ctrl-C stops both)"
	@set -m; \
	  $(BIN)/python manage.py db_worker --queue-name '*' --no-reload --no-startup-delay & worker=$$!; \
	  $(BIN)/python manage.py runserver $(HOST):$(PORT) & server=$$!; \
	  trap 'kill -TERM -$$server -$$worker 2>/dev/null; wait' INT TERM EXIT; \
	  wait $$server

# Import article files or folders into the database `make run` serves: make import FILES="a.txt folder/".
import: $(VENV)
	@[ -n "$(FILES)" ] || { echo 'Name the files: make import FILES="file-or-folder ..." [ARGS="--dry-run"]'; exit 2; }
	$(BIN)/python manage.py migrate --no-input --verbosity 0
	$(BIN)/python manage.py import_articles $(ARGS) $(FILES)

# Back up or restore the database `make run` serves (or DATABASE_URL's): make backup FILE=provenance.backup.
backup restore: export DEBUG ?= 1
backup: $(VENV)
	@[ -n "$(FILE)" ] || { echo 'Name the backup file: make backup FILE=provenance.backup'; exit 2; }
	$(BIN)/python manage.py backup_database $(FILE)

restore: $(VENV)
	@[ -n "$(FILE)" ] || { echo 'Name the backup file: make restore FILE=provenance.backup'; exit 2; }
	$(BIN)/python manage.py restore_database $(FILE)

worker: $(VENV)
	$(BIN)/python manage.py db_worker --queue-name '*'

test: $(VENV) browser
	SECRET_KEY=$${SECRET_KEY:-insecure-test-only-key} $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Benchmarks measure SQLite and, on a scratch database they create and drop, PostgreSQL.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/annotator_bench
bench: $(VENV)
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m bench $(BENCH)

# Round trip through doccano 1.8.4 and Label Studio 1.23, installed from PyPI under .interop/ (git-ignored):
# imports our exports through their APIs and compares what they store; never part of `make test`.
interop: $(VENV)
	$(BIN)/python -m bench.interop

clean:
	rm -rf $(VENV) var/*.sqlite3
