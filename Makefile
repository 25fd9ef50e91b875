# make run   - set up everything and serve the portal with demo content on http://127.0.0.1:8000
# make test  - set up everything and run the whole test suite (SQLite, and PostgreSQL in CI)
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/portal
REDIS_TEST_URL ?= redis://127.0.0.1:6379/1
PYENV_VERSIONS := $(or $(PYENV_ROOT),$(HOME)/.pyenv)/versions

.PHONY: help run test lint audit bench bench-timings clean

help:
	@echo "make run    serve the portal with demo content on http://127.0.0.1:8000"
	@echo "make test   run the whole test suite"
	@echo "make lint   ruff and the migrations check"
	@echo "make audit  known vulnerabilities in the pinned requirements (pip-audit)"
	@echo "make bench  serve the portal as in production and measure its pages and site search"
	@echo "            (needs wrk, PostgreSQL and Redis; BENCH_ARGS=--soak for the 5-minute soak)"
	@echo "make bench-timings  time the trial import and the busiest pages in-process"
	@echo "make clean  remove the virtualenv, node_modules and local data"

# The first interpreter that really runs and is 3.12 or newer. pyenv shims exist for
# versions pyenv has not selected and fail when run, so every candidate is executed.
$(PY):
	@found=""; \
	for candidate in $(PYTHON) python3.13 python3.12 python3 \
	    $$(ls -d $(PYENV_VERSIONS)/3.*/bin/python3 2>/dev/null | sort -rV); do \
	  if "$$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
	    found="$$candidate"; break; \
	  elif [ -n "$(PYTHON)" ] && [ "$$candidate" = "$(PYTHON)" ]; then \
	    echo "PYTHON=$(PYTHON) does not run as Python 3.12 or newer." >&2; exit 1; \
	  fi; \
	done; \
	if [ -z "$$found" ]; then \
	  echo "No Python 3.12 or newer found (tried python3.13, python3.12, python3 and pyenv's versions)." >&2; \
	  echo "Install one, or point to it: make PYTHON=/path/to/python3.12 $(MAKECMDGOALS)" >&2; \
	  exit 1; \
	fi; \
	echo "Creating $(VENV) with $$found ($$("$$found" --version 2>&1))"; \
	"$$found" -m venv $(VENV)

$(VENV)/.installed: $(PY) requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.dev-installed: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

# axe-core and the Nu HTML Checker for the browser checks. Without npm they are skipped
# on a developer machine (and fail in CI, which must run them).
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error && touch $@; \
	else \
	  echo "npm not found: the browser checks will be skipped." >&2; \
	fi

# The task worker and the scheduler run beside the web server and stop with it.
run: export DJANGO_DEBUG ?= true
run: export DJANGO_CACHE_DIR ?= .cache
run: $(VENV)/.installed
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_demo
	$(PY) manage.py create_local_logins
	@trap 'kill $$worker $$schedule 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py db_worker --interval 1 & worker=$$!; \
	$(PY) manage.py run_schedule --every 300 & schedule=$$!; \
	$(PY) manage.py runserver 127.0.0.1:8000

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check .
	DJANGO_SETTINGS_MODULE=portal.test_settings $(PY) manage.py makemigrations --check --dry-run

# Fails when a pinned requirement has a known vulnerability, and also (--strict) when any
# requirement could not be checked, e.g. with the vulnerability service out of reach.
audit: $(VENV)/.dev-installed
	$(VENV)/bin/pip-audit --requirement requirements.txt --strict --progress-spinner off

# With DATABASE_URL or in CI, the suite runs twice at the same time, one pass per core: on
# SQLite, and on PostgreSQL with the Redis cache. The browser checks (marked browser) run
# once, in the PostgreSQL pass: the stack the portal is served with. The PostgreSQL pass's
# output follows the SQLite pass's; make test fails when either fails.
test: $(VENV)/.dev-installed node_modules/.installed lint
	@if [ -n "$$DATABASE_URL" ] || [ "$$CI" = "true" ]; then \
	  log=$$(mktemp); \
	  DATABASE_URL="$${DATABASE_URL:-$(PG_TEST_URL)}" REDIS_URL="$${REDIS_URL:-$(REDIS_TEST_URL)}" \
	    $(PY) -m pytest -p no:cacheprovider >"$$log" 2>&1 & postgres=$$!; \
	  echo "--- on SQLite, without the browser checks (the PostgreSQL pass runs at the same time, with them; its output follows) ---"; \
	  env -u DATABASE_URL -u REDIS_URL $(PY) -m pytest -m "not browser"; sqlite_status=$$?; \
	  wait $$postgres; postgres_status=$$?; \
	  echo "--- on PostgreSQL with the Redis cache ---"; \
	  cat "$$log"; rm -f "$$log"; \
	  echo "SQLite pass: exit $$sqlite_status; PostgreSQL pass: exit $$postgres_status"; \
	  [ $$sqlite_status -eq 0 ] && [ $$postgres_status -eq 0 ]; \
	else \
	  $(PY) -m pytest; \
	fi

bench: $(VENV)/.installed
	@command -v wrk >/dev/null 2>&1 || { \
	  echo "wrk is not installed; the benchmark needs it (Debian/Ubuntu: sudo apt-get install -y wrk)." >&2; \
	  exit 2; }
	$(PY) bench/run.py $(BENCH_ARGS)
	$(PY) bench/run.py --lighthouse
	DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/portal_bench} \
	  $(PY) bench/search.py

bench-timings: $(VENV)/.installed
	$(PY) bench/timings.py

clean:
	rm -rf $(VENV) node_modules staticfiles .test-media .cache
