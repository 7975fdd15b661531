"""The "your invoice is ready" mail: sent after commit, over real SMTP, never blocking the invoice."""

from unittest import mock

import pytest
from django.core import mail

from conftest import free_port
from invoices.models import Invoice
from invoices.services import invoice_issue
from invoices.storage import invoice_storage
from invoices.tests.factories import paid_order

pytestmark = pytest.mark.django_db


def test_mail_goes_out_over_smtp_after_commit(
    customer_client, customer, smtp_server, django_capture_on_commit_callbacks
):
    order = paid_order(customer=customer)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = customer_client.post(f"/customer/orders/{order.pk}/invoice")
        assert response.status_code == 302
    # Nothing rendered or sent while the transaction was open.
    invoice = Invoice.objects.get(order=order)
    assert smtp_server.messages == [] and invoice.pdf_path == ""
    assert len(callbacks) == 1

    callbacks[0]()

    (message,) = smtp_server.wait_for(1)
    assert message["To"] == customer.user.email
    assert message["Subject"] == f"Your invoice {invoice.number} from {invoice.seller_name} is ready"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    link = f"http://127.0.0.1:8000/customer/invoices/{invoice.pk}"
    assert link in text and link in html
    assert "€41.87" in text and "QR Table Ordering" in html  # the base layout
    assert f"from {invoice.seller_name} is ready" in text  # plain text is not HTML-escaped
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.SENT and invoice.sent_at is not None
    assert invoice_storage().exists(invoice.pdf_path)


def test_rolled_back_issue_sends_nothing(customer, mailoutbox, django_capture_on_commit_callbacks):
    from django.db import transaction

    order = paid_order(customer=customer)
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                invoice_issue(order=order, customer=customer)
                raise RuntimeError("something later in the same transaction fails")
        except RuntimeError:
            pass
    assert mailoutbox == [] and not Invoice.objects.exists()


def test_a_dead_mail_server_never_loses_or_blocks_the_invoice(
    customer_client, customer, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    order = paid_order(customer=customer)
    with django_capture_on_commit_callbacks(execute=True):
        response = customer_client.post(f"/customer/orders/{order.pk}/invoice")
    assert response.status_code == 302
    invoice = Invoice.objects.get(order=order)
    assert invoice.status == Invoice.Status.ISSUED  # not delivered: staff can see it and mark it sent later
    assert invoice_storage().exists(invoice.pdf_path)
    assert mail.outbox == []


def test_cancellation_document_is_mailed_too(customer, mailoutbox, django_capture_on_commit_callbacks):
    from invoices.services import invoice_cancel

    with django_capture_on_commit_callbacks(execute=True):
        invoice = invoice_issue(order=paid_order(customer=customer), customer=customer)
    with django_capture_on_commit_callbacks(execute=True):
        cancellation = invoice_cancel(invoice=invoice, reason="Wrong billing address")
    assert len(mailoutbox) == 2
    assert mailoutbox[1].subject.startswith(f"Invoice {invoice.number} from ")
    assert mailoutbox[1].subject.endswith("has been cancelled")
    assert (
        f"has cancelled invoice {invoice.number} with cancellation invoice {cancellation.number}" in mailoutbox[1].body
    )
    assert "Reason: Wrong billing address" in mailoutbox[1].body
    assert "−€41.87" in mailoutbox[1].body


def test_mails_that_failed_are_sent_by_the_pending_command_once_smtp_is_back(
    customer, settings, smtp_server, django_capture_on_commit_callbacks
):
    from datetime import timedelta
    from io import StringIO

    from django.core.management import call_command
    from django.utils import timezone

    working_port = settings.EMAIL_PORT
    settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = free_port(), 2  # the mail server is down
    with django_capture_on_commit_callbacks(execute=True):
        invoice = invoice_issue(order=paid_order(customer=customer), customer=customer)
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.ISSUED and smtp_server.messages == []

    settings.EMAIL_PORT = working_port  # back up
    out = StringIO()
    call_command("invoices_send_pending", stdout=out)
    assert "No unsent invoice mails." in out.getvalue()  # too fresh: a request may still be sending it

    # 20 minutes later (an issued invoice's creation time is frozen: the clock moves instead).
    real_now = timezone.now
    with mock.patch("django.utils.timezone.now", side_effect=lambda: real_now() + timedelta(minutes=20)):
        call_command("invoices_send_pending", "--dry-run", stdout=(dry := StringIO()))
        assert f"would send {invoice.number}" in dry.getvalue() and smtp_server.messages == []

        call_command("invoices_send_pending", stdout=(out := StringIO()))
    assert f"sent {invoice.number}" in out.getvalue()
    (message,) = smtp_server.wait_for(1)
    assert message["Subject"].startswith(f"Your invoice {invoice.number}")
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.SENT

    call_command("invoices_send_pending", stdout=(again := StringIO()))
    assert "No unsent invoice mails." in again.getvalue()


def test_invoice_page_says_being_prepared_until_the_pdf_is_stored(
    customer_client, customer, django_capture_on_commit_callbacks
):
    order = paid_order(customer=customer)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        customer_client.post(f"/customer/orders/{order.pk}/invoice")
    invoice = Invoice.objects.get(order=order)
    page = customer_client.get(f"/customer/invoices/{invoice.pk}").content.decode()
    assert 'data-testid="pdf-being-prepared"' in page
    # Asked before the task ran, the download renders it on demand.
    download = customer_client.get(f"/customer/invoices/{invoice.pk}/download")
    assert download.status_code == 200 and b"".join(download).startswith(b"%PDF-")
    for callback in callbacks:
        callback()
    page = customer_client.get(f"/customer/invoices/{invoice.pk}").content.decode()
    assert 'data-testid="pdf-being-prepared"' not in page


def test_the_invoice_task_run_twice_stores_one_file_and_sends_one_mail(customer, smtp_server):
    from common.models import OutboundMail
    from invoices.tasks import invoice_prepare

    invoice = invoice_issue(order=paid_order(customer=customer), customer=customer)
    invoice_prepare.apply(args=[invoice.pk])
    invoice.refresh_from_db()
    first_path = invoice.pdf_path
    invoice_prepare.apply(args=[invoice.pk])
    invoice.refresh_from_db()
    assert invoice.pdf_path == first_path and invoice_storage().exists(first_path)
    assert len(smtp_server.wait_for(1)) == 1 and OutboundMail.objects.filter(kind="invoice_ready").count() == 1
    assert invoice.status == Invoice.Status.SENT


def test_the_sweep_finishes_an_invoice_whose_task_was_lost(customer, smtp_server, settings):
    from datetime import timedelta

    from django.utils import timezone

    from invoices.tasks import invoices_sweep

    # Issued 11 minutes ago (creation times are frozen, so the clock is set back while issuing); no commit hook ran.
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() - timedelta(minutes=11)):
        with_lost_task = invoice_issue(order=paid_order(customer=customer), customer=customer)
    fresh = invoice_issue(order=paid_order(customer=customer), customer=customer)
    assert invoices_sweep.apply().get() == 1  # the fresh one may still be on its way
    with_lost_task.refresh_from_db()
    fresh.refresh_from_db()
    assert with_lost_task.pdf_path and with_lost_task.status == Invoice.Status.SENT
    assert fresh.pdf_path == "" and len(smtp_server.wait_for(1)) == 1
