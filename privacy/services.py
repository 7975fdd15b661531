"""A customer's data rights: export (GDPR art. 15, 20) and account deletion (art. 17).

Deletion removes the account and everything that only serves it, and keeps
what the restaurant must keep, without the link to the person:

* deleted: the user, the customer profile, email addresses, MFA devices
  (authenticator and backup codes), usersessions records and the sessions
  themselves;
* detached and anonymised: orders (guest orders afterwards, see
  :func:`_orders_anonymise`);
* kept unchanged but for the account link: issued invoices and cancellations
  (legal retention, with their frozen buyer copy) and audit entries.

What is kept, for how long and why is written down in the README ("Privacy").
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEntry
from audit.services import audit_record
from customers.emails import email_send
from customers.mfa.services import MFACodeError, mfa_code_verify, mfa_is_enabled, mfa_password_check
from customers.models import Customer, User
from invoices.models import Invoice
from orders.models import Order, new_claim_code, new_order_token
from privacy.export import DataExport, export_build

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

logger = logging.getLogger(__name__)

STAFF_REFUSED_MESSAGE = _(
    "This is a staff account. Staff accounts cannot be deleted here; "
    "please ask the restaurant's administrator to close it."
)


class PrivacyRefused(Exception):
    """A request that changes nothing. ``field`` names the form field to blame (None: the whole form)."""

    def __init__(self, message: StrOrPromise, *, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field


# --- Proving it is the owner ------------------------------------------------------------
def privacy_second_factor_confirm(*, user: User, code: str) -> None:
    """With MFA on, a current or backup code is required (throttled, no replay); raises PrivacyRefused."""
    if not mfa_is_enabled(user=user):
        return
    try:
        mfa_code_verify(user=user, code=code or "")
    except MFACodeError as error:
        raise PrivacyRefused(str(error), field="code") from error


def privacy_identity_confirm(*, user: User, password: str, code: str = "") -> None:
    """The password, then (MFA on) a code. The password comes first so a typo there does not burn a backup code."""
    if not mfa_password_check(user=user, password=password):
        raise PrivacyRefused(_("That password is not correct."), field="password")
    privacy_second_factor_confirm(user=user, code=code)


# --- Export -------------------------------------------------------------------------------
def privacy_export(*, request: HttpRequest, customer: Customer) -> DataExport:
    """Build the customer's archive, record DATA_EXPORTED and mail the account after commit.

    The caller has re-authenticated the customer and applies the rate limit.
    A mail server that is down does not stop the export (it is logged).
    """
    export = export_build(customer=customer)
    user = customer.user
    with transaction.atomic():
        audit_record(action=AuditEntry.Action.DATA_EXPORTED, request=request, subject=user, data=export.counts)
        email, when = user.email, timezone.now()
        transaction.on_commit(
            lambda: email_send(name="privacy_data_exported", to=email, context={"user": user, "when": when})
        )
    return export


# --- Deletion -----------------------------------------------------------------------------
@dataclass(frozen=True)
class AccountDeleted:
    orders_detached: int
    invoices_kept: int
    sessions_ended: int


def account_delete(*, request: HttpRequest | None, user: User, password: str, code: str = "") -> AccountDeleted:
    """Delete a customer's account after the password (and the code, MFA on); one transaction, mail after commit.

    Staff accounts are refused (an administrator closes those), as is a wrong
    password or code: in every refusal nothing changes. The ACCOUNT_DELETED
    entry holds counts only, no address; it is written before the user row
    goes, and like every entry about the account it loses the account link
    through ``SET_NULL`` (the audit trigger allows exactly that).
    """
    if user.is_staff:
        raise PrivacyRefused(STAFF_REFUSED_MESSAGE)
    privacy_identity_confirm(user=user, password=password, code=code)
    with transaction.atomic():
        # Lock and re-read: a staff flag set meanwhile still refuses.
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.is_staff:
            raise PrivacyRefused(STAFF_REFUSED_MESSAGE)
        email = user.email
        customer = Customer.objects.filter(user=user).first()
        invoices_kept = orders_detached = 0
        if customer is not None:
            invoices_kept = _invoices_unlink(customer=customer)
            orders_detached = _orders_anonymise(customer=customer)
        sessions_ended = _sessions_end(user=user)
        result = AccountDeleted(
            orders_detached=orders_detached, invoices_kept=invoices_kept, sessions_ended=sessions_ended
        )
        audit_record(
            action=AuditEntry.Action.ACCOUNT_DELETED,
            request=request,
            actor=user,
            subject=user,
            data={"orders_detached": orders_detached, "invoices_kept": invoices_kept},
        )
        # Cascades to the profile, email addresses, OTP devices and usersessions rows.
        user.delete()
        transaction.on_commit(
            lambda: email_send(
                name="privacy_account_deleted",
                to=email,
                context={"email": email, "when": timezone.now(), "invoices_kept": invoices_kept},
            )
        )
    return result


def _invoices_unlink(*, customer: Customer) -> int:
    """Issued documents stay as they are; only their link to the account is emptied.

    One column, nothing else: the buyer copy, number, lines and PDF path are
    the record the restaurant must keep, and the database rules that freeze
    documents allow exactly this change. Without the link no portal page
    reaches them any more; staff still do, in the admin.
    """
    return Invoice.objects.filter(customer=customer).update(customer=None)


def _orders_anonymise(*, customer: Customer) -> int:
    """Make the customer's orders guest orders that lead back to nobody.

    The restaurant keeps what it sold (lines, amounts, times, table) for its
    books. Gone: the account link, the receipt's claim code and the
    confirmation link token (both were in the person's hands; new random
    values keep the columns unique), and the free-text note of closed orders.
    """
    orders = list(Order.objects.select_for_update().filter(customer=customer).only("pk", "status", "note"))
    for order in orders:
        order.customer = None
        order.claim_code = new_claim_code()
        order.public_token = new_order_token()
        # An order still open keeps its note (an allergy, "no onions"): the kitchen needs it.
        if order.status_is_final:
            order.note = ""
    Order.objects.bulk_update(orders, ["customer", "claim_code", "public_token", "note"], batch_size=500)
    return len(orders)


def _sessions_end(*, user: User) -> int:
    """End every session the account is signed in with (each customer login is recorded by usersessions)."""
    from allauth.usersessions.adapter import get_adapter as get_usersessions_adapter
    from allauth.usersessions.models import UserSession

    sessions = list(UserSession.objects.filter(user=user))
    get_usersessions_adapter().end_sessions(sessions)
    return len(sessions)
