"""Gunicorn settings for production: ``gunicorn config.wsgi -c config/gunicorn.conf.py``.

Every value can be overridden from the environment so the same file serves a
small VM, a container platform and the benchmark. The app keeps no state in
its processes (sessions, rate-limit counters and caches live in PostgreSQL and
Redis, files go through the storage API), so any number of these servers can
run side by side behind a load balancer.
"""

import multiprocessing
import sys
from pathlib import Path

# Gunicorn reads this file before it applies --chdir or imports the app, so the
# project root may not be importable yet when started from another directory.
_PROJECT_ROOT = str(Path(__file__).resolve().parent.parent)
if _PROJECT_ROOT not in sys.path:
    sys.path.insert(0, _PROJECT_ROOT)

# The settings' own readers: a typo (GUNICORN_THREADS=4x, GUNICORN_PRELOAD=flase)
# stops the server instead of silently meaning a default.
from config.env import env_bool, env_int, env_list, env_str  # noqa: E402

# PORT is what most platforms set; GUNICORN_BIND wins when both are given.
bind = env_str("GUNICORN_BIND") or f"{env_str('HOST', '0.0.0.0')}:{env_int('PORT', 8000)}"  # noqa: S104

# Threads let a worker overlap database and Redis waits; processes use the cores.
# The usual 2 x cores + 1 workers, each with a few threads. Every thread keeps
# its own PostgreSQL connection (DB_CONN_MAX_AGE), so workers x threads x servers
# must stay below PostgreSQL's max_connections.
workers = env_int("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1)
threads = env_int("GUNICORN_THREADS", 4)
worker_class = "gthread"

# Invoice PDFs take a moment to render; anything slower than this is a hung worker.
timeout = env_int("GUNICORN_TIMEOUT", 30)
graceful_timeout = env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = env_int("GUNICORN_KEEPALIVE", 5)

# Recycle workers now and then so a slow leak (e.g. in the PDF stack) cannot grow forever;
# the jitter keeps them from all restarting at once.
max_requests = env_int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = env_int("GUNICORN_MAX_REQUESTS_JITTER", 200)

# Importing Django and WeasyPrint once in the master saves memory and start-up time.
# Database connections are opened lazily per worker, so nothing is shared across forks.
preload_app = env_bool("GUNICORN_PRELOAD", True)

# Logs go to stdout/stderr for the process manager to collect. The access log is
# off unless asked for: the load balancer usually keeps one already.
accesslog = env_str("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = env_str("GUNICORN_LOG_LEVEL", "info")

# Gunicorn's control socket (``gunicornc``) sits at one fixed path per user by
# default; several servers on one host (or none wanted) need their own or none.
if env_str("GUNICORN_CONTROL_SOCKET"):
    control_socket = env_str("GUNICORN_CONTROL_SOCKET")
control_socket_disable = env_bool("GUNICORN_CONTROL_SOCKET_DISABLE", False)

# Trust X-Forwarded-* only from the load balancer (comma-separated addresses).
forwarded_allow_ips = ",".join(env_list("FORWARDED_ALLOW_IPS", ["127.0.0.1", "::1"]))
