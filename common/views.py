from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_safe


def ratelimited(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Answer for django-ratelimit's blocks: 429 with a readable page, never 403."""
    return render(request, "429.html", status=429)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400 (a malformed request, an unknown host): our page in the visitor's language, not Django's bare one."""
    return render(request, "400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without a valid CSRF token: most often a page left open across a sign-in or sign-out.

    The guest learns what to do (reload, send again); Django logs the reason
    (``django.security.csrf``), the page never shows it.
    """
    referer = request.META.get("HTTP_REFERER", "")
    back = referer if url_has_allowed_host_and_scheme(referer, {request.get_host()}, request.is_secure()) else ""
    # The page the form came from, opened again with GET, carries a fresh token: the way back for a guest.
    return render(request, "403_csrf.html", {"back_url": back}, status=403)


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The front door: what this is, how to order (scan a table's code), sign in, the staff link."""
    return render(request, "home.html")
