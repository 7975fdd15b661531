"""The Celery app: Redis (REDIS_URL) as broker, no results, late acks.

Without REDIS_URL (the demo, the default test run) tasks run eagerly in the
process that enqueues them, after commit, so nothing else has to run.
"""

import os

from celery import Celery, signals

from ops.requestid import request_id_bound, request_id_current

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

_REQUEST_ID_HEADER = "request_id"
_bound: dict[str, object] = {}


@signals.before_task_publish.connect
def _request_id_to_headers(headers=None, **kwargs) -> None:
    # The task's log lines carry the id of the request that enqueued it.
    current = request_id_current()
    if headers is not None and current:
        headers[_REQUEST_ID_HEADER] = current


@signals.task_prerun.connect
def _request_id_bind(task_id=None, task=None, **kwargs) -> None:
    if task is None or task.request.is_eager:
        return  # eager: already inside the request's context
    context = request_id_bound(getattr(task.request, _REQUEST_ID_HEADER, None))
    context.__enter__()
    _bound[task_id] = context


@signals.task_postrun.connect
def _request_id_unbind(task_id=None, **kwargs) -> None:
    context = _bound.pop(task_id, None)
    if context is not None:
        context.__exit__(None, None, None)  # type: ignore[attr-defined]
