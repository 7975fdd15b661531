"""Who may use the customer portal: the one rule every portal page and fragment asks.

A request gets its Customer only when all of these hold:

* the user is signed in and has a Customer profile (staff accounts have none);
* the session was opened by the customer login, not the staff admin login
  (``common.sessions``: the admin login skips allauth's stages);
* if the account has MFA on, this session proved the second factor
  (``request.user.is_verified()``). A session opened before MFA was turned
  on, possibly on a stolen or shared device, must not keep working.

``customer_required`` turns each refusal into its page; other code (menus,
template tags) only needs :func:`portal_customer`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from common.sessions import staff_session_refused
from customers.mfa.services import mfa_enabled_expression
from customers.models import Customer

_ACCOUNT_FACTS_ATTR = "_portal_account_facts"


class PortalRefusal(enum.StrEnum):
    ANONYMOUS = "anonymous"
    NOT_A_CUSTOMER = "not a customer"
    STAFF_SESSION = "staff session"
    MFA_NOT_VERIFIED = "MFA on, session not OTP-verified"


@dataclass(frozen=True)
class PortalAccess:
    customer: Customer | None
    refusal: PortalRefusal | None


def portal_customer(request) -> Customer | None:
    """The request's Customer if it may use the portal (rules in the module docstring), else None."""
    return portal_access(request).customer


def portal_access(request) -> PortalAccess:
    """:func:`portal_customer` with the reason for a refusal, for pages that explain it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return PortalAccess(None, PortalRefusal.ANONYMOUS)
    customer, mfa_enabled = _account_facts(request, user)
    if customer is None:
        return PortalAccess(None, PortalRefusal.NOT_A_CUSTOMER)
    if staff_session_refused(request):
        return PortalAccess(None, PortalRefusal.STAFF_SESSION)
    if mfa_enabled and not _session_otp_verified(user):
        return PortalAccess(None, PortalRefusal.MFA_NOT_VERIFIED)
    return PortalAccess(customer, None)


def _account_facts(request, user) -> tuple[Customer | None, bool]:
    """The profile and whether MFA is on, read in one query and kept for the rest of the request.

    Both describe the account, not the session, so asking again in the same
    request (decorator, then a template tag) costs nothing; the memo is keyed by
    the user, so a login or logout halfway through the request starts afresh.
    The profile also goes into the user's relation cache: ``request.user.customer``
    is then free.
    """
    memo = getattr(request, _ACCOUNT_FACTS_ATTR, None)
    if memo is not None and memo[0] == user.pk:
        return memo[1], memo[2]
    customer = Customer.objects.filter(user=user).annotate(mfa_enabled=mfa_enabled_expression("user")).first()
    if customer is not None:
        customer.user = user
        Customer.user.field.remote_field.set_cached_value(user, customer)
    mfa_enabled = bool(customer is not None and customer.mfa_enabled)
    setattr(request, _ACCOUNT_FACTS_ATTR, (user.pk, customer, mfa_enabled))
    return customer, mfa_enabled


def _session_otp_verified(user) -> bool:
    # OTPMiddleware installs is_verified(); a request that never went through it
    # (a hand-built request in a template) counts as not verified: fail closed.
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified is not None and is_verified())
