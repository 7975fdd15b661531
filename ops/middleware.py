"""Request ids and the per-request log line; the health probes.

Order in ``MIDDLEWARE`` (settings): ``RequestLogMiddleware`` first, so every
line logged while handling a request carries its id, and the duration covers
the whole stack; ``HealthProbeMiddleware`` right after it, before
``SecurityMiddleware`` and ``CommonMiddleware``.
"""

import logging
import time

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject, empty

from ops import views
from ops.paths import path_for_log
from ops.requestid import request_id_bound

logger = logging.getLogger("ops.request")

REQUEST_ID_HEADER = "X-Request-ID"
PROBES = {"/healthz": views.healthz, "/readyz": views.readyz}


def _user_id(request: HttpRequest) -> int | str | None:
    """The signed-in user's id if the request already looked it up; never costs a query.

    Only the id: an e-mail address in a log line is personal data in every log archive.
    """
    user = request.__dict__.get("user")
    if isinstance(user, SimpleLazyObject) and user._wrapped is empty:
        session = getattr(request, "session", None)
        cached = getattr(session, "_session_cache", None)
        return cached.get("_auth_user_id") if isinstance(cached, dict) else None
    if user is not None and getattr(user, "is_authenticated", False):
        return user.pk
    return None


class RequestLogMiddleware:
    """Gives each request an id and writes one line when it is answered.

    The id comes from the ``X-Request-ID`` header when it is a plausible id
    (the load balancer's, so its logs and ours join), else a new one; the
    response echoes it. The line holds the user id, method, path (masked, no
    query string), status and duration. Successful health probes are not
    logged: a load balancer polling every 2 s would bury everything else.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        with request_id_bound(request.META.get("HTTP_X_REQUEST_ID")) as request_id:
            # Django logs 5xx answers after the middleware returned, outside this
            # block; RequestIdFilter finds the id on the request then.
            request.request_id = request_id
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            if request.path_info in PROBES and response.status_code == 200:
                return response
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            user_id = _user_id(request)
            method = request.method if request.method and request.method.isalpha() else "?"
            path = path_for_log(request)
            logger.info(
                "%s %s %s %sms user=%s",
                method,
                path,
                response.status_code,
                duration_ms,
                user_id if user_id is not None else "-",
                extra={
                    "method": method,
                    "path": path,
                    "status": response.status_code,
                    "duration_ms": duration_ms,
                    "user_id": user_id,
                },
            )
        return response


class HealthProbeMiddleware:
    """Answers ``/healthz`` and ``/readyz`` before the rest of the stack sees them.

    A load balancer probes each server by its IP address, over plain HTTP,
    without cookies. Answering here, ahead of ``SecurityMiddleware`` and
    ``CommonMiddleware``, means no ``ALLOWED_HOSTS`` check (the Host header is
    never read), no redirect to HTTPS, no session, CSRF, user or rate-limit
    work, and no trailing-slash redirect. The probes do nothing with the Host
    header, so skipping the check opens nothing (it exists to stop poisoned
    absolute URLs). ``SECURE_REDIRECT_EXEMPT`` lists the paths as well, in
    case this middleware is ever moved behind ``SecurityMiddleware``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = PROBES.get(request.path_info)
        if probe is not None and request.method in ("GET", "HEAD"):
            return probe(request)
        return self.get_response(request)
