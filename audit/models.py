"""The product's one audit log: who did what, when, from which address.

Append-only by construction: rows are created through ``audit.services.audit_record``
and never changed or deleted through the ORM (``save`` of an existing row,
``delete`` and queryset ``update``/``delete`` refuse). The only change the
product itself makes is the one the law asks for: deleting an account empties
the foreign keys that point at it (Django's ``SET_NULL`` runs below the
queryset API), so entries outlive the account without naming it.

The log sits below the apps that write to it, so it refers to restaurants and
documents by id and type name rather than by foreign key; that keeps the
import layers one-way and lets entries outlive what they describe.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntryRefused(Exception):
    """An attempt to change or delete an audit entry."""


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditEntryRefused("audit entries are append-only")

    def delete(self):
        raise AuditEntryRefused("audit entries are append-only")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AuditEntryRefused("audit entries are append-only")


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        # Sign-in and account security (customers and staff)
        LOGIN = "login", _("Signed in")
        LOGIN_FAILED = "login_failed", _("Failed sign-in")
        LOGOUT = "logout", _("Signed out")
        MFA_ENABLED = "mfa_enabled", _("Two-factor authentication turned on")
        MFA_DISABLED = "mfa_disabled", _("Two-factor authentication turned off")
        MFA_BACKUP_CODES = "mfa_backup_codes", _("New backup codes made")
        MFA_DEVICES_REMOVED = "mfa_devices_removed", _("Two-factor devices removed by an administrator")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        PASSWORD_RESET = "password_reset", _("Password reset")
        EMAIL_CHANGED = "email_changed", _("Email address changed")
        # Privacy self-service
        DATA_EXPORTED = "data_exported", _("Personal data exported")
        ACCOUNT_DELETED = "account_deleted", _("Account deleted")
        # Orders and documents (extended by the invoice work)
        ORDER_STATUS = "order_status", _("Order status changed")
        DOCUMENT_STATUS = "document_status", _("Document status changed")
        # Payments and the documents issued for them
        PAYMENT_RECORDED = "payment_recorded", _("Payment recorded")
        DOCUMENT_ISSUED = "document_issued", _("Document issued")
        BUSINESS_MEAL_DECLARED = "business_meal_declared", _("Business-meal details entered")

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    action = models.CharField(_("what"), max_length=40, choices=Action.choices, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The signed-in user who acted; empty for guests, failed sign-ins and deleted accounts."),
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account concerned"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_entries",
    )
    restaurant_id = models.PositiveBigIntegerField(_("restaurant id"), null=True, blank=True, db_index=True)
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(_("from address"), null=True, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        indexes = [models.Index(fields=["subject", "-created_at"], name="audit_subject_created")]

    def __str__(self):
        return f"{self.get_action_display()} · {self.created_at:%Y-%m-%d %H:%M:%S}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AuditEntryRefused("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditEntryRefused("audit entries are append-only")
