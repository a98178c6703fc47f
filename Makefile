# OpenGPS — `make demo` runs the platform with demo data; `make test` runs the tests.
# Needs only python3 (>= 3.11) and make: everything else is installed into .venv from the lock files.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
HOST   ?= 127.0.0.1
PORT   ?= 8000
PYTEST_WORKERS ?= 2

.PHONY: help assets demo run test test-fast lint typecheck coverage-rules bench bench-national bench-bids bench-ocds bench-stats bench-emall bench-emall-bids bench-capacity bench-opinion drills messages lock clean

help:
	@echo "make demo   — install, migrate, load demo data, serve at http://$(HOST):$(PORT)"
	@echo "make test   — run the test suite (DATABASE_URL selects the database; SQLite by default)"
	@echo "make lint   — ruff and mypy;  make messages — rebuild translations"
	@echo "make bench  — registry search;  make bench-bids — bid-deadline burst;  make bench-ocds — OCDS export vs ocdskit"
	@echo "make bench-national — registry search on 900,000 organizations (own database; the first run generates ~10 min)"
	@echo "make bench-stats / bench-emall / bench-capacity / bench-opinion — statistics, e-mall search, capacity coverage, opinion ingestion"
	@echo "make bench-emall-bids — an e-mall 竞价 close with 200 suppliers quoting in its last 10 seconds"
	@echo "make drills — fault drills: kill -9 workers, restart PostgreSQL, backup and restore (drills/README.md)"

# Build-time assets (the PDFs' embedded CJK fonts) from assets.lock.json into var/assets/: pinned npm
# tarballs checked by sha512, fetched with python3 alone (scripts/assets.py); nothing at run time.
# `make assets` always checks every file's hash (and repairs a deleted or damaged one).
assets:
	$(PYTHON) scripts/assets.py

var/assets/.installed: assets.lock.json scripts/assets.py
	$(PYTHON) scripts/assets.py

$(VENV)/.runtime: requirements/base.txt pyproject.toml var/assets/.installed
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "OpenGPS needs Python >= 3.11"'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --require-hashes -r requirements/base.txt
	$(PY) -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e . 2>/dev/null || \
	  $(PY) -m pip install -q --disable-pip-version-check --no-deps -e .
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements/dev.txt
	$(PY) -m pip install -q --disable-pip-version-check --require-hashes -r requirements/dev.txt
	touch $@

# The demo is development: OPENGPS_DEBUG=1 (a random secret key kept in var/secret_key).
demo: $(VENV)/.runtime
	OPENGPS_DEBUG=$${OPENGPS_DEBUG:-1} $(PY) manage.py migrate --noinput
	OPENGPS_DEBUG=$${OPENGPS_DEBUG:-1} $(PY) manage.py demo
	@# a signed transparency-log checkpoint over the demo's bids and audit chain (var/checkpoints.jsonl)
	OPENGPS_DEBUG=$${OPENGPS_DEBUG:-1} $(PY) manage.py audit checkpoint > /dev/null
	@echo "OpenGPS: http://$(HOST):$(PORT)/  (Ctrl-C to stop; a task worker runs beside it)"
	@export OPENGPS_DEBUG=$${OPENGPS_DEBUG:-1}; \
	  $(PY) manage.py worker & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	  $(PY) manage.py runserver --noreload $(HOST):$(PORT)

# Production settings: needs OPENGPS_SECRET_KEY (and OPENGPS_ALLOWED_HOSTS, OPENGPS_HTTPS=1 behind TLS).
run: $(VENV)/.runtime
	$(PY) manage.py migrate --noinput
	@$(PY) manage.py worker & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/gunicorn opengps.wsgi --bind $(HOST):$(PORT) --workers 2

test: $(VENV)/.dev
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup -p no:cacheprovider

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check opengps/rules
	$(BIN)/mypy opengps
	$(BIN)/lint-imports --no-cache
	$(PY) manage.py makemigrations --check --dry-run

coverage-rules: $(VENV)/.dev
	$(BIN)/coverage run --branch --source=opengps/rules --omit='opengps/rules/tests/*' -m pytest -p no:cacheprovider -p no:django -o addopts= opengps/rules/tests
	$(BIN)/coverage report --fail-under=100 --show-missing

bench: $(VENV)/.dev
	$(PY) -m benchmarks.run

bench-national: $(VENV)/.dev
	$(PY) -m benchmarks.run --scale national

bench-bids: $(VENV)/.dev
	$(PY) -m benchmarks.bid_burst

bench-ocds: $(VENV)/.dev
	$(PY) -m benchmarks.ocds_export

bench-stats: $(VENV)/.dev
	$(PY) -m benchmarks.stats

bench-emall: $(VENV)/.dev
	$(PY) -m benchmarks.emall

bench-emall-bids: $(VENV)/.dev
	$(PY) -m benchmarks.emall_bidding

bench-capacity: $(VENV)/.dev
	$(PY) -m benchmarks.capacity

bench-opinion: $(VENV)/.dev
	$(PY) -m benchmarks.opinion

# Fault drills on PostgreSQL (127.0.0.1:5432): kill a web or task worker, restart the database, back up and restore.
drills: $(VENV)/.dev
	$(PY) -m drills.run

messages: $(VENV)/.dev
	$(PY) manage.py makemessages -l en --no-obsolete --ignore '.venv/*' --ignore 'var/*'
	$(PY) manage.py compilemessages -l en --ignore '.venv/*'

lock:
	$(BIN)/pip install -q uv
	$(BIN)/uv pip compile --python-version 3.11 --generate-hashes -q requirements/base.in -o requirements/base.txt
	$(BIN)/uv pip compile --python-version 3.11 --generate-hashes -q requirements/dev.in -o requirements/dev.txt

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache .coverage
