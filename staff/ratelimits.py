"""Rate limits of the staff sign-in (numbers in the README's rate-limit table).

The cache keys keep the group and salt names they had under ``customers.mfa``,
so counts in flight survive the move.
"""

from django.conf import settings
from django.utils.crypto import salted_hmac
from django.utils.module_loading import import_string
from django_ratelimit import ALL
from django_ratelimit.core import get_usage, is_ratelimited
from two_factor import views as tf

# Password-step guesses. Every POST counts against the client IP. Only *failed*
# passwords count against the account: per account and IP, so one attacker
# soon stops but cannot lock the staff member out from elsewhere; and per
# account from anywhere, with more room, so a botnet cannot spread its guesses.
LOGIN_RATE = "20/10m"
ACCOUNT_IP_FAILURE_RATE = "10/10m"
ACCOUNT_FAILURE_RATE = "50/10m"
_USERNAME_FIELD = f"{tf.LoginView.AUTH_STEP}-username"
_ACCOUNT_GROUP = "customers.staff-login-account"
_ACCOUNT_IP_GROUP = "customers.staff-login-account-ip"


def _submitted_account(group, request) -> str:
    """The email of the password step, normalised and keyed by an HMAC: never stored or logged in clear."""
    email = (request.POST.get(_USERNAME_FIELD) or "").strip().lower()
    return salted_hmac("customers.mfa.staff.login-account", email).hexdigest()


def _submitted_account_and_ip(group, request) -> str:
    return f"{_submitted_account(group, request)}:{import_string(settings.RATELIMIT_IP_META_KEY)(request)}"


_ACCOUNT_LIMITS = [
    (_ACCOUNT_IP_GROUP, _submitted_account_and_ip, ACCOUNT_IP_FAILURE_RATE),
    (_ACCOUNT_GROUP, _submitted_account, ACCOUNT_FAILURE_RATE),
]


def account_locked(request) -> bool:
    """Whether the submitted account has used up its failed attempts (nothing is counted here)."""
    if not (request.POST.get(_USERNAME_FIELD) or "").strip():
        return False  # the code steps name no account; django-otp throttles them
    for group, key, rate in _ACCOUNT_LIMITS:
        usage = get_usage(request, group=group, key=key, rate=rate, method=ALL, increment=False)
        # Without counting this request: locked once the allowed failures are used up.
        if usage is not None and usage["count"] >= usage["limit"]:
            return True
    return False


def count_failed_password(request) -> None:
    for group, key, rate in _ACCOUNT_LIMITS:
        is_ratelimited(request, group=group, key=key, rate=rate, method=ALL, increment=True)
