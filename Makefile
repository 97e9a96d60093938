# The two commands of the README:
#   make run    install everything, migrate, seed the demo, start web + worker + beat
#   make test   install everything, compile messages, ruff, mypy, import-linter and the whole
#               pytest suite
# and further:
#   make bench  run every benchmarks/*.py against PostgreSQL and print their BENCH lines
#               (each benchmark creates and drops its own scratch database)
#   make lint   ruff, mypy and import-linter only
#   make schema regenerate the OpenAPI schema docs/openapi.yaml (validated; warnings fail)
#
# Dependencies come from uv.lock only (uv sync --frozen) and use the machine's python3.11;
# uv never downloads an interpreter. Without uv on the machine, it is installed with pip.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.ONESHELL:
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
export UV_PYTHON_DOWNLOADS := never

# Local services make test and make bench use when they are there (CI requires them).
PG_HOST ?= 127.0.0.1
PG_PORT ?= 5432
PG_URL ?= postgres://postgres@$(PG_HOST):$(PG_PORT)/planning_cycle
REDIS_LOCAL_URL ?= redis://127.0.0.1:6379/0
PYTEST_ARGS ?=

# Shell helpers shared by the recipes (each recipe runs as one bash script).
define HELPERS
say() { printf '\n\033[1m==> %s\033[0m\n' "$$*"; }
die() { printf '\n\033[1;31mERROR: %s\033[0m\n' "$$*" >&2; exit 1; }
is_root() { [ "$$(id -u)" = 0 ]; }
# A URL without its credentials, for the log.
redact() { printf '%s' "$$1" | sed -E 's#//[^/@]*@#//***@#'; }
pg_up() {
	$(PY) -c "import psycopg, sys; psycopg.connect(sys.argv[1], connect_timeout=3).close()" \
		"$$1" >/dev/null 2>&1
}
redis_up() {
	$(PY) -c "import redis, sys; redis.Redis.from_url(sys.argv[1], socket_connect_timeout=2).ping()" \
		"$$1" >/dev/null 2>&1
}
# The PostgreSQL server of a URL, checked through its maintenance database.
pg_server_url() { printf '%s' "$${1%/*}/postgres"; }
endef

.PHONY: help install dirs messages static migrate seed run test lint bench schema

help:
	@echo "make run    install, migrate, seed the demo and start web, worker and beat"
	@echo "            (http://127.0.0.1:8000/, logins printed by the seed)"
	@echo "make test   install, compile messages, ruff, mypy and the whole test suite"
	@echo "make bench  run every benchmark against PostgreSQL"
	@echo "make lint   ruff and mypy only"
	@echo "make schema regenerate the OpenAPI schema docs/openapi.yaml after an API change"

# --- installation ------------------------------------------------------------------------

install:
	@$(HELPERS)
	command -v $(PYTHON) >/dev/null 2>&1 || die "$(PYTHON) not found; install Python 3.11 (Debian: apt-get install python3.11 python3.11-venv)."
	if command -v uv >/dev/null 2>&1; then
		uv=(uv)
	elif $(PYTHON) -m uv --version >/dev/null 2>&1; then
		uv=($(PYTHON) -m uv)
	else
		say "uv is missing: installing it with $(PYTHON) -m pip install --user uv"
		# --user; on an "externally managed" Debian Python also --break-system-packages
		# (it only adds uv to ~/.local); inside a virtual environment without --user.
		log=$$(mktemp)
		$(PYTHON) -m pip install --user --quiet uv >"$$log" 2>&1 \
			|| $(PYTHON) -m pip install --user --quiet --break-system-packages uv >>"$$log" 2>&1 \
			|| $(PYTHON) -m pip install --quiet uv >>"$$log" 2>&1 \
			|| { cat "$$log"; die "could not install uv with pip; install it (https://docs.astral.sh/uv/) and retry."; }
		rm -f "$$log"
		$(PYTHON) -m uv --version >/dev/null || die "uv was installed but '$(PYTHON) -m uv' does not run."
		uv=($(PYTHON) -m uv)
	fi
	say "Installing the locked dependencies into $(VENV) ($${uv[*]} sync --frozen)"
	"$${uv[@]}" sync --frozen -p $(PYTHON)
	# WeasyPrint (the weighing table as PDF) needs Pango, HarfBuzz and fonts from the system.
	if ! $(PY) -c "import weasyprint" >/dev/null 2>&1; then
		if is_root && command -v apt-get >/dev/null 2>&1; then
			say "WeasyPrint's system libraries are missing: installing Pango, HarfBuzz and fonts with apt-get"
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
				libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 \
				fonts-dejavu-core fonts-liberation >/dev/null
		else
			die "the PDF export (WeasyPrint) needs Pango and fonts. Install them, e.g. 'sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fonts-dejavu-core fonts-liberation', and retry."
		fi
	fi

