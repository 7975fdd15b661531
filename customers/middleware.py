import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout

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
                minutes = settings.CUSTOMER_SESSION_IDLE_SECONDS // 60
                messages.info(request, f"You were logged out after {minutes} minutes without activity.")
            elif now - last_seen >= touch_interval(idle_seconds=settings.CUSTOMER_SESSION_IDLE_SECONDS):
                request.session[SESSION_LAST_SEEN] = now
        return self.get_response(request)
