#!/usr/bin/env bash
# The development desk: web server and a real Celery worker, stopped together with Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}

$PY manage.py migrate --noinput -v0
$PY manage.py seed_demo
# ../shared/samples/ when present, else the article shipped in claims/fixtures/.
$PY manage.py load_sample

.venv/bin/celery -A factcheck worker --beat --loglevel=INFO --concurrency=1 > var/worker.log 2>&1 &
WORKER=$!
trap 'kill $WORKER 2>/dev/null; wait $WORKER 2>/dev/null' EXIT INT TERM

cat <<MSG

  Factcheck is running at http://$HOST:$PORT/
  Log in with one of the demo accounts above (password: demo-factcheck-2026).
  The worker's log is var/worker.log. Stop with Ctrl-C.

MSG
$PY manage.py runserver "$HOST:$PORT" --noreload