dirs:
	@mkdir -p var/broker/queue var/broker/processed var/broker/control staticfiles

# compilemessages needs GNU gettext's msgfmt.
messages: install
	@$(HELPERS)
	if ! compgen -G "locale/*/LC_MESSAGES/*.po" >/dev/null; then
		say "No translations (locale/*/LC_MESSAGES/*.po) to compile"; exit 0
	fi
	if ! command -v msgfmt >/dev/null 2>&1; then
		if is_root && command -v apt-get >/dev/null 2>&1; then
			say "msgfmt is missing: installing gettext with apt-get"
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null
		else
			die "compiling translations needs msgfmt from GNU gettext. Install it, e.g. 'sudo apt-get install gettext', and retry."
		fi
	fi
	say "Compiling translations"
	$(PY) manage.py compilemessages --ignore=.venv --ignore=var --ignore=node_modules --ignore=static

# KERN UX and htmx from npm into static/vendor/ (once; again when the script changes).
VENDOR_SCRIPT := $(wildcard scripts/vendor_static.sh)
static: static/vendor/.vendored
static/vendor/.vendored: $(VENDOR_SCRIPT)
	@$(HELPERS)
	if [ -z "$(VENDOR_SCRIPT)" ]; then say "No scripts/vendor_static.sh: nothing to vendor"; exit 0; fi
	command -v npm >/dev/null 2>&1 || die "vendoring the front-end packages needs node and npm."
	say "Vendoring front-end packages (scripts/vendor_static.sh)"
	bash $(VENDOR_SCRIPT)
	touch $@

# --- the demo ----------------------------------------------------------------------------

migrate: install dirs
	@$(HELPERS)
	say "Migrating the database ($$(redact "$${DATABASE_URL:-var/planning_cycle.sqlite3}"))"
	$(PY) manage.py migrate --noinput

seed: migrate
	@$(HELPERS)
	say "Seeding the demo"
	$(PY) manage.py seed_demo

run: install dirs messages static seed
	@$(HELPERS)
	say "Starting web (http://$${WEB_ADDRESS:-127.0.0.1:8000}/), worker and beat; stop with Ctrl+C"
	echo "database: $$(redact "$${DATABASE_URL:-SQLite var/planning_cycle.sqlite3}")"
	echo "broker:   $$(redact "$${CELERY_BROKER_URL:-$${REDIS_URL:-file system var/broker/}}")"
	# Links in e-mails and calendar feeds: SITE_URL, else derived from WEB_ADDRESS (settings/local.py).
	echo "links:    $$($(PY) -c 'from planning_cycle.settings import local; print(local.SITE_URL)')"
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" exec $(VENV)/bin/honcho start -f Procfile

# --- checks ------------------------------------------------------------------------------

lint: install
	@$(HELPERS)
	say "ruff check and ruff format --check"
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	say "mypy"
	$(PY) -m mypy .
	say "import-linter (the layers in .importlinter)"
	$(VENV)/bin/lint-imports

