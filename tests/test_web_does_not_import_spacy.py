import subprocess
import sys

from tests.helpers import ROOT


def test_the_web_process_never_imports_spacy():
    """Enqueueing work must not pull spaCy into web workers (seconds per worker, and memory)."""
    code = (
        "import django, sys; django.setup()\n"
        "from django.test import Client\n"
        "from django.urls import get_resolver; get_resolver().url_patterns\n"
        "import factcheck.urls, claims.tasks, claims.services.ingestion, claims.api.views\n"
        "print('spacy' in sys.modules)"
    )
    env = {"DJANGO_SETTINGS_MODULE": "factcheck.settings.test", "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "False"
