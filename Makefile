# One command to run the portal, one to test it. See README.md.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format setup clean css

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
	msgfmt --check --statistics -o /dev/null fsgs_portal/locale/es/LC_MESSAGES/django.po
	$(PY) -m pytest

lint: $(VENV)/.dev-installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(VENV)/.dev-installed
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles .pytest_cache .ruff_cache

# Bootstrap, only the parts the portal uses (static/scss/portal-bootstrap.scss), compiled with
# Bootstrap's own Sass sources. The built CSS and its map are committed; this rebuilds them, with
# the compiler and sources installed in .build/ (git-ignored), never into the project.
BOOTSTRAP_VERSION := 5.3.9
SASS_VERSION := 1.94.2
css:
	npm install --prefix .build --no-audit --no-fund --save-exact bootstrap@$(BOOTSTRAP_VERSION) sass@$(SASS_VERSION)
	.build/node_modules/.bin/sass --load-path=.build/node_modules/bootstrap/scss --style=compressed \
	  --quiet-deps --silence-deprecation=import,global-builtin,color-functions \
	  static/scss/portal-bootstrap.scss static/vendor/bootstrap/css/bootstrap.min.css
