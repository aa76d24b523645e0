# Qatysu — `make run` serves the portal with demo content, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
DEMO_PASSWORD ?= qatysu-demo
export PORT

.PHONY: run test lint fmt messages install install-test-tools compile-messages migrate seed clean drills

# A stamp file newer than requirements.txt means the venv has what it lists.
$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

compile-messages: install
	@command -v msgfmt >/dev/null || (command -v apt-get >/dev/null && apt-get install -y -qq gettext >/dev/null) || true
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0

migrate: install compile-messages
	$(PY) manage.py migrate --no-input -v 0

seed: migrate
	$(PY) manage.py seed_demo --demo-accounts --demo-password $(DEMO_PASSWORD)

run: seed
	$(PY) manage.py run_portal --port $(PORT)

# Browser-side test tools (axe-core) from npm; the browser tests skip or fail without them.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --silent && touch $@; \
	 else echo "npm not found: accessibility tests will be skipped (or fail with REQUIRE_SERVICES=1)"; fi

install-test-tools: node_modules/.installed

test: install compile-messages install-test-tools
	DJANGO_SETTINGS_MODULE=portal.settings.test $(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Fault drills of issue 10 (docs/RESILIENCE.md): a worker killed during digests and during screening, Redis
# stopped during submissions, PostgreSQL sessions terminated under load, SMTP answering 451. Each needs
# PostgreSQL (it creates and drops its own database, portal_drills_*; DRILLS_POSTGRES names the server) and
# the redis-server program, starts its own Redis, prints PASS or FAIL with its figures; all run even if one fails.
DRILLS := worker_killed_digests worker_killed_screening redis_outage_submissions postgres_connections_killed \
	smtp_temporary_failures
drills: install
	@failed=""; for drill in $(DRILLS); do \
	  $(PY) bench/drills/$$drill.py || failed="$$failed $$drill"; done; \
	if [ -n "$$failed" ]; then echo "FAILED drills:$$failed"; exit 1; fi; echo "All drills passed."

# Extract strings into locale/{kk,ru,en}; translate, then `make test` or `make run` compiles them.
messages: install
	$(PY) manage.py makemessages -l kk -l ru -l en --ignore=.venv --ignore=node_modules --ignore=locale --no-obsolete
	$(PY) manage.py makemessages -d djangojs -l kk -l ru -l en --ignore=.venv --ignore=node_modules --ignore=staticfiles --ignore=static/vendor --no-obsolete

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache
