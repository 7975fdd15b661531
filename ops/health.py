"""Readiness: can this process serve requests right now?

``readiness_failures()`` runs every registered check and returns the names of
the ones that failed; the reasons go to the log only, never to the caller
(the probe answers anyone on the internet).

Built in: the database answers a query, the cache (Redis) answers a round
trip when ``REDIS_URL`` is set, and no migration is left unapplied. Apps add
what they own from ``AppConfig.ready`` with ``readiness_check_register``
(invoices adds its document storage), so ``ops`` imports no product app.
"""

import logging
import os
import threading
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

logger = logging.getLogger(__name__)

# A check returns nothing when fine and raises (any exception) when not.
Check = Callable[[], None]
_checks: dict[str, Check] = {}

# Loading the migration graph reads every migration file: too slow for a
# probe polled every 2 s, and the answer changes only when a release step runs.
MIGRATIONS_RECHECK_SECONDS = 60


def readiness_check_register(name: str, check: Check) -> None:
    """Adds (or replaces, under the same name) a readiness check."""
    _checks[name] = check


def database_check() -> None:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def cache_check() -> None:
    if not settings.REDIS_URL:
        return  # the local-memory cache of a single process cannot be down
    cache = caches["default"]
    # One key per thread: probes of other threads and servers write the shared
    # Redis at the same moment and must not read each other's value.
    key, value = f"ops:readyz:{os.getpid()}:{threading.get_ident()}", uuid.uuid4().hex
    cache.set(key, value, timeout=30)
    if cache.get(key) != value:
        raise RuntimeError("cache did not return the value just written")


class _MigrationState:
    """The last "all applied" verdict and when it was reached.

    Only success is remembered: a process waiting for the release step's
    ``migrate`` must turn ready as soon as it ran, not up to a minute later.
    """

    def __init__(self):
        self.applied_at: float | None = None
        self.lock = threading.Lock()

    def check(self) -> None:
        if self.applied_at is not None and time.monotonic() - self.applied_at < MIGRATIONS_RECHECK_SECONDS:
            return
        with self.lock:
            executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
            plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
            if plan:
                self.applied_at = None
                names = ", ".join(f"{migration.app_label}.{migration.name}" for migration, _ in plan[:5])
                raise RuntimeError(f"{len(plan)} unapplied migration(s): {names}")
            self.applied_at = time.monotonic()

    def forget(self) -> None:
        self.applied_at = None


migrations = _MigrationState()

readiness_check_register("database", database_check)
readiness_check_register("cache", cache_check)
readiness_check_register("migrations", migrations.check)


def readiness_failures() -> list[str]:
    """Names of the failed checks, each failure logged with its reason; empty when ready.

    The database goes first: when it is down the migration check would only
    wait for the same timeout again.
    """
    failed = []
    for name, check in _checks.items():
        if name == "migrations" and "database" in failed:
            continue
        try:
            check()
        except Exception as exc:
            failed.append(name)
            logger.warning("Readiness check %s failed: %s: %s", name, type(exc).__name__, exc)
    return failed
