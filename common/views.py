from django.shortcuts import render


def ratelimited(request, exception=None):
    """Answer for django-ratelimit's blocks: 429 with a readable page, never 403."""
    return render(request, "429.html", status=429)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)
