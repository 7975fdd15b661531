from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OutboundMail(models.Model):
    """One mail to send: the outbox row the mail task claims, so a task run twice sends it once.

    The rendered mail lives here and the task only carries this row's id, so
    links with tokens (password reset, verification) never reach the broker
    or Celery's log lines.
    """

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("mail status", "Pending")
        SENT = "sent", pgettext_lazy("mail status", "Sent")
        FAILED = "failed", pgettext_lazy("mail status", "Failed (gave up)")

    kind = models.CharField(_("kind"), max_length=100)
    # Set by producers that must queue a mail once per thing (the invoice-ready mail).
    key = models.CharField(_("key"), max_length=100, unique=True, null=True, blank=True)
    to = models.EmailField(_("to"))
    # The language the subject and bodies were written in (common.i18n.mail_language_for); empty for older rows.
    language = models.CharField(_("language"), max_length=8, blank=True)
    subject = models.CharField(_("subject"), max_length=255)
    text = models.TextField(_("text body"))
    html = models.TextField(_("HTML body"), blank=True)
    # One optional file (the PDF of a staff-issued invoice), stored with the mail so a retry sends the same bytes.
    attachment_name = models.CharField(_("attachment name"), max_length=255, blank=True)
    attachment_mimetype = models.CharField(_("attachment type"), max_length=100, blank=True)
    attachment = models.BinaryField(_("attachment"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbound mail")
        verbose_name_plural = _("outbound mails")
        indexes = [models.Index(fields=["status", "updated_at"])]

    def __str__(self) -> str:
        return f"{self.kind} to {self.to} ({self.status})"
