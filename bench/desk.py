"""Django set up on the benchmark desk (BENCH_DESK_URL, filled by `manage.py generate_desk`)."""

import os

import django
from common import ROOT  # noqa: F401 -- puts the project on sys.path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings.base")
os.environ.setdefault("DEBUG", "true")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DESK_URL", "postgres://postgres@127.0.0.1:5432/factcheck_desk")
os.environ.setdefault("LOG_LEVEL", "WARNING")
django.setup()
