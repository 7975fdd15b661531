"""Which door a session came in through.

The staff login (django-two-factor-auth, /admin/login/) marks its sessions.
It skips allauth's login stages (email verification, customer MFA) and the
customer idle timeout, so the customer portal refuses marked sessions even
for a staff member who also has a customer profile. The other way round, the
admin accepts only marked sessions: a staff account signed in through the
customer login never reaches it.
"""

from django.http import HttpRequest

STAFF_SESSION_KEY = "mfa_staff_login"


def staff_session_mark(request: HttpRequest) -> None:
    request.session[STAFF_SESSION_KEY] = True


def staff_session_refused(request: HttpRequest) -> bool:
    """True when this session was opened by the staff (admin) login, not a customer login."""
    return bool(request.session.get(STAFF_SESSION_KEY))


def staff_session_opened(request: HttpRequest) -> bool:
    """True only for sessions opened by the staff login: the admin's entry rule."""
    return bool(request.session.get(STAFF_SESSION_KEY))
