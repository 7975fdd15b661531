"""The mail outbox without a worker (tasks eager): a failed mail is visible in the admin and sent again once."""

from io import StringIO

import pytest
from django.core.management import call_command

from common.models import OutboundMail
from conftest import free_port
from customers.emails import email_send
from customers.tests.helpers import staff_force_login

pytestmark = pytest.mark.django_db


def down(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2


def test_a_mail_the_server_refused_is_failed_in_the_admin_and_resent_once(client, superuser, customer, settings):
    down(settings)
    assert email_send(name="mfa_enabled", to=customer.user.email, context={"user": customer.user}) is False
    row = OutboundMail.objects.get()
    assert row.status == OutboundMail.Status.FAILED and row.attempts == 1 and "Error" in row.last_error

    staff_force_login(client, superuser)
    page = client.get("/admin/common/outboundmail/").content.decode()
    assert customer.user.email in page and "Failed (gave up)" in page
    detail = client.get(f"/admin/common/outboundmail/{row.pk}/change/").content.decode()
    assert row.text.strip()[:40] not in detail  # bodies (links with tokens) are never shown

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from django.core import mail

    call_command("mail_resend", stdout=(out := StringIO()))
    assert "1 mail(s) queued again." in out.getvalue()
    outbox = [m for m in mail.outbox if m.to == [customer.user.email]]
    assert len(outbox) == 1
    row.refresh_from_db()
    assert row.status == OutboundMail.Status.SENT and row.sent_at is not None
    call_command("mail_resend", stdout=(again := StringIO()))
    assert "0 mail(s) queued again." in again.getvalue() and len(mail.outbox) == 1


def test_the_admin_action_queues_a_failed_mail_again(client, superuser, customer, settings, mailoutbox):
    down(settings)
    email_send(name="mfa_enabled", to=customer.user.email, context={"user": customer.user})
    row = OutboundMail.objects.get()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    staff_force_login(client, superuser)
    response = client.post(
        "/admin/common/outboundmail/", {"action": "resend", "_selected_action": [row.pk]}, follow=True
    )
    assert "1 mail queued again." in response.content.decode()
    assert [m.to for m in mailoutbox] == [[customer.user.email]]


def test_sent_mails_are_not_sent_again(customer, mailoutbox):
    from common.tasks import mail_send

    email_send(name="mfa_enabled", to=customer.user.email, context={"user": customer.user})
    row = OutboundMail.objects.get()
    mail_send.apply(args=[row.pk])
    mail_send.apply(args=[row.pk])
    assert len(mailoutbox) == 1


def test_a_failed_mail_with_an_attachment_is_resent_with_the_same_file(customer, settings):
    down(settings)
    pdf = b"%PDF-1.4 the stored bytes"
    sent = email_send(
        name="mfa_enabled",
        to=customer.user.email,
        context={"user": customer.user},
        attachment=("R-1.pdf", pdf, "application/pdf"),
    )
    assert sent is False

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from django.core import mail

    call_command("mail_resend", stdout=StringIO())
    (message,) = [m for m in mail.outbox if m.to == [customer.user.email]]
    assert message.attachments == [("R-1.pdf", pdf, "application/pdf")]
