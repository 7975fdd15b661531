import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.utils.translation import gettext, ngettext

from customers.adapter import SESSION_LAST_SEEN

# Write the "last seen" stamp at most once a minute instead of on every request,
# and at most a tenth of the timeout: a stamp that lags by up to that much
# shortens the idle time a visitor gets by as much, so a short timeout needs
# fresher stamps (with 30 s, a stamp refreshed only every 60 s would sign out
# people who click every 20 s).
TOUCH_EVERY_SECONDS = 60
TOUCH_FRACTION_OF_TIMEOUT = 10


def touch_interval(*, idle_seconds: int) -> int:
    """Seconds between two writes of the last-seen stamp for an idle timeout of ``idle_seconds``."""
    return min(TOUCH_EVERY_SECONDS, idle_seconds // TOUCH_FRACTION_OF_TIMEOUT)


def _idle_logout_message(idle_seconds: int) -> str:
    # In seconds below two minutes: a short timeout would otherwise read "after 0 minutes".
    if idle_seconds < 120:
        return gettext("You were logged out after %(count)d seconds without activity.") % {"count": idle_seconds}
    minutes = idle_seconds // 60
    return ngettext(
        "You were logged out after %(count)d minute without activity.",
        "You were logged out after %(count)d minutes without activity.",
        minutes,
    ) % {"count": minutes}


class CustomerSessionIdleMiddleware:
    """Ends a customer session after CUSTOMER_SESSION_IDLE_SECONDS without a request.

    Only sessions that started with a customer login (the adapter stamps them)
    are tracked; staff sessions in the admin keep Django's own expiry. The
    session is flushed on the server, not just the cookie, so a copied cookie
    is useless afterwards too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        last_seen = request.session.get(SESSION_LAST_SEEN) if hasattr(request, "session") else None
        if last_seen is not None and request.user.is_authenticated:
            now = int(time.time())
            if now - last_seen > settings.CUSTOMER_SESSION_IDLE_SECONDS:
                logout(request)
                messages.info(request, _idle_logout_message(settings.CUSTOMER_SESSION_IDLE_SECONDS))
            elif now - last_seen >= touch_interval(idle_seconds=settings.CUSTOMER_SESSION_IDLE_SECONDS):
                request.session[SESSION_LAST_SEEN] = now
        return self.get_response(request)
