"""Sending the project's own transactional mails (HTML + plain text).

Every mail is a triplet of templates under ``templates/emails/``:
``<name>_subject.txt``, ``<name>_body.txt`` and ``<name>_body.html``; the
HTML bodies extend ``emails/base.html`` and the text bodies ``emails/base.txt``.
"""

import logging

from django.conf import settings
from django.template.loader import render_to_string

from common.mail import mail_queue, mail_queued_ok

logger = logging.getLogger(__name__)


def email_render(*, name: str, context: dict) -> tuple[str, str, str]:
    context = {"site_url": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"emails/{name}_subject.txt", context).split())
    text = render_to_string(f"emails/{name}_body.txt", context)
    html = render_to_string(f"emails/{name}_body.html", context)
    return subject, text, html


def email_send(
    *,
    name: str,
    to: str,
    context: dict,
    key: str | None = None,
    attachment: tuple[str, bytes, str] | None = None,
) -> bool:
    """Render one mail and queue it in the outbox; a task sends it after commit.

    Returns False only when it is already known to have failed (eager mode,
    outside a transaction, mail server down); with a worker it is True once
    queued. The action that triggered the mail is never lost because of it.
    """
    subject, text, html = email_render(name=name, context=context)
    mail = mail_queue(kind=name, to=to, subject=subject, text=text, html=html, key=key, attachment=attachment)
    return mail_queued_ok(mail=mail)
