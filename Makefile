PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint venv

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $(STAMP)

venv: $(STAMP)

## make run: migrate, demo users, the sample article, then the web server and a worker.
run: $(STAMP)
	@DEBUG=$${DEBUG:-true} ./scripts/run.sh

## make test: the whole suite (on PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set).
test: $(STAMP)
	$(VENV)/bin/ruff check --quiet .
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .
