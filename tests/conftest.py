import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from factcheck.celery import app as celery_app
from tests.factories import ClaimFactory, UserFactory, checker, editor
from tests.helpers import ROOT


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    """Tests never reach the network: any socket to a non-local address fails loudly."""
    import socket

    real_connect = socket.socket.connect

    def guarded(sock, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not (
            host.startswith("127.") or host in ("localhost", "::1") or host.startswith("/")
        ):
            raise RuntimeError(f"network blocked in tests: {address!r}")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Service messages are asserted in English; requests still negotiate their own language."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def editor_user(db):
    return editor()


@pytest.fixture
def second_editor(db):
    return editor("editor2")


@pytest.fixture
def checker_user(db):
    return checker()


@pytest.fixture
def other_checker(db):
    return checker("checker2")


@pytest.fixture
def outsider(db):
    """Logged in, but no desk role."""
    return UserFactory(username="outsider")


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def claim(db):
    return ClaimFactory()


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def celery_worker_process(transactional_db, tmp_path):
    """A real `celery worker` process on the configured broker and the test database."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "factcheck.settings.base",
        "DEBUG": "true",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_DIR": str(settings.CELERY_BROKER_DIR),
    }
    log = tmp_path / "worker.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "factcheck",
                "worker",
                "--concurrency=1",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "-n",
                f"test-{os.getpid()}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        yield WorkerHandle(process, log)
    finally:
        celery_app.conf.task_always_eager = eager
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


class WorkerHandle:
    def __init__(self, process: subprocess.Popen, log: Path):
        self.process, self.log = process, log

    def wait_for(self, predicate, timeout: float = 120, what: str = "the worker") -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            if self.process.poll() is not None:
                pytest.fail(f"the worker exited with {self.process.returncode}:\n{self.log.read_text()[-3000:]}")
            time.sleep(0.3)
        pytest.fail(f"timed out waiting for {what}; worker log:\n{self.log.read_text()[-3000:]}")
