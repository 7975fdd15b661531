"""Sending the project's own transactional mails (HTML + plain text).

Every mail is a triplet of templates under ``templates/emails/``:
``<name>_subject.txt``, ``<name>_body.txt`` and ``<name>_body.html``; the
HTML bodies extend ``emails/base.html`` and the text bodies ``emails/base.txt``.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

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
    fail_silently: bool = True,
    attachments: list[tuple[str, bytes, str]] | None = None,
) -> bool:
    """Render and send one mail; returns whether the SMTP server accepted it.

    With ``fail_silently`` (the default) a broken mail server is logged and
    reported as False instead of raised, so the action that triggered the
    mail (a registration, an invoice) is never lost because of it. The
    recipient is logged; the body never is (it may hold links with tokens).
    """
    subject, text, html = email_render(name=name, context=context)
    message = EmailMultiAlternatives(subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[to])
    message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments or []:
        message.attach(filename, content, mimetype)
    try:
        message.send()
    except Exception:
        if not fail_silently:
            raise
        logger.exception("Could not send %r mail to %s", name, to)
        return False
    return True
