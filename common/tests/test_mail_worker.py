"""Mails through a real Celery worker: retried until the mail server is back, never lost when a worker dies."""

import asyncio
import threading
import time
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from common.models import OutboundMail
from common.tests.worker import needs_worker, wait_until
from conftest import free_port
from customers.tests.helpers import link_from_mail

pytestmark = needs_worker


class Sink:
    """A loopback SMTP server on a chosen port; ``hang_first`` holds the first mail without answering."""

    def __init__(self, port: int, *, hang_first: bool = False):
        self.messages: list = []
        self.receiving = threading.Event()
        self.hang_first = hang_first
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                sink.receiving.set()
                if sink.hang_first:
                    sink.hang_first = False
                    await asyncio.sleep(30)  # the worker is killed while it waits for the answer
                    return "451 too late"
                sink.messages.append(message_from_bytes(envelope.content, policy=policy.default))
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=port)
        self.controller.start()

    def to(self, address: str) -> list:
        return [message for message in self.messages if message["To"] == address]

    def stop(self):
        self.controller.stop()


def reset_mail_row():
    return OutboundMail.objects.filter(kind="password_reset_key").first()


def test_mail_server_down_then_up_the_mail_arrives_once_after_a_retry(client, customer, celery_workers):
    port = free_port()  # nothing listens yet: the mail server is down
    celery_workers.start(smtp_port=port)
    client.post("/customer/forgot-password", {"email": "nobody@example.com"})  # warm-up: templates, connections
    started = time.monotonic()
    response = client.post("/customer/forgot-password", {"email": customer.user.email})
    assert response.status_code == 302
    assert time.monotonic() - started < 2  # the request does not wait for the mail server

    wait_until(lambda: (row := reset_mail_row()) and row.attempts >= 1, timeout=30, what="a failed attempt")
    assert reset_mail_row().status == OutboundMail.Status.PENDING and reset_mail_row().last_error
    sink = Sink(port)
    try:
        wait_until(lambda: sink.to(customer.user.email), timeout=30, what="the mail after the retry")
        time.sleep(3)  # a second copy would have arrived by now
        assert len(sink.to(customer.user.email)) == 1
    finally:
        sink.stop()
    row = reset_mail_row()
    assert row.status == OutboundMail.Status.SENT and row.attempts >= 2
    # The reset link (its key) never reaches the broker or the worker's log lines.
    link = link_from_mail(sink.to(customer.user.email)[0], "/customer/reset-password/")
    key = link.rstrip("/").rsplit("/", 1)[-1]
    log = celery_workers.log(0)
    assert "common.tasks.mail_send" in log and key not in log and customer.user.email not in log.split("Could not")[0]


def test_worker_killed_mid_send_the_mail_still_arrives(client, customer, celery_workers):
    port = free_port()
    sink = Sink(port, hang_first=True)
    try:
        first = celery_workers.start(smtp_port=port)
        assert client.post("/customer/forgot-password", {"email": customer.user.email}).status_code == 302
        assert sink.receiving.wait(30), "the worker never reached the mail server"
        celery_workers.kill(first)  # SIGKILL while the mail server has not accepted the mail
        assert sink.messages == []

        # A new worker (with beat) gets the task back: visibility timeout, or the sweep.
        celery_workers.start(smtp_port=port, beat=True)
        wait_until(lambda: sink.messages, timeout=60, what="the mail after the worker died")
        time.sleep(3)
        assert len(sink.messages) == 1
        assert reset_mail_row().status == OutboundMail.Status.SENT
    finally:
        sink.stop()


@pytest.mark.parametrize("runs", [2])
def test_a_task_run_twice_sends_one_mail(customer, smtp_server, runs):
    from common.tasks import mail_send
    from customers.emails import email_send

    email_send(name="mfa_enabled", to=customer.user.email, context={"user": customer.user})
    row = OutboundMail.objects.get(kind="mfa_enabled")
    for _ in range(runs):
        mail_send.apply(args=[row.pk])
    time.sleep(0.5)
    assert len(smtp_server.messages) == 1
