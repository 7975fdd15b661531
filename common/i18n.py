"""Which language a request is answered in, and the switcher that changes it.

Order of precedence: a signed-in user's saved preference (``User.language``),
then the switcher's cookie, then the browser's Accept-Language (Django's
LocaleMiddleware does the last two), then English.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

SUPPORTED = frozenset(code for code, _name in settings.LANGUAGES)


def supported_language(code: str | None) -> str | None:
    """``code`` if it is one of ours (``de-AT`` counts as ``de``), else None."""
    if not code:
        return None
    code = code.lower().replace("_", "-")
    if code in SUPPORTED:
        return code
    base = code.split("-")[0]
    return base if base in SUPPORTED else None


def user_language(user: object) -> str | None:
    """The saved preference of a signed-in user, if any."""
    return supported_language(getattr(user, "language", "")) if getattr(user, "is_authenticated", False) else None


def mail_language_for(*, user: object | None = None, request: HttpRequest | None = None) -> str:
    """The language to write a mail to ``user`` in: the one call every mail sender uses.

    The recipient's saved preference (``User.language``), else the language of
    the request that triggered the mail (``request``, or the active language
    while a request is being answered), else English (``LANGUAGE_CODE``). A mail
    rendered later by a worker is rendered in the language stored on its
    outbox row, so pass the result along rather than calling this in the task.
    """
    saved = supported_language(getattr(user, "language", "")) if user is not None else None
    if saved:
        return saved
    if request is not None:
        from_request = supported_language(getattr(request, "LANGUAGE_CODE", None))
        if from_request:
            return from_request
    return supported_language(translation.get_language()) or settings.LANGUAGE_CODE


class UserLanguageMiddleware:
    """After authentication: a signed-in user's saved language wins over cookie and browser."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = user_language(getattr(request, "user", None))
        if language and language != request.LANGUAGE_CODE:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if language:
            response.headers.setdefault("Content-Language", language)
        return response


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The switcher (a plain form, works without JavaScript): cookie for everyone, saved for a signed-in user.

    Like Django's ``set_language``, but a signed-in user's choice is stored on
    the account, since the saved preference wins over the cookie.
    """
    next_url = request.POST.get("next") or request.headers.get("referer") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    language = supported_language(request.POST.get("language"))
    if language is None:
        return response
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=request.is_secure(),
        httponly=True,
    )
    user = request.user
    if user.is_authenticated and hasattr(user, "language") and user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return response
