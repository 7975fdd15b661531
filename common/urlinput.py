"""Rules for what may arrive in a URL: token path segments and NUL bytes."""

import re
from collections.abc import Callable

from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

_ID = re.compile(r"[0-9]{1,18}")


def id_from(value: str) -> int | None:
    """A database id typed into a form or query string, or None if it is not one.

    ASCII digits only, at most 18 (a bigint): ``str.isdigit()`` also accepts
    "²", which ``int()`` then refuses with a 500.
    """
    value = value.strip()
    return int(value) if _ID.fullmatch(value) else None


class TokenConverter:
    """A random token in a URL (``secrets.token_urlsafe``): its alphabet only, at most 64 characters.

    Anything else (a NUL byte, a slash trick, a megabyte of text) is a 404
    before any view runs or any query is made.
    """

    regex = "[A-Za-z0-9_-]{1,64}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class RefuseNulInUrlMiddleware:
    """A URL whose path or query string holds a NUL byte is a 404 (the site's own page).

    PostgreSQL cannot compare text with NUL in it (``DataError``), so such a
    value must never reach a query. Forms already refuse NUL in submitted fields
    (Django's ``CharField``); this covers what views and the admin read from the
    URL itself (changelist filters, search, tokens, ``next``). ``%00`` is the
    only way a NUL can arrive in a query string: the raw request line cannot
    carry one.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            raise Http404("NUL in the URL")
        return self.get_response(request)
