"""Account deletion: what is gone, what stays (and how), and every refusal changing nothing."""

import io
import re

import pytest
from allauth.account.models import EmailAddress
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.db import connection
from django.forms.models import model_to_dict
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from pypdf import PdfReader

from audit.models import AuditEntry
from audit.services import audit_record
from customers.models import Customer, User
from customers.tests.factories import DEFAULT_PASSWORD, CustomerFactory
from customers.tests.helpers import code_for, staff_force_login
from invoices.models import Invoice
from orders.models import Order
from privacy.tests.conftest import DELETE_URL, enable_mfa, login_verified

pytestmark = pytest.mark.django_db

WRITE_TO_INVOICES = re.compile(r'(UPDATE|DELETE FROM|INSERT INTO) "invoices_\w+"')
CONFIRMED = {"password": DEFAULT_PASSWORD, "confirm": "on"}


def sessions_of(user_pk) -> list[Session]:
    return [s for s in Session.objects.all() if str(s.get_decoded().get("_auth_user_id")) == str(user_pk)]


def log_in(email) -> Client:
    """A real customer login (allauth records the session in usersessions)."""
    client = Client()
    response = client.post("/customer/login", {"login": email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302, response.status_code
    return client


def snapshot(customer):
    user = customer.user
    return {
        "user": User.objects.filter(pk=user.pk).exists(),
        "customer": Customer.objects.filter(pk=customer.pk).exists(),
        "emails": EmailAddress.objects.filter(user=user).count(),
        "devices": TOTPDevice.objects.filter(user=user).count() + StaticDevice.objects.filter(user=user).count(),
        "orders": Order.objects.filter(customer=customer).count(),
        "invoices": Invoice.objects.filter(customer=customer).count(),
        "sessions": len(sessions_of(user.pk)),
        "deleted_entries": AuditEntry.objects.filter(action=AuditEntry.Action.ACCOUNT_DELETED).count(),
    }


# --- What remains ------------------------------------------------------------------------------
def test_deletion_removes_the_account_and_keeps_invoices_and_anonymised_orders(
    customer, history, other_history, smtp_server, django_capture_on_commit_callbacks
):
    user_pk, customer_pk, email = customer.user.pk, customer.pk, customer.user.email
    EmailAddress.objects.create(user=customer.user, email="second@example.com")
    earlier = audit_record(action=AuditEntry.Action.LOGIN, actor=customer.user, subject=customer.user)
    invoices_before = {i.pk: model_to_dict(Invoice.objects.get(pk=i.pk)) for i in history["invoices"]}
    orders_before = {o.pk: Order.objects.get(pk=o.pk) for o in history["orders"]}
    phone = log_in(email)  # a second signed-in device
    browser = log_in(email)
    assert len(sessions_of(user_pk)) == 2

    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(DELETE_URL, CONFIRMED)

    assert response.status_code == 302 and response["Location"] == "/customer/privacy/deleted"
    assert not User.objects.filter(pk=user_pk).exists()
    assert not User.objects.filter(email__iexact=email).exists()
    assert not Customer.objects.filter(pk=customer_pk).exists()
    assert not EmailAddress.objects.filter(email__in=[email, "second@example.com"]).exists()
    assert not UserSession.objects.filter(user_id=user_pk).exists()
    assert sessions_of(user_pk) == []
    # Both devices are signed out.
    for client in (phone, browser):
        assert client.get("/customer/").status_code == 302

    # Invoices: every field as issued, only the account link empty.
    for pk, before in invoices_before.items():
        after = model_to_dict(Invoice.objects.get(pk=pk))
        assert after.pop("customer") is None and before.pop("customer") == customer_pk
        assert after == before
    # Orders: guest orders now, with new claim code and page token; closed orders lose the note.
    for pk, before in orders_before.items():
        after = Order.objects.get(pk=pk)
        assert after.customer_id is None
        assert after.claim_code != before.claim_code and after.public_token != before.public_token
        assert (after.total_cents, after.restaurant_id, after.placed_at) == (
            before.total_cents,
            before.restaurant_id,
            before.placed_at,
        )
        assert after.lines.count() == before.lines.count()
    assert Order.objects.get(pk=history["orders"][0].pk).note == ""
    # Still being prepared: the kitchen keeps the allergy note.
    assert Order.objects.get(pk=history["orders"][2].pk).note == "nut allergy"

    # Audit: earlier entries stay without the account; the deletion is recorded without the address.
    earlier.refresh_from_db()
    assert (earlier.actor_id, earlier.subject_id, earlier.action) == (None, None, AuditEntry.Action.LOGIN)
    deleted = AuditEntry.objects.get(action=AuditEntry.Action.ACCOUNT_DELETED)
    assert (deleted.actor_id, deleted.subject_id) == (None, None)
    assert deleted.data == {"orders_detached": 3, "invoices_kept": 2}
    assert email not in str(model_to_dict(deleted))

    # The other customer is untouched.
    assert Order.objects.get(pk=other_history["order"].pk).customer_id == other_history["order"].customer_id
    assert Invoice.objects.get(pk=other_history["invoice"].pk).customer_id is not None

    [message] = smtp_server.wait_for(1)
    assert message["To"] == email
    assert message["Subject"] == "Your account has been deleted"
    body = message.get_body(("plain",)).get_content()
    assert "2 invoices" in body and "register again" in body


def test_only_the_invoice_link_column_is_written(customer, history):
    """The document freeze (a later database rule) must allow exactly this: invoices get one change, customer_id."""
    client = log_in(customer.user.email)
    with CaptureQueriesContext(connection) as ctx:
        client.post(DELETE_URL, CONFIRMED)
    writes = [q["sql"] for q in ctx.captured_queries if WRITE_TO_INVOICES.match(q["sql"])]
    assert writes, "expected the invoices to be unlinked"
    for sql in writes:
        assert sql.startswith('UPDATE "invoices_invoice" SET "customer_id" = NULL WHERE'), sql


def test_staff_still_download_the_invoice_pdf_in_the_admin(customer, history, client, staff_a, restaurant_a):
    invoice = history["invoices"][0]
    assert invoice.restaurant == restaurant_a
    log_in(customer.user.email).post(DELETE_URL, CONFIRMED)

    staff_force_login(client, staff_a)
    response = client.get(f"/admin/invoices/invoice/{invoice.pk}/download/")
    assert response.status_code == 200
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert invoice.number in text and invoice.buyer_name in text
    assert client.get(f"/admin/invoices/invoice/{invoice.pk}/change/").status_code == 200


def test_no_customer_reaches_the_kept_invoices(customer, history):
    invoice = history["invoices"][0]
    urls = [reverse("invoices:detail", args=[invoice.pk]), reverse("invoices:download", args=[invoice.pk])]
    owner = log_in(customer.user.email)
    assert [owner.get(url).status_code for url in urls] == [200, 200]
    owner.post(DELETE_URL, CONFIRMED)
    newcomer = CustomerFactory()
    client = Client()
    client.force_login(newcomer.user)
    assert [client.get(url).status_code for url in urls] == [404, 404]
    assert client.get(reverse("invoices:list")).context["page"].paginator.count == 0


def test_the_same_email_can_register_again(customer, client):
    email = customer.user.email
    log_in(email).post(DELETE_URL, CONFIRMED)
    response = client.post(
        "/customer/register", {"full_name": "New Me", "email": email, "password1": "a fresh pass 123"}
    )
    assert response.status_code == 302
    user = User.objects.get(email=email)
    assert user.customer.full_name == "New Me"
    assert user.customer.orders.count() == 0 and user.customer.invoices.count() == 0


# --- Refusals change nothing ----------------------------------------------------------------------------
def test_wrong_password_changes_nothing(customer, history):
    client = log_in(customer.user.email)
    before = snapshot(customer)
    response = client.post(DELETE_URL, {**CONFIRMED, "password": "not my password"})
    assert response.status_code == 400
    assert response.context["form"].errors["password"] == ["That password is not correct."]
    assert snapshot(customer) == before
    assert client.get("/customer/").status_code == 200


def test_without_the_confirmation_nothing_happens(customer, history):
    client = log_in(customer.user.email)
    before = snapshot(customer)
    response = client.post(DELETE_URL, {"password": DEFAULT_PASSWORD})
    assert response.status_code == 400
    assert "confirm" in response.context["form"].errors
    assert snapshot(customer) == before


def test_staff_accounts_are_refused_with_a_message(client, restaurant_a):
    staff_customer = CustomerFactory(user__is_staff=True)
    client.force_login(staff_customer.user)
    before = snapshot(staff_customer)
    page = client.get(DELETE_URL)
    assert page.status_code == 403
    assert b"Staff accounts cannot be deleted here" in page.content
    response = client.post(DELETE_URL, CONFIRMED)
    assert response.status_code == 403
    assert snapshot(staff_customer) == before


def test_staff_without_a_customer_profile_never_reach_the_page(client, staff_a):
    client.force_login(staff_a)
    assert client.post(DELETE_URL, CONFIRMED).status_code == 403
    assert User.objects.filter(pk=staff_a.pk).exists()


def test_the_service_itself_refuses_staff(customer):
    from privacy.services import PrivacyRefused, account_delete

    User.objects.filter(pk=customer.user.pk).update(is_staff=True)
    customer.user.refresh_from_db()
    with pytest.raises(PrivacyRefused):
        account_delete(request=None, user=customer.user, password=DEFAULT_PASSWORD)
    assert User.objects.filter(pk=customer.user.pk).exists()


def test_signed_out_visitors_go_to_the_login(client, db):
    response = client.post(DELETE_URL, CONFIRMED)
    assert response.status_code == 302 and response["Location"].startswith("/customer/login")


def test_password_guessing_is_limited(customer):
    client = log_in(customer.user.email)
    for _ in range(10):
        assert client.post(DELETE_URL, {**CONFIRMED, "password": "guess"}).status_code == 400
    assert client.post(DELETE_URL, CONFIRMED).status_code == 429
    assert User.objects.filter(pk=customer.user.pk).exists()


# --- With MFA on -----------------------------------------------------------------------------------------
def test_with_mfa_on_a_code_is_needed_too(client, customer, history):
    enable_mfa(customer)
    login_verified(client, customer)
    before = snapshot(customer)
    assert "code" in client.get(DELETE_URL).context["form"].fields

    response = client.post(DELETE_URL, CONFIRMED)
    assert response.status_code == 400 and "code" in response.context["form"].errors
    wrong = "000000" if code_for(customer.device) != "000000" else "111111"
    response = client.post(DELETE_URL, {**CONFIRMED, "code": wrong})
    assert response.status_code == 400 and "code" in response.context["form"].errors
    assert snapshot(customer) == before

    response = client.post(DELETE_URL, {**CONFIRMED, "code": code_for(customer.device)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user_id=customer.user.pk).exists()
    assert not StaticDevice.objects.filter(user_id=customer.user.pk).exists()
    assert not User.objects.filter(pk=customer.user.pk).exists()


def test_with_mfa_on_a_wrong_password_does_not_spend_a_backup_code(client, customer):
    enable_mfa(customer)
    login_verified(client, customer)
    response = client.post(DELETE_URL, {**CONFIRMED, "password": "nope", "code": customer.codes[0]})
    assert response.status_code == 400
    assert StaticDevice.objects.get(user=customer.user).token_set.count() == 10


def test_goodbye_page_is_public(client, db):
    response = client.get("/customer/privacy/deleted")
    assert response.status_code == 200
    assert b"Your account is deleted" in response.content
