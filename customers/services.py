"""Business rules for customer accounts.

allauth runs the account flows (signup, login, verification, reset); the
rules that belong to this product live here.
"""

import enum
import logging
from collections.abc import Callable

from allauth.account.adapter import get_adapter
from allauth.account.internal.flows.email_verification import consume_email_verification_rate_limit
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.db import transaction
from django.http import HttpRequest
from django_ratelimit import ALL
from django_ratelimit.core import get_usage

from customers.models import Customer, User

logger = logging.getLogger(__name__)

# Per address, whoever asks (the resend page, the management command): a mailbox
# gets at most this many verification mails per hour on request, on top of
# allauth's cooldown of one mail per 3 minutes (ACCOUNT_RATE_LIMITS["confirm_email"]).
RESEND_PER_ADDRESS_RATE = "3/h"
RESEND_GROUP = "customers.resend_verification"


def customer_email_verified(*, user: User) -> bool:
    """The one check for "may this customer do things that need a verified email".

    True when the user's current primary address is verified with allauth.
    Invoicing calls this; nothing else should look at EmailAddress directly.
    """
    if not user.is_authenticated:
        return False
    return EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()


def customer_create(*, user: User, full_name: str) -> Customer:
    """Give a newly registered user their customer profile.

    Only the customer signup calls this: staff accounts (created in the
    admin, signing in there) never get a profile.
    """
    return Customer.objects.create(user=user, full_name=full_name)


def customer_profile_update(*, customer: Customer, data: dict) -> Customer:
    """Store validated business/billing details (``ProfileForm.cleaned_data``).

    ``vat_id_checked_at`` is when the VAT ID passed ``common.vatid.vat_id_check``
    (the form runs it); an unchanged VAT ID keeps its earlier check time.
    """
    fields = ["full_name", "business_name", "vat_id", "street", "postal_code", "city", "country", "phone"]
    with transaction.atomic():
        previous_vat_id = customer.vat_id
        for name in fields:
            setattr(customer, name, data.get(name, ""))
        if not customer.vat_id:
            customer.vat_id_checked_at = None
        elif customer.vat_id != previous_vat_id or customer.vat_id_checked_at is None:
            customer.vat_id_checked_at = data.get("vat_id_checked_at")
        customer.save(update_fields=[*fields, "vat_id_checked_at", "updated_at"])
        if "language" in data and customer.user.language != data["language"]:
            # The account's language (empty: the browser's): pages, and the language of its mails.
            customer.user.language = data["language"]
            customer.user.save(update_fields=["language"])
    return customer


def customer_sessions_end_others(*, user: User, current_session_key: str | None) -> int:
    """End every signed-in session of ``user`` except the current one; returns how many.

    Used when the account gets stronger protection (MFA turned on), so a
    session left open elsewhere must sign in again. Sessions are found through
    allauth.usersessions, which records each customer login; a session it does
    not know (opened before it was installed, or by the staff login) is still
    refused by ``customers.access.portal_customer`` because it is not OTP-verified.
    Deleting through the session store removes the row and the cached copy alike.
    """
    from allauth.usersessions.adapter import get_adapter as get_usersessions_adapter
    from allauth.usersessions.models import UserSession

    others = list(UserSession.objects.filter(user=user).exclude(session_key=current_session_key or ""))
    get_usersessions_adapter().end_sessions(others)
    return len(others)


class ResendResult(enum.StrEnum):
    SENT = "sent"
    WOULD_SEND = "would send (dry run)"
    FAILED = "failed (mail server error, logged)"
    LIMITED = "rate limited (per-address hourly limit)"
    COOLDOWN = "skipped (a mail was sent less than 3 minutes ago)"
    UNKNOWN = "no such address"
    ALREADY_VERIFIED = "already verified"


def _address_key(email: str) -> Callable[[str, HttpRequest], str]:
    return lambda group, request: email


def customer_verification_resend(*, request: HttpRequest, email: str, dry_run: bool = False) -> ResendResult:
    """Send a fresh verification link to ``email`` if it is a customer's unverified address.

    Addresses of accounts without a Customer profile (restaurant staff) count
    as unknown: they never registered here, so nothing is sent to them.

    The per-address hourly limit is counted before the database is looked at,
    so a caller may reveal LIMITED to the requester without telling whether
    the address exists; every other result must stay internal (the page shows
    one neutral message). ``request`` builds the absolute link and identifies
    the requester for rate limits; the management command passes a request
    built from SITE_URL. ``dry_run`` consumes no limits and sends nothing.
    """
    email = email.strip().lower()
    usage = get_usage(
        request,
        group=RESEND_GROUP,
        key=_address_key(email),
        rate=RESEND_PER_ADDRESS_RATE,
        method=ALL,
        increment=not dry_run,
    )
    # A dry run does not count itself, so "full" already means limited.
    if usage and (usage["count"] >= usage["limit"] if dry_run else usage["should_limit"]):
        return ResendResult.LIMITED
    address = (
        EmailAddress.objects.filter(email__iexact=email, user__customer__isnull=False)
        .select_related("user")
        .order_by("verified", "-pk")
        .first()
    )
    if address is None:
        return ResendResult.UNKNOWN
    if address.verified:
        return ResendResult.ALREADY_VERIFIED
    if not consume_email_verification_rate_limit(request, address.email, dry_run=dry_run):
        return ResendResult.COOLDOWN
    if dry_run:
        return ResendResult.WOULD_SEND
    adapter = get_adapter(request)
    confirmation = EmailConfirmationHMAC(address)
    context = {
        "user": address.user,
        "key": confirmation.key,
        "activate_url": adapter.get_email_confirmation_url(request, confirmation),
    }
    sent = adapter.send_mail_checked("account/email/email_confirmation", address.email, context)
    return ResendResult.SENT if sent else ResendResult.FAILED
