"""The id of the request being handled, for every log line written on its behalf.

A ``ContextVar`` rather than a thread-local, so it follows the request into
threads started with ``contextvars.copy_context()`` and into async code, and a
background task can carry it: the code that enqueues reads
``request_id_current()`` and puts it into the task's headers, the task body
runs inside ``request_id_bound(that_id)``.
"""

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)

# Ids from the client or the load balancer end up in every log line of the
# request: a bounded, plain alphabet keeps newlines, quotes and escape codes
# out of the logs (UUIDs, ULIDs and AWS/GCP trace ids all fit).
_VALID_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,127}")


def request_id_valid(value: str | None) -> bool:
    return bool(value) and _VALID_ID.fullmatch(value) is not None


def request_id_new() -> str:
    return uuid.uuid4().hex


def request_id_current() -> str | None:
    """The id of the request (or task) this code runs for, ``None`` outside of one."""
    return _request_id.get()


@contextmanager
def request_id_bound(request_id: str | None) -> Iterator[str]:
    """Runs the block with ``request_id`` as the current id (a new one when missing or invalid)."""
    value = request_id if request_id_valid(request_id) else request_id_new()
    token = _request_id.set(value)
    try:
        yield value
    finally:
        _request_id.reset(token)
