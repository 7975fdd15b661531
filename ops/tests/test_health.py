"""/healthz and /readyz: what a load balancer sees, and what fails them (real failures, no mocks)."""

import http.client
import logging
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from conftest import free_port
from ops.health import cache_check

ROOT = Path(__file__).resolve().parents[2]


def closed_port() -> int:
    """A loopback port nobody listens on: connecting is refused at once."""
    return free_port()


def test_healthz_answers_without_any_io(client):
    # No database marker: any query would make pytest-django fail this test.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_readyz_is_ok_when_everything_is_reachable(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.mark.django_db
def test_readyz_costs_at_most_one_query_after_the_first(client, django_assert_max_num_queries):
    assert client.get("/readyz").status_code == 200  # loads the migration graph once
    for _ in range(3):
        with django_assert_max_num_queries(1):
            assert client.get("/readyz").status_code == 200


@pytest.mark.django_db
def test_readyz_is_503_when_a_migration_is_unapplied(client, caplog):
    app_label, name = next(node for node in MigrationLoader(connection).graph.leaf_nodes() if node[0] == "invoices")
    MigrationRecorder(connection).record_unapplied(app_label, name)

    with caplog.at_level(logging.WARNING, logger="ops.health"):
        response = client.get("/readyz")

    assert response.status_code == 503
    assert response.content == b"unavailable"  # which check failed is for the logs only
    assert f"invoices.{name}" in caplog.text

    MigrationRecorder(connection).record_applied(app_label, name)
    assert client.get("/readyz").status_code == 200  # no waiting for a cached verdict to expire


@pytest.mark.django_db
def test_readyz_is_503_when_redis_is_down(client, settings, caplog):
    port = closed_port()
    settings.REDIS_URL = f"redis://127.0.0.1:{port}/9"
    settings.CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": settings.REDIS_URL}}

    with caplog.at_level(logging.WARNING, logger="ops.health"):
        response = client.get("/readyz")

    assert response.status_code == 503
    assert response.content == b"unavailable"
    assert "Readiness check cache failed" in caplog.text


@pytest.mark.django_db
def test_readyz_is_503_when_the_invoice_storage_is_unreachable(client, settings, tmp_path, caplog):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the storage directory should be")
    settings.STORAGES = {
        **settings.STORAGES,
        "invoices": {
            "BACKEND": "invoices.storage.PrivateFileSystemStorage",
            "OPTIONS": {"location": str(blocker / "invoices")},
        },
    }

    with caplog.at_level(logging.WARNING, logger="ops.health"):
        response = client.get("/readyz")

    assert response.status_code == 503
    assert "Readiness check invoice_storage failed" in caplog.text


@pytest.mark.django_db
def test_probes_skip_the_host_check_the_https_redirect_and_the_session(client, settings):
    settings.ALLOWED_HOSTS = ["order.example.com"]
    settings.SECURE_SSL_REDIRECT = True
    # The load balancer asks by IP address over plain HTTP.
    for path in ("/healthz", "/readyz"):
        response = client.get(path, HTTP_HOST="10.0.0.7")
        assert response.status_code == 200, path
        assert not response.cookies
    # The same request to a page is refused or redirected, so the settings are in force.
    assert client.get("/customer/login", HTTP_HOST="10.0.0.7").status_code == 400
    assert client.get("/customer/login", HTTP_HOST="order.example.com").status_code == 301


@pytest.mark.django_db
def test_probes_are_never_rate_limited(client):
    assert {client.get("/readyz").status_code for _ in range(150)} == {200}


def _get(port: int, path: str, host: str = "10.0.0.7") -> int:
    # http.client straight to loopback: no proxy from the environment in between.
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"Host": host})
        return connection.getresponse().status
    finally:
        connection.close()


def test_a_production_server_whose_database_is_down_is_alive_but_not_ready(tmp_path):
    """gunicorn with production settings, database and Redis on closed ports, probed over plain HTTP by IP."""
    port = free_port()
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "readyz-test-8f3kq2vLp9sRt4wYz8bNc3mHd6fJg1aEu5iOo0PlQ",
        "ALLOWED_HOSTS": "order.example.com",
        "SITE_URL": "https://order.example.com",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{closed_port()}/nowhere",
        "REDIS_URL": f"redis://127.0.0.1:{closed_port()}/9",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "1",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
    }
    server = subprocess.Popen(  # noqa: S603 - our own server, fixed arguments
        [sys.executable, "-m", "gunicorn", "config.wsgi", "-c", "config/gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None, server.stdout.read().decode()
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        assert _get(port, "/healthz") == 200
        assert _get(port, "/readyz") == 503
        # A page over plain HTTP is redirected to HTTPS, so the production settings are in force.
        assert _get(port, "/customer/login", host="order.example.com") == 301
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0].decode()
    assert "Readiness check database failed: OperationalError" in output


def test_concurrent_cache_checks_do_not_read_each_others_value(settings):
    """Every thread of every server probes the one Redis at once; a shared key would fail them at random."""
    settings.REDIS_URL = settings.REDIS_URL or "redis://configured"  # the shared cache counts as configured
    failures = []

    def probe():
        for _ in range(1500):
            try:
                cache_check()
            except RuntimeError as exc:
                failures.append(exc)

    threads = [threading.Thread(target=probe) for _ in range(4)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible: interleave set and get
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert failures == []
