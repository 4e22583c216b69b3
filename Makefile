# vitreem — the two commands are `make demo` and `make test` (README).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
DEMO_ENV := VITREEM_DEMO=1

.PHONY: install demo demo-data serve test smoke lint typecheck check openapi messages messages-check lock bench bench-consolidation bench-registry bench-load bench-pages bench-trend bench-dashboard bench-reminders clean

$(VENV)/.installed: requirements/dev.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "vitreem needs Python 3.11")'
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --require-hashes -r requirements/dev.lock
	touch $@

# The browser libraries of package.json (Chart.js), pinned with their hashes in package-lock.json
# and collected as static files from node_modules (settings.STATICFILES_DIRS): no CDN.
node_modules/.installed: package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

install: $(VENV)/.installed node_modules/.installed

## Set up everything from a fresh clone and serve the demo at http://127.0.0.1:$(PORT)
demo: demo-data serve

demo-data: install
	mkdir -p var
	$(DEMO_ENV) $(PY) manage.py migrate --noinput
	$(DEMO_ENV) $(PY) manage.py load_units
	$(DEMO_ENV) $(PY) manage.py load_forms
	$(DEMO_ENV) $(PY) manage.py load_criteria
	$(DEMO_ENV) $(PY) manage.py load_demo
	$(DEMO_ENV) $(PY) manage.py children_follow_succession
	$(DEMO_ENV) $(PY) manage.py rebuild_consolidation --missing

## The web server (gunicorn, as in production; 4 processes unless WEB_CONCURRENCY says otherwise)
## and a queue worker beside it; Ctrl-C stops both. With DEBUG off, WhiteNoise serves the assets
## straight from the apps in demo mode.
serve: install
	mkdir -p var/static
	@echo "vitreem: http://127.0.0.1:$(PORT)  (Ctrl-C stops the web server and the worker)"
	@$(DEMO_ENV) $(PY) manage.py worker --no-reload & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	  $(DEMO_ENV) PORT=$(PORT) WEB_CONCURRENCY=$${WEB_CONCURRENCY:-4} $(VENV)/bin/gunicorn -c gunicorn.conf.py

## The whole suite: SQLite by default, the database of DATABASE_URL when it is set
test: install
	mkdir -p var
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest

## Two web servers and two queue workers on PostgreSQL, a report filed through one and read
## through the other (needs PostgreSQL at SMOKE_DATABASE_URL; CI runs it)
smoke: install
	.ci/smoke_scaleout.sh

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: install
	$(VENV)/bin/mypy .

check: lint typecheck messages-check test

## Regenerate the committed OpenAPI document after an intended API change
openapi: install
	$(PY) manage.py export_openapi > docs/openapi.json

## Extract and compile the English catalogue (needs GNU gettext)
messages: install
	cd vitreem && ../$(PY) ../manage.py makemessages -l en --no-obsolete --no-location
	cd vitreem && ../$(PY) ../manage.py compilemessages -l en

## Fail when a screen string lacks its English translation, or the compiled catalogue is stale
PO := vitreem/locale/en/LC_MESSAGES/django.po
messages-check: install
	mkdir -p var
	cd vitreem && ../$(PY) ../manage.py makemessages -l en --no-obsolete --no-location >/dev/null
	@stats=$$(msgfmt --check --statistics -o var/django.mo $(PO) 2>&1); echo "en: $$stats"; \
	  ! echo "$$stats" | grep -qE "untranslated|fuzzy" || { echo "translate the new strings in $(PO)"; exit 1; }
	@cmp -s var/django.mo $(PO:.po=.mo) || { echo "$(PO:.po=.mo) is stale: run make messages"; exit 1; }

## Re-pin the dependencies from pyproject.toml
lock:
	$(PYTHON) -m pip install --quiet uv
	$(PYTHON) -m uv pip compile pyproject.toml --python-version 3.11 --extra dev --generate-hashes -o requirements/dev.lock
	$(PYTHON) -m uv pip compile pyproject.toml --python-version 3.11 --generate-hashes -o requirements/prod.lock

bench: install
	$(PY) bench/units.py

## The national consolidation benchmark (builds ~3.8 million values the first time: minutes)
bench-consolidation: install
	$(PY) bench/consolidation.py

## A unit's trend across the 2025 reform: 11 rounds of both eras, the province's and a ward's
bench-trend: install
	$(PY) bench/trend.py

## The dashboards: a province's, the nation's, a 2026 province's five-year trend (PostgreSQL)
bench-dashboard: install
	$(PY) bench/dashboard.py

## The registry benchmark: 1,000,000 children at 1/25 of the nation (generated the first time)
bench-registry: install
	$(PY) bench/registry.py

## The load test: 50 people at once against gunicorn (needs bench-consolidation's data; PostgreSQL)
bench-load: install
	$(PY) bench/load.py

## The national reminder scan: 30,399 owed reports and ~100,000 open tasks (PostgreSQL)
bench-reminders: install
	$(PY) bench/reminders.py

## Page weight and load time of four pages under the "Slow 3G" throttle (needs /usr/bin/chromium)
bench-pages: install
	$(PY) bench/pages.py

clean:
	rm -rf $(VENV) node_modules var .pytest_cache .mypy_cache .ruff_cache
