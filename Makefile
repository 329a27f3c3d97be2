# «Тёзки»: the two commands of the quick start, plus the benchmark.
#   make run    — venv, migrations, the hub's set-up and demo content, an admin user, the dev server
#   make test   — lint, Django checks and the whole pytest suite on SQLite (and PostgreSQL when
#                 DATABASE_URL points at one)
#   make bench  — the benchmark in bench/ (BENCH_ARGS="--scale 0.1" for a quick run)
#   PYTEST_ARGS="-k names" narrows the suite; HOST and PORT move the dev server.

PYTHON ?= python3.11
VENV ?= .venv
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
BENCH_ARGS ?=

PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
PIP := $(PY) -m pip --disable-pip-version-check
# The stamps record which requirements file the venv was last installed from: pip runs again
# only when that file is newer than its stamp.
STAMP_RUN := $(VENV)/.installed-requirements
STAMP_DEV := $(VENV)/.installed-requirements-dev

.PHONY: run test bench venv venv-dev

run: $(STAMP_RUN)
	$(MANAGE) migrate --no-input
	$(MANAGE) partnerships_setup
	$(MANAGE) partnerships_demo
	$(MANAGE) tezki_demo_admin --admin-url http://$(HOST):$(PORT)/admin/
	@echo "Сайт: http://$(HOST):$(PORT)/ (остановить: Ctrl+C)"
	$(MANAGE) runserver $(HOST):$(PORT)

test: $(STAMP_DEV)
	@test -x /usr/bin/chromium || echo "ВНИМАНИЕ: нет /usr/bin/chromium, браузерные тесты не пройдут (apt-get install chromium fonts-dejavu-core)"
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run
	@echo "== pytest on SQLite =="
	env -u DATABASE_URL $(VENV)/bin/pytest $(PYTEST_ARGS)
	@case "$$DATABASE_URL" in \
	  postgres://*|postgresql://*) \
	    echo "== pytest on PostgreSQL (…@$${DATABASE_URL##*@}) =="; \
	    echo "$(VENV)/bin/pytest $(PYTEST_ARGS)"; \
	    $(VENV)/bin/pytest $(PYTEST_ARGS) ;; \
	  *) echo "== PostgreSQL pass skipped: DATABASE_URL does not point at PostgreSQL ==" ;; \
	esac

bench: $(STAMP_DEV)
	$(PY) bench/run.py $(BENCH_ARGS)

venv: $(STAMP_RUN)

venv-dev: $(STAMP_DEV)

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP_RUN): requirements.txt | $(PY)
	$(PIP) install -q -r requirements.txt
	@touch $@

$(STAMP_DEV): requirements.txt requirements-dev.txt | $(PY)
	$(PIP) install -q -r requirements-dev.txt
	@touch $@ $(STAMP_RUN)
