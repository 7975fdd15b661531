"""Gunicorn settings for production: ``gunicorn config.wsgi -c config/gunicorn.conf.py``.

Every value can be overridden from the environment so the same file serves a
small VM, a container platform and the benchmark. The app keeps no state in
its processes (sessions, rate-limit counters and caches live in PostgreSQL and
Redis, files go through the storage API), so any number of these servers can
run side by side behind a load balancer.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        # A typo must stop the server from starting rather than silently using a default.
        raise SystemExit(f"{name} must be an integer; got {raw!r}") from exc


# PORT is what most platforms set; GUNICORN_BIND wins when both are given.
bind = os.environ.get("GUNICORN_BIND") or f"{os.environ.get('HOST', '0.0.0.0')}:{_int('PORT', 8000)}"  # noqa: S104

# Threads let a worker overlap database and Redis waits; processes use the cores.
# The usual 2 x cores + 1 workers, each with a few threads. Every thread keeps
# its own PostgreSQL connection (DB_CONN_MAX_AGE), so workers x threads x servers
# must stay below PostgreSQL's max_connections.
workers = _int("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1)
threads = _int("GUNICORN_THREADS", 4)
worker_class = "gthread"

# Invoice PDFs take a moment to render; anything slower than this is a hung worker.
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)

# Recycle workers now and then so a slow leak (e.g. in the PDF stack) cannot grow forever;
# the jitter keeps them from all restarting at once.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)

# Importing Django and WeasyPrint once in the master saves memory and start-up time.
# Database connections are opened lazily per worker, so nothing is shared across forks.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1").strip() not in {"0", "false", "no", "off"}

# Logs go to stdout/stderr for the process manager to collect. The access log is
# off unless asked for: the load balancer usually keeps one already.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# Gunicorn's control socket (``gunicornc``) sits at one fixed path per user by
# default; several servers on one host (or none wanted) need their own or none.
if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
control_socket_disable = os.environ.get("GUNICORN_CONTROL_SOCKET_DISABLE", "").strip() in {"1", "true", "yes", "on"}

# Trust X-Forwarded-* only from the load balancer (comma-separated addresses).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
