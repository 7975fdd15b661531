"""Log records with the request id, as plain text or one JSON object per line (``LOG_FORMAT``)."""

import json
import logging
from datetime import UTC, datetime

from ops.paths import path_for_log
from ops.requestid import request_id_current

# Attributes every LogRecord has; anything else on a record came from ``extra=``.
_STANDARD_ATTRS = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "request_id"}
_PLAIN = (str, int, float, bool, type(None))


class RequestIdFilter(logging.Filter):
    """Stamps each record with the current request id (``-`` outside a request).

    Put on the handler, not on a logger, so records from every logger that
    reach the handler get it, including Django's and third-party ones.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            request = getattr(record, "request", None)
            record.request_id = request_id_current() or getattr(request, "request_id", None) or "-"
        return True


class RequestPathFilter(logging.Filter):
    """Masks the secret in the path of Django's own request log lines ("Internal Server Error: /menu/…/").

    ``django.request`` passes ``request.path`` as an argument; the table and
    order tokens in it are as good as a password.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        path = getattr(request, "path", None)
        if path and isinstance(record.args, tuple) and path in record.args:
            masked = path_for_log(request)
            record.args = tuple(masked if arg == path else arg for arg in record.args)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, any ``extra`` fields."""

    def format(self, record: logging.LogRecord) -> str:
        # The filter writes "-" for the plain format; JSON says null.
        request_id = getattr(record, "request_id", None) or request_id_current()
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": None if request_id == "-" else request_id,
        }
        for key, value in record.__dict__.items():
            # Only plain values: an object such as the ``request`` Django adds
            # would print its full URL, query string and secrets included.
            if key not in _STANDARD_ATTRS and not key.startswith("_") and isinstance(value, _PLAIN):
                entry.setdefault(key, value)
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False)
