PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint venv models bench desk audit backup restore

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
## axe-core (npm) for the accessibility audits is installed when npm is there; without it those tests skip.
test: $(STAMP)
	@if command -v npm >/dev/null 2>&1 && [ ! -f node_modules/axe-core/axe.min.js ]; then npm ci --no-audit --no-fund --silent; fi
	$(VENV)/bin/ruff check --quiet .
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .

SHARED_DATA := ../shared/data

## make models: retrain the shipped models from ../shared/data (English n-grams, French cue weights, the encoder
## scorers for both languages, the matcher's three re-rankers). The encoder's embeddings of the data are cached in var/embeddings/:
## the first run embeds about 35,000 sentences (15-20 minutes on one core) and the claim-matching library and
## tweets (11,400 texts, about 8 minutes), later runs reuse them.
models: $(STAMP)
	$(PY) manage.py train_checkworthiness --lang en --train $(SHARED_DATA)/checkworthiness-en/train.tsv \
		--dev $(SHARED_DATA)/checkworthiness-en/dev.tsv --output claims/nlp/data/en
	$(PY) manage.py train_checkworthiness --lang fr --claims-fr $(SHARED_DATA)/claims-fr/train.csv \
		--output claims/nlp/data/fr
	$(PY) manage.py train_checkworthiness --lang en --encoder --train $(SHARED_DATA)/checkworthiness-en/train.tsv \
		--dev $(SHARED_DATA)/checkworthiness-en/dev.tsv --output claims/nlp/data/en
	$(PY) manage.py train_checkworthiness --lang fr --encoder --claims-fr $(SHARED_DATA)/claims-fr/train.csv \
		--train $(SHARED_DATA)/checkworthiness-en/train.tsv --output claims/nlp/data/fr
	$(PY) manage.py train_matcher --library $(SHARED_DATA)/claim-matching-en/verified_claims.tsv \
		--queries $(SHARED_DATA)/claim-matching-en/train_queries.tsv --qrels $(SHARED_DATA)/claim-matching-en/train_qrels.txt \
		--dev-queries $(SHARED_DATA)/claim-matching-en/dev_queries.tsv --dev-qrels $(SHARED_DATA)/claim-matching-en/dev_qrels.txt

## make bench: every benchmark, each beside a baseline measured in the same run, into bench/results.md,
## the summary table first. Needs PostgreSQL and Redis (the 100,000-claim desk, gunicorn, the load test).
DESK_URL ?= postgres://postgres@127.0.0.1:5432/factcheck_desk
bench: $(STAMP)
	@rm -f bench/summary.jsonl
	@cd bench && for b in checkworthiness extraction entities matching; do ../$(PY) $$b.py 2>/dev/null; done > parts.md
	$(MAKE) --no-print-directory desk
	@cd bench && for b in search exports pages; do BENCH_DESK_URL=$(DESK_URL) ../$(PY) $$b.py 2>/dev/null; done >> parts.md
	@cd bench && for b in load ingest; do ../$(PY) $$b.py 2>/dev/null; done >> parts.md
	@cd bench && { ../$(PY) summary.py; cat parts.md; } > results.md && rm parts.md && cat results.md

## make desk: a 10,000-article, 100,000-claim desk on PostgreSQL for the benchmarks.
desk: $(STAMP)
	dropdb -h 127.0.0.1 -U postgres --if-exists factcheck_desk && createdb -h 127.0.0.1 -U postgres factcheck_desk
	DEBUG=true DATABASE_URL=$(DESK_URL) $(PY) manage.py migrate -v0
	DEBUG=true DATABASE_URL=$(DESK_URL) $(PY) manage.py generate_desk --articles 10000 --claims 100000 --users 20

## make audit: bandit (no high findings) and pip-audit of the pinned requirements.
audit: $(STAMP)
	./scripts/audit.sh

## make backup: a dump of the database in var/backups/ (PostgreSQL with DATABASE_URL, else SQLite).
backup: $(STAMP)
	$(PY) manage.py backup

## make restore FILE=var/backups/…: replace the database's contents with that backup.
restore: $(STAMP)
	@test -n "$(FILE)" || { echo "usage: make restore FILE=var/backups/factcheck-….dump"; exit 2; }
	$(PY) manage.py restore "$(FILE)" --yes
