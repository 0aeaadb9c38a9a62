"""Shared by the benchmarks: paths, the machine's description, a results table."""

import os
import platform
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
SAMPLE = ROOT.parent / "shared" / "samples" / "cnn-2023-01-chine-russie-fr.txt"
sys.path.insert(0, str(ROOT))


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def header(title: str) -> None:
    print(f"\n## {title}\n\n{time.strftime('%Y-%m-%d')}, {machine()}\n")


def table(rows: list[list], head: list[str]) -> None:
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for row in rows:
        print("| " + " | ".join(str(c) for c in row) + " |")


def need(path: Path) -> None:
    if not path.exists():
        sys.exit(f"{path} is absent: the benchmark reads ../shared/data")


SUMMARY = ROOT / "bench" / "summary.jsonl"


def record(what: str, ours: float, baseline: float, unit: str, target: str, met: bool) -> None:
    """One line of the results table `make bench` prints first (bench/summary.py)."""
    import json

    line = {"what": what, "ours": ours, "baseline": baseline, "unit": unit, "target": target, "met": met}
    with SUMMARY.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(line, ensure_ascii=False) + "\n")


@contextmanager
def serving(env: dict, *gunicorn_args: str, worker: bool = False):
    """gunicorn (and a one-child Celery worker) on a free port with `env`; yields the base URL once /healthz answers."""
    import requests

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    quiet = {"cwd": ROOT, "env": env, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    commands = [
        [sys.executable, "-m", "gunicorn", "factcheck.wsgi:application", "--bind", f"127.0.0.1:{port}", *gunicorn_args]
    ]
    if worker:
        commands.append(
            [sys.executable, "-m", "celery", "-A", "factcheck", "worker", "--concurrency=1", "--loglevel=WARNING"]
        )
    processes = [subprocess.Popen(command, **quiet) for command in commands]  # noqa: S603 -- our own commands
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                if requests.get(f"{base}/healthz", timeout=1).ok:
                    break
            except requests.RequestException:
                time.sleep(0.5)
        else:
            raise SystemExit("gunicorn did not start")
        yield base
    finally:
        for process in processes:
            process.terminate()


# The worker's queue (CELERY_TASK_DEFAULT_QUEUE) and kombu's Redis keys for messages taken but not yet acknowledged.
QUEUE_KEYS = ("extraction", "unacked", "unacked_index")


def worker_idle(redis_url: str) -> bool:
    """Has the worker finished every task sent to it (extractions and the matching each one queues)?

    Nothing waits in the extraction queue and nothing is taken but unacknowledged: tasks are
    acknowledged late (after they ran), and kombu's Redis transport keeps a taken message in its
    `unacked` hash until then.
    """
    import redis

    queue, unacked, _index = QUEUE_KEYS
    with redis.Redis.from_url(redis_url) as client:
        return client.llen(queue) == 0 and client.hlen(unacked) == 0


def queue_empty(redis_url: str) -> None:
    """Drop an earlier run's tasks from the benchmark's own Redis database (a killed run leaves them)."""
    import redis

    with redis.Redis.from_url(redis_url) as client:
        client.delete(*QUEUE_KEYS)
