"""The load balancer's probes. Answered by ``ops.middleware.HealthProbeMiddleware``, not by the URLconf.

The bodies are fixed words: anyone can call these, so what failed is only logged.
"""

from django.http import HttpRequest, HttpResponse

from ops.health import readiness_failures


def _plain(text: str, status: int) -> HttpResponse:
    response = HttpResponse(text, content_type="text/plain; charset=utf-8", status=status)
    # A proxy or CDN must never answer a probe from its cache.
    response["Cache-Control"] = "no-store"
    return response


def healthz(request: HttpRequest) -> HttpResponse:
    """The process is alive and answering; touches nothing else."""
    return _plain("ok", 200)


def readyz(request: HttpRequest) -> HttpResponse:
    """Ready for traffic: database, cache, storage reachable and migrations applied."""
    if readiness_failures():
        return _plain("unavailable", 503)
    return _plain("ok", 200)
