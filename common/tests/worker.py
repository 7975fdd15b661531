"""A real Celery worker for the tests that are about tasks: a subprocess on the test database and Redis.

The tests using it are transactional (``django_db(transaction=True)``), so the
worker, a separate process with its own connection, sees committed rows.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
# One prefix per test session: the producer's connection pool and every worker agree on it.
KEY_PREFIX = f"qrtest-{uuid.uuid4().hex[:8]}:"
WORKER_ENV = {
    "CELERY_KEY_PREFIX": KEY_PREFIX,
    "CELERY_TASK_ALWAYS_EAGER": "0",
    "CELERY_VISIBILITY_TIMEOUT": "4",
    "TASK_RETRY_BASE_SECONDS": "1",
    "TASK_SWEEP_AFTER_SECONDS": "3",
    "TASK_SWEEP_EVERY_SECONDS": "1",
}

needs_worker = [
    pytest.mark.postgres,
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis: set REDIS_URL=redis://... (as .ci/run does)"),
    pytest.mark.django_db(transaction=True),
]


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Workers:
    """Starts ``celery -A config worker`` processes (solo pool: the task runs in that very process)."""

    def __init__(self, tmp_path: Path):
        self.tmp_path = tmp_path
        self.processes: list[subprocess.Popen] = []

    def start(self, *, smtp_port: int, beat: bool = False) -> subprocess.Popen:
        env = {
            **os.environ,
            **WORKER_ENV,
            "DATABASE_URL": _database_url(),
            "REDIS_URL": settings.REDIS_URL,
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(smtp_port),
            "SMTP_USE_TLS": "0",
            "SMTP_TIMEOUT": "5",
            "DB_CONN_MAX_AGE": "0",
        }
        args = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=INFO"]
        args += ["--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"w{len(self.processes)}@%h"]
        if beat:
            args += ["-B", "-s", str(self.tmp_path / f"beat-{len(self.processes)}")]
        log = open(self.tmp_path / f"worker-{len(self.processes)}.log", "wb")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        self.processes.append(process)
        index = len(self.processes) - 1
        wait_until(lambda: " ready." in self.log(index) or process.poll() is not None, timeout=60, what="the worker")
        assert process.poll() is None, self.log(index)
        return process

    def log(self, index: int = 0) -> str:
        return (self.tmp_path / f"worker-{index}.log").read_text(errors="replace")

    def kill(self, process: subprocess.Popen) -> None:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.kill(process)


@pytest.fixture
def celery_workers(tmp_path, settings):
    """Tasks go to Redis (not eager) and ``celery_workers.start(...)`` runs real workers."""
    from config.celery import app

    options = app.conf.broker_transport_options
    app.conf.task_always_eager = False
    _publish_with(app, {**options, "global_keyprefix": KEY_PREFIX})
    workers = Workers(tmp_path)
    try:
        yield workers
    finally:
        workers.stop()
        app.conf.task_always_eager = True
        _publish_with(app, options)


def _publish_with(app, transport_options: dict) -> None:
    """Publish with these broker options (the key prefix the workers listen on) from now on.

    Eager tasks take a producer from the app's pool too (Celery serialises
    through it), so after any earlier test the pool exists, made with the
    options of that time: without the prefix, the worker would never see the
    task. Dropping the app's references makes the next publish take the pool
    kombu keeps for these options (shared by the worker tests); none is closed.
    """
    app.conf.broker_transport_options = transport_options
    app._pool = None
    app.amqp._producer_pool = None


def wait_until(condition, *, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")
