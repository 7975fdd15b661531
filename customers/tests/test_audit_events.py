"""Every account security event lands in the audit log: who, what, from where, never a secret."""

import json

import pytest
from django.core import mail
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEntry
from customers.mfa import services
from customers.tests.factories import DEFAULT_PASSWORD
from customers.tests.helpers import code_for, last_mail_to, link_from_mail, path_of, staff_force_login

pytestmark = pytest.mark.django_db

Action = AuditEntry.Action
IP = "10.20.30.40"
NEW_PASSWORD = "Neues-Passwort-2024"
STAFF_LOGIN = "/admin/login/"
STEP = "staff_login_view-current_step"


@pytest.fixture(autouse=True)
def _no_otp_backoff(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0
    settings.STAFF_REQUIRE_MFA = False


def only(action) -> AuditEntry:
    entries = list(AuditEntry.objects.filter(action=action))
    assert len(entries) == 1, entries
    return entries[0]


def assert_no_secret(entry, *secrets):
    text = json.dumps(entry.data) + entry.object_id + entry.object_type
    for secret in secrets:
        assert secret not in text


def test_customer_sign_in_and_out(client, customer):
    response = client.post(
        "/customer/login", {"login": customer.user.email, "password": DEFAULT_PASSWORD}, REMOTE_ADDR=IP
    )
    assert response.status_code == 302
    entry = only(Action.LOGIN)
    assert (entry.actor, entry.subject, entry.ip_address, entry.data) == (
        customer.user,
        customer.user,
        IP,
        {"login": "customer"},
    )
    client.post("/customer/logout", REMOTE_ADDR=IP)
    entry = only(Action.LOGOUT)
    assert (entry.actor, entry.subject, entry.ip_address) == (customer.user, customer.user, IP)


def test_failed_customer_sign_in_names_the_account_but_never_the_password(client, customer):
    client.post("/customer/login", {"login": customer.user.email.upper(), "password": "hunter2-guess"}, REMOTE_ADDR=IP)
    entry = only(Action.LOGIN_FAILED)
    assert entry.subject == customer.user and entry.actor is None and entry.ip_address == IP
    assert entry.data == {"login": "customer"}
    assert_no_secret(entry, "hunter2-guess")


def test_failed_sign_in_for_an_unknown_address_records_no_address(client, db):
    client.post("/customer/login", {"login": "ghost@example.com", "password": "hunter2-guess"}, REMOTE_ADDR=IP)
    entry = only(Action.LOGIN_FAILED)
    assert entry.subject is None and entry.ip_address == IP
    assert_no_secret(entry, "hunter2-guess", "ghost@example.com")


def test_staff_sign_in_and_failed_sign_in(client, staff_a):
    def attempt(password):
        data = {STEP: "auth", "auth-username": staff_a.email, "auth-password": password}
        return client.post(STAFF_LOGIN, data, REMOTE_ADDR=IP)

    attempt("wrong-guess")
    failed = only(Action.LOGIN_FAILED)
    assert failed.subject == staff_a and failed.data == {"login": "staff"} and failed.ip_address == IP
    assert_no_secret(failed, "wrong-guess")
    assert attempt(DEFAULT_PASSWORD).status_code == 302
    entry = only(Action.LOGIN)
    assert entry.actor == staff_a and entry.data == {"login": "staff"} and entry.ip_address == IP


def test_a_customers_right_password_on_the_staff_login_is_a_failed_sign_in(client, customer):
    client.post(STAFF_LOGIN, {STEP: "auth", "auth-username": customer.user.email, "auth-password": DEFAULT_PASSWORD})
    assert only(Action.LOGIN_FAILED).subject == customer.user
    assert not AuditEntry.objects.filter(action=Action.LOGIN).exists()


def test_customer_mfa_on_new_codes_off(customer_client, customer):
    user = customer.user
    customer_client.get("/customer/mfa/setup")
    device = TOTPDevice.objects.get(user=user)
    customer_client.post("/customer/mfa/setup", {"code": code_for(device)}, REMOTE_ADDR=IP)
    entry = only(Action.MFA_ENABLED)
    assert (entry.actor, entry.subject, entry.ip_address) == (user, user, IP)
    assert_no_secret(entry, device.key)

    customer_client.post("/customer/mfa/backup-codes", {"password": DEFAULT_PASSWORD}, REMOTE_ADDR=IP)
    entry = only(Action.MFA_BACKUP_CODES)
    assert (entry.actor, entry.subject, entry.data) == (user, user, {})
    assert_no_secret(entry, *(t.token for t in StaticDevice.objects.get(user=user).token_set.all()))

    response = customer_client.post(
        "/customer/mfa/disable", {"password": DEFAULT_PASSWORD, "code": code_for(device, steps_ahead=1)}, REMOTE_ADDR=IP
    )
    assert response.status_code == 302
    entry = only(Action.MFA_DISABLED)
    assert (entry.actor, entry.subject, entry.ip_address) == (user, user, IP)


def test_staff_new_backup_codes_and_mfa_off(client, staff_a):
    device = TOTPDevice.objects.create(user=staff_a, name="default", confirmed=True)
    staff_force_login(client, staff_a)
    session = client.session
    session["otp_device_id"] = device.persistent_id  # as after the staff login's code step
    session.save()
    client.post("/admin/mfa/backup-codes/", REMOTE_ADDR=IP)
    entry = only(Action.MFA_BACKUP_CODES)
    assert (entry.actor, entry.subject, entry.ip_address) == (staff_a, staff_a, IP)
    response = client.post("/admin/mfa/disable/", {"understand": "on", "otp_token": code_for(device)}, REMOTE_ADDR=IP)
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=staff_a).exists()
    assert only(Action.MFA_DISABLED).subject == staff_a


def test_password_changed(customer_client, customer):
    customer_client.post(
        "/customer/change-password",
        {"oldpassword": DEFAULT_PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        REMOTE_ADDR=IP,
    )
    entry = only(Action.PASSWORD_CHANGED)
    assert (entry.actor, entry.subject, entry.ip_address) == (customer.user, customer.user, IP)
    assert_no_secret(entry, NEW_PASSWORD, DEFAULT_PASSWORD)


def test_password_reset_by_link(client, customer):
    client.post("/customer/forgot-password", {"email": customer.user.email})
    link = path_of(link_from_mail(mail.outbox[-1], "/customer/reset-password/"))
    form_url = client.get(link)["Location"]
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, REMOTE_ADDR=IP)
    assert response.status_code == 302
    entry = only(Action.PASSWORD_RESET)
    assert (entry.subject, entry.ip_address) == (customer.user, IP)
    assert_no_secret(entry, NEW_PASSWORD)


def test_email_changed_once_the_new_address_is_verified(customer_client, customer):
    customer_client.post("/customer/change-email", {"email": "new@example.com", "action_add": ""})
    assert not AuditEntry.objects.filter(action=Action.EMAIL_CHANGED).exists()
    link = path_of(link_from_mail(last_mail_to("new@example.com"), "/customer/verify-email/"))
    customer_client.get(link, REMOTE_ADDR=IP)
    entry = only(Action.EMAIL_CHANGED)
    assert (entry.actor, entry.subject, entry.ip_address) == (customer.user, customer.user, IP)
    assert_no_secret(entry, "new@example.com")


def test_mfa_services_record_without_a_request(customer):
    device = services.mfa_setup_device(user=customer.user)
    services.mfa_setup_confirm(user=customer.user, code=code_for(device))
    entry = only(Action.MFA_ENABLED)
    assert entry.subject == customer.user and entry.ip_address is None
