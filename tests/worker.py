"""A real `celery worker` process for tests, on the test database and the configured broker."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.helpers import ROOT


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def wait_for(predicate, timeout: float, what: str, worker: "Worker | None" = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        if worker is not None and worker.process is not None and worker.process.poll() is not None:
            pytest.fail(f"the worker exited with {worker.process.returncode}:\n{worker.log.read_text()[-3000:]}")
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}\n{worker.log.read_text()[-3000:] if worker else ''}")


class Worker:
    def __init__(
        self,
        log: Path,
        broker_url: str | None = None,
        queues: str = "",
        env_extra: dict | None = None,
        concurrency: int = 1,
    ):
        self.log, self.broker_url, self.process = log, broker_url, None
        self.queues, self.env_extra, self.concurrency = queues, env_extra or {}, concurrency

    def env(self) -> dict:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "factcheck.settings.base",
            "DEBUG": "true",
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_DIR": str(settings.CELERY_BROKER_DIR),
        }
        if self.broker_url:
            env |= {"REDIS_URL": self.broker_url, "CELERY_BROKER_URL": self.broker_url}
        return env | self.env_extra

    def start(self) -> "Worker":
        with self.log.open("a") as out:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "factcheck",
                    "worker",
                    f"--concurrency={self.concurrency}",
                    "--loglevel=INFO",
                    "--without-gossip",
                    "--without-mingle",
                    "-n",
                    f"test-{os.getpid()}-{time.time_ns()}@%h",
                    *(["-Q", self.queues] if self.queues else []),
                ],
                cwd=ROOT,
                env=self.env(),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_for(lambda: "ready." in self.log.read_text(), 90, "the worker to be ready", self)
        return self

    def children(self) -> list[int]:
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.process.pid)], capture_output=True, text=True)
        return [int(pid) for pid in out.stdout.split()]

    def kill_all(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill_all()
