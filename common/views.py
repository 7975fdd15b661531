from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe


def ratelimited(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Answer for django-ratelimit's blocks: 429 with a readable page, never 403."""
    return render(request, "429.html", status=429)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The front door: what this is, how to order (scan a table's code), sign in, the staff link."""
    return render(request, "home.html")
