# One command to run the portal, one to test it. See README.md.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format setup clean

$(VENV)/.run-installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: $(VENV)/.run-installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# Set up the database and demo data: what a newcomer needs before the first page loads.
setup: $(VENV)/.run-installed
	DEBUG=true $(PY) manage.py migrate --noinput
	DEBUG=true $(PY) manage.py load_guides
	DEBUG=true $(PY) manage.py seed_demo

# The web server, one task worker and the reminders scheduler, in one terminal (README "Reminders").
run: setup
	DEBUG=true WEB_ADDRESS=$(HOST):$(PORT) SITE_URL=http://$(HOST):$(PORT) $(VENV)/bin/honcho -f fsgs_portal/Procfile.dev start

# Tests run with DEBUG off, as in production; the key below is for tests only.
test: export SECRET_KEY ?= insecure-key-for-tests-only-0123456789abcdefghijklmnopqrstuvwxyz
test: $(VENV)/.dev-installed
	bash .ci/system-deps
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest

lint: $(VENV)/.dev-installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(VENV)/.dev-installed
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles .pytest_cache .ruff_cache
