"""Sending the project's own transactional mails (HTML + plain text), in the recipient's language.

Every mail is a triplet of templates under ``templates/emails/``:
``<name>_subject.txt``, ``<name>_body.txt`` and ``<name>_body.html``; the
HTML bodies extend ``emails/base.html`` and the text bodies ``emails/base.txt``.
All three are rendered with one language active: ``language`` if given, else
``common.i18n.mail_language_for(user=...)`` (the recipient's saved language,
else the triggering request's, else English).
"""

import logging

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from common.i18n import mail_language_for
from common.mail import mail_queue, mail_queued_ok

logger = logging.getLogger(__name__)


def email_render(*, name: str, context: dict, language: str | None = None) -> tuple[str, str, str]:
    """Subject, text and HTML of mail ``name``, written in ``language`` (default: for ``context["user"]``)."""
    language = language or mail_language_for(user=context.get("user"))
    context = {"site_url": settings.SITE_URL, "mail_language": language, **context}
    with translation.override(language):
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
    language: str | None = None,
) -> bool:
    """Render one mail in the recipient's language and queue it in the outbox; a task sends it after commit.

    ``language``: an explicit language (e.g. a document's); by default the one
    ``mail_language_for`` picks for ``context["user"]``. Returns False only
    when it is already known to have failed (eager mode, outside a
    transaction, mail server down); with a worker it is True once queued. The
    action that triggered the mail is never lost because of it.
    """
    language = language or mail_language_for(user=context.get("user"))
    subject, text, html = email_render(name=name, context=context, language=language)
    mail = mail_queue(
        kind=name, to=to, subject=subject, text=text, html=html, key=key, attachment=attachment, language=language
    )
    return mail_queued_ok(mail=mail)
