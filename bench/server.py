"""Start and stop real gunicorn servers and prepare their database (runner and scale-out test)."""

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url_with_name(url: str, name: str) -> str:
    """The same PostgreSQL server and credentials, another database."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


def database_recreate(url: str) -> None:
    """Drop (ending its connections) and create the database named in ``url``."""
    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.replace("_", "").isalnum():
        raise ValueError(f"unexpected database name {name!r}")
    admin_url = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def database_drop(url: str) -> None:
    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def app_env(
    *,
    database_url: str,
    redis_url: str,
    media_root: str,
    settings: str = "config.settings",
    secret_key: str | None = None,
    cache_prefix: str | None = None,
    extra: dict | None = None,
) -> dict:
    """Production-like environment (DEBUG=0) for plain http on loopback."""
    env = {
        key: value
        for key, value in os.environ.items()
        # Start from a clean slate for everything the app reads, so a developer's
        # shell (e.g. DEBUG=1 or another DATABASE_URL) cannot leak into the servers.
        if key not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "DJANGO_SETTINGS_MODULE", "PYTEST_CURRENT_TEST"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE=settings,
        DEBUG="0",
        SECRET_KEY=secret_key or secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        # DEBUG=0 demands an https SITE_URL; these servers only ever answer on
        # loopback, the one case the explicit opt-in accepts.
        SITE_URL="http://127.0.0.1",
        ALLOW_INSECURE_SITE_URL="1",
        # Mails go to the server logs: a benchmark delivers nothing.
        EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        CACHE_KEY_PREFIX=cache_prefix or f"bench-{secrets.token_hex(4)}",
        MEDIA_ROOT=media_root,
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    env.update(extra or {})
    return env


def manage(env: dict, *args: str, timeout: float = 600) -> str:
    result = subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def python_module(env: dict, module: str, *args: str, timeout: float = 600) -> str:
    result = subprocess.run(
        [PYTHON, "-m", module, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )
    if result.returncode != 0:
        raise RuntimeError(f"python -m {module} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


class Gunicorn:
    """One gunicorn server (``config/gunicorn.conf.py``) on a loopback port, as a subprocess."""

    def __init__(self, env: dict, *, port: int | None = None, workers: int = 2, threads: int = 2, log_path=None):
        self.port = port or free_port()
        self.env = {
            **env,
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": str(workers),
            "GUNICORN_THREADS": str(threads),
            # Several servers on one host: none of them needs gunicorn's control socket.
            "GUNICORN_CONTROL_SOCKET_DISABLE": "1",
        }
        self.log_path = log_path
        self.process = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> "Gunicorn":
        self.spawn()
        return self.wait_ready(timeout)

    def spawn(self) -> None:
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "config.wsgi", "-c", str(ROOT / "config" / "gunicorn.conf.py")],
            env=self.env,
            cwd=ROOT,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 60) -> "Gunicorn":
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn on port {self.port} exited with {self.process.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                    sock.sendall(b"GET /static/css/app.css HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
                    if sock.recv(12).startswith(b"HTTP/1."):
                        return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn on port {self.port} did not answer within {timeout} s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            # The master's own process group: the workers go with it.
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class CeleryWorker:
    """``celery -A config worker`` as a subprocess (its own process group), for the task rows and scale-out."""

    def __init__(self, env: dict, *, concurrency: int = 1, log_path=None):
        self.env = {**env, "CELERY_TASK_ALWAYS_EAGER": "0"}
        self.concurrency = concurrency
        self.log_path = log_path
        self.process = None

    def start(self, timeout: float = 60) -> "CeleryWorker":
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--loglevel=WARNING",
                "--without-gossip",
                "--without-mingle",
                "--concurrency",
                str(self.concurrency),
                "-n",
                f"bench{os.getpid()}@%h",
            ],
            env=self.env,
            cwd=ROOT,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        # Ready when it answers a ping over the broker.
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"celery worker exited with {self.process.returncode}")
            ping = subprocess.run(
                [PYTHON, "-m", "celery", "-A", "config", "inspect", "ping", "--timeout", "1"],
                env=self.env,
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=False,
            )
            if "pong" in ping.stdout:
                return self
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"celery worker did not answer within {timeout} s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
