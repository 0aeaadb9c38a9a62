"""Test overrides: fast hashing, local email, tasks run in-process unless a test starts a worker."""

import os
from pathlib import Path

os.environ.setdefault("DEBUG", "true")
# The test session's own broker folder, so a development worker never takes its tasks.
os.environ.setdefault("CELERY_BROKER_DIR", str(Path(__file__).resolve().parent.parent.parent / "var" / "test-broker"))

from factcheck.settings.base import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
WHITENOISE_AUTOREFRESH = True  # serve from the app folders; no collectstatic before tests
# Each test clears the cache; a shared Redis cache would also clear the broker's queues.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The tests' HTTP servers listen on 127.0.0.1; every other private address stays refused.
FACTCHECK_FETCH_ALLOWED_HOSTS = ["127.0.0.1"]