test: install dirs messages static
	@$(HELPERS)
	ci=false
	case "$${CI:-}" in true|TRUE|True|1|yes) ci=true ;; esac
	say "Looking for PostgreSQL and Redis"
	if [ -n "$${DATABASE_URL:-}" ]; then
		echo "PostgreSQL: using DATABASE_URL from the environment"
	elif pg_up "$$(pg_server_url "$(PG_URL)")"; then
		export DATABASE_URL="$(PG_URL)"
		echo "PostgreSQL: found at $(PG_HOST):$(PG_PORT); DATABASE_URL=$$(redact "$$DATABASE_URL")"
	elif [ "$$ci" = true ]; then
		die "CI=true but PostgreSQL does not answer at $(PG_HOST):$(PG_PORT) as user postgres. CI must run the suite against PostgreSQL."
	else
		echo "PostgreSQL: NOT available at $(PG_HOST):$(PG_PORT) -> the suite runs on SQLite in memory;"
		echo "            tests that need PostgreSQL are SKIPPED (see the SKIPPED lines at the end)."
	fi
	if [ -n "$${REDIS_URL:-}" ]; then
		echo "Redis:      using REDIS_URL from the environment"
	elif redis_up "$(REDIS_LOCAL_URL)"; then
		export REDIS_URL="$(REDIS_LOCAL_URL)"
		echo "Redis:      found; REDIS_URL=$$(redact "$$REDIS_URL")"
	elif [ "$$ci" = true ]; then
		die "CI=true but Redis does not answer at $(REDIS_LOCAL_URL). CI must run the suite with Redis."
	else
		echo "Redis:      NOT available at $(REDIS_LOCAL_URL) -> REDIS_URL stays unset; tests that need Redis are SKIPPED."
	fi
	# Run every check, then report all that failed.
	failed=()
	say "ruff check and ruff format --check"
	$(PY) -m ruff check . || failed+=("ruff")
	$(PY) -m ruff format --check . || failed+=("ruff format")
	say "mypy"
	$(PY) -m mypy . || failed+=("mypy")
	say "import-linter (the layers in .importlinter)"
	$(VENV)/bin/lint-imports || failed+=("import-linter")
	say "pytest"
	rc=0
	$(PY) -m pytest -ra $(PYTEST_ARGS) || rc=$$?
	case $$rc in
		0) ;;
		5) failed+=("pytest (exit code 5: no tests were collected - that is a failure, not a pass)") ;;
		*) failed+=("pytest (exit code $$rc)") ;;
	esac
	if [ $${#failed[@]} -gt 0 ]; then
		die "make test failed: $$(IFS=';'; echo "$${failed[*]}")"
	fi
	say "All checks passed (ruff, mypy, import-linter, pytest)"

bench: install dirs
	@$(HELPERS)
	shopt -s nullglob
	files=(benchmarks/[!_]*.py)  # _common.py and other helpers start with _
	[ $${#files[@]} -gt 0 ] || die "no benchmarks/*.py found"
	if [ -z "$${DATABASE_URL:-}" ]; then
		pg_up "$$(pg_server_url "$(PG_URL)")" \
			|| die "make bench needs PostgreSQL at $(PG_HOST):$(PG_PORT) (user postgres) or DATABASE_URL."
		export DATABASE_URL="$(PG_URL)"
	fi
	echo "database: $$(redact "$$DATABASE_URL")"
	log=var/bench.log
	: > "$$log"
	for file in "$${files[@]}"; do
		say "$$file"
		PYTHONPATH="$(CURDIR)$${PYTHONPATH:+:$$PYTHONPATH}" $(PY) "$$file" 2>&1 | tee -a "$$log"
	done
	say "BENCH results"
	grep '^BENCH ' "$$log" || die "the benchmarks printed no BENCH lines"

# --- the API schema ----------------------------------------------------------------------

# tests/api/test_schema.py fails while docs/openapi.yaml differs from what the code generates.
schema: install
	@$(HELPERS)
	say "Regenerating docs/openapi.yaml (validated; a warning fails)"
	DJANGO_SETTINGS_MODULE=planning_cycle.settings.test $(PY) manage.py spectacular \
		--validate --fail-on-warn --lang de --file docs/openapi.yaml
	echo "$$(grep -c '  operationId: ' docs/openapi.yaml) operations"
