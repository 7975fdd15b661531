import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout

from customers.adapter import SESSION_LAST_SEEN

# Write the "last seen" stamp at most this often: one session save a minute
# instead of one per request; the timeout is then exact to within a minute.
TOUCH_EVERY_SECONDS = 60


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
            elif now - last_seen >= TOUCH_EVERY_SECONDS:
                request.session[SESSION_LAST_SEEN] = now
        return self.get_response(request)
