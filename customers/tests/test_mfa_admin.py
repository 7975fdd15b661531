"""The admin never shows or edits MFA secrets; a superuser may only remove a customer's devices."""

from base64 import b32encode

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEntry
from customers.mfa import services
from customers.tests.helpers import code_for, staff_force_login

pytestmark = pytest.mark.django_db

TOTP_ADMIN = "/admin/otp_totp/totpdevice/"
STATIC_ADMIN = "/admin/otp_static/staticdevice/"


@pytest.fixture
def mfa_on(customer):
    device = services.mfa_setup_device(user=customer.user)
    _, codes = services.mfa_setup_confirm(user=customer.user, code=code_for(device))
    device.refresh_from_db()
    return device, codes


def secrets_of(device, codes) -> list[str]:
    plain = [code.replace("-", "") for code in codes]
    return [device.key, b32encode(device.bin_key).decode(), "otpauth://", *plain]


def assert_no_secret(html: str, device, codes) -> None:
    for secret in secrets_of(device, codes):
        assert secret not in html


def test_superuser_sees_devices_without_their_secrets(client, superuser, mfa_on, customer):
    device, codes = mfa_on
    static = StaticDevice.objects.get(user=customer.user)
    staff_force_login(client, superuser)
    for url in (
        TOTP_ADMIN,
        f"{TOTP_ADMIN}{device.pk}/change/",
        STATIC_ADMIN,
        f"{STATIC_ADMIN}{static.pk}/change/",
        f"{STATIC_ADMIN}{static.pk}/delete/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert customer.user.email in html
        assert_no_secret(html, device, codes)


@pytest.mark.parametrize("suffix", ["config/", "qrcode/"])
def test_no_config_or_qr_code_view(client, superuser, mfa_on, suffix):
    device, codes = mfa_on
    staff_force_login(client, superuser)
    response = client.get(f"{TOTP_ADMIN}{device.pk}/{suffix}", follow=True)
    assert "otpauth" not in response.content.decode()
    assert_no_secret(response.content.decode(), device, codes)
    assert response.redirect_chain == [] or response.redirect_chain[-1][0] == "/admin/"


def test_devices_cannot_be_added_or_changed(client, superuser, mfa_on, customer):
    device, _ = mfa_on
    staff_force_login(client, superuser)
    assert client.get(f"{TOTP_ADMIN}add/").status_code == 403
    assert client.get(f"{STATIC_ADMIN}add/").status_code == 403
    before = device.key
    response = client.post(f"{TOTP_ADMIN}{device.pk}/change/", {"user": customer.user.pk, "name": "x", "key": "00"})
    assert response.status_code == 403
    device.refresh_from_db()
    assert device.key == before and device.name == "default"


def test_restaurant_staff_see_no_devices(client, staff_a, mfa_on):
    device, _ = mfa_on
    staff_force_login(client, staff_a)
    assert client.get(TOTP_ADMIN).status_code == 403
    assert client.get(f"{TOTP_ADMIN}{device.pk}/delete/").status_code == 403
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_removing_a_customers_device_is_audited_and_mailed(
    client, superuser, mfa_on, customer, smtp_server, django_capture_on_commit_callbacks
):
    device, _ = mfa_on
    staff_force_login(client, superuser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{TOTP_ADMIN}{device.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not services.mfa_is_enabled(user=customer.user)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.MFA_DEVICES_REMOVED)
    assert entry.actor == superuser and entry.subject == customer.user
    assert entry.data == {"devices": [{"type": "totpdevice", "name": "default"}]}
    mail = smtp_server.wait_for(1)[-1]
    assert mail["To"] == customer.user.email
    assert mail["Subject"] == "Two-factor devices removed from your account"
    text = mail.get_body(("plain",)).get_content()
    assert "Your password alone now opens your account" in text
    assert "Wasn't you who asked?" in text


def test_bulk_removal_makes_one_entry_and_mail_per_account(
    client, superuser, mfa_on, customer, smtp_server, django_capture_on_commit_callbacks
):
    device, _ = mfa_on
    static = StaticDevice.objects.get(user=customer.user)
    staff_force_login(client, superuser)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(STATIC_ADMIN, {"action": "delete_selected", ACTION_CHECKBOX_NAME: [static.pk], "post": "yes"})
    assert not StaticDevice.objects.filter(user=customer.user).exists()
    assert services.mfa_is_enabled(user=customer.user)  # the authenticator was not selected
    entry = AuditEntry.objects.get(action=AuditEntry.Action.MFA_DEVICES_REMOVED)
    assert entry.data == {"devices": [{"type": "staticdevice", "name": "backup"}]}
    mails = smtp_server.wait_for(1)
    assert len(mails) == 1
    assert "Your authenticator app still works" in mails[0].get_body(("plain",)).get_content()
