# Qatysu — `make run` serves the portal with demo content, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
DEMO_PASSWORD ?= qatysu-demo
export PORT

.PHONY: run test lint fmt messages install install-test-tools compile-messages migrate seed clean drills mutation

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

# Test tools from npm (axe-core, the OpenID Connect provider); the tests that need them skip or fail without.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --silent && touch $@; \
	 else echo "npm not found: accessibility tests will be skipped (or fail with REQUIRE_SERVICES=1)"; fi

install-test-tools: node_modules/.installed

# Both cores, a database per worker (pytest-django adds _gw0, _gw1); tests of the shared services (marker
# `services`) stay on one worker. The order is random: pytest-randomly prints `Using --randomly-seed=N` at the
# top; `PYTEST_ARGS="-n 2 --dist loadgroup --randomly-seed=N"` replays that order, `-p no:randomly` keeps the
# files' order.
PYTEST_ARGS ?= -n 2 --dist loadgroup --durations=15
test: install compile-messages install-test-tools
	DJANGO_SETTINGS_MODULE=portal.settings.test $(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Fault drills (docs/RESILIENCE.md): a worker killed during digests and during screening, Redis
# stopped during submissions, PostgreSQL sessions terminated under load, SMTP answering 451. Each needs
# PostgreSQL (it creates and drops its own database, portal_drills_*; DRILLS_POSTGRES names the server) and
# the redis-server program, starts its own Redis, prints PASS or FAIL with its figures; all run even if one fails.
# `deployment` (issue 22) also needs nginx, pgbouncer and PostgreSQL 15's server programs: it runs a primary and
# a streaming replica of its own, PgBouncer, nginx and the processes of deploy/systemd/.
DRILLS := worker_killed_digests worker_killed_screening redis_outage_submissions postgres_connections_killed \
	smtp_temporary_failures deployment
drills: install
	@failed=""; for drill in $(DRILLS); do \
	  $(PY) bench/drills/$$drill.py || failed="$$failed $$drill"; done; \
	if [ -n "$$failed" ]; then echo "FAILED drills:$$failed"; exit 1; fi; echo "All drills passed."

# Mutation testing of the rules (docs/TESTING.md): cosmic-ray over each module in bench/mutation/*.toml,
# each against the tests named there, then the score; MUTATION=iin runs one. Mutates files in place and
# restores them: run it on a clean checkout, not while editing. DATABASE_URL should name a database of its own.
MUTATION ?= $(filter-out filters,$(basename $(notdir $(wildcard bench/mutation/*.toml))))
mutation: install
	@for name in $(MUTATION); do nice -n 10 bash bench/mutation/run.sh $$name || exit 1; done
	$(PY) bench/mutation/score.py $(MUTATION)

# Extract strings into locale/{kk,ru,en}; translate, then `make test` or `make run` compiles them.
messages: install
	$(PY) manage.py makemessages -l kk -l ru -l en --ignore=.venv --ignore=node_modules --ignore=locale --no-obsolete
	$(PY) manage.py makemessages -d djangojs -l kk -l ru -l en --ignore=.venv --ignore=node_modules --ignore=staticfiles --ignore=static/vendor --no-obsolete

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache
