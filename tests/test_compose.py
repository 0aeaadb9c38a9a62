"""No Docker engine runs here: check that docker-compose.yml names only things that exist."""

import importlib
import shlex

import yaml

from tests.helpers import ROOT


def _compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_the_production_shape_with_health_checks():
    services = _compose()["services"]
    assert set(services) == {"db", "redis", "web", "worker", "worker-exports", "worker-fetch"}
    assert services["db"]["image"] == "postgres:16"
    assert services["redis"]["image"] == "redis:7"
    assert all("healthcheck" in service for service in services.values())
    assert "pgdata" in _compose()["volumes"]


def test_every_module_and_command_that_compose_names_exists():
    services = _compose()["services"]
    web = services["web"]["command"]
    assert "factcheck.wsgi:application" in web
    assert importlib.import_module("factcheck.wsgi").application is not None
    queues = set()
    for name in ("worker", "worker-exports", "worker-fetch"):
        worker = shlex.split(services[name]["command"])
        assert worker[:3] == ["celery", "-A", "factcheck"]
        queues.add(worker[worker.index("-Q") + 1])
    # Between them, the three workers serve every queue tasks are routed to.
    assert queues == {queue.name for queue in importlib.import_module("factcheck").celery_app.conf.task_queues}
    assert importlib.import_module("factcheck").celery_app.main == "factcheck"
    assert (ROOT / "Dockerfile").exists()
    assert (ROOT / "requirements.txt").read_text().count("gunicorn==") == 1


def test_web_and_worker_share_one_definition():
    services = _compose()["services"]
    for key in ("build", "environment", "depends_on"):
        assert services["web"][key] == services["worker"][key]


def test_the_exports_and_fetch_workers_load_no_spacy_model():
    services = _compose()["services"]
    worker = services["worker"]["environment"]
    for name in ("worker-exports", "worker-fetch"):
        other = services[name]["environment"]
        assert other["FACTCHECK_PRELOAD_LANGUAGES"] == ""
        assert other["DATABASE_URL"] == worker["DATABASE_URL"] and other["REDIS_URL"] == worker["REDIS_URL"]
