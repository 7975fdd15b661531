from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from common.text import validate_document_text


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """Everyone who signs in: restaurant staff (admin) and customers (portal).

    Staff are ``is_staff`` users attached to restaurants; customers are users
    with a ``Customer`` profile. The same model serves both so neither needs a
    schema change.
    """

    email = models.EmailField(_("email address"), unique=True)
    is_staff = models.BooleanField(_("staff"), default=False, help_text=_("Can sign in to the admin."))
    is_active = models.BooleanField(pgettext_lazy("user", "active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # Saved language preference (empty: the browser's). Wins over the browser for pages and is
    # the language of this user's mails; staff get the admin in it.
    language = models.CharField(
        _("language"),
        max_length=8,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_("Empty: the browser's language."),
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self):
        return self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()


class Customer(models.Model):
    """A guest's own account profile, with the buyer details used on invoices."""

    user = models.OneToOneField(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="customer")
    full_name = models.CharField(_("full name"), max_length=200, validators=[validate_document_text])
    business_name = models.CharField(
        _("business name"), max_length=200, blank=True, validators=[validate_document_text]
    )
    vat_id = models.CharField(_("VAT ID"), max_length=50, blank=True, validators=[validate_document_text])
    # When the VAT ID passed the offline format/check-digit check (common.vatid); evidence for B2B invoices.
    vat_id_checked_at = models.DateTimeField(_("VAT ID checked"), null=True, blank=True, editable=False)
    street = models.CharField(_("street address"), max_length=200, blank=True, validators=[validate_document_text])
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True, validators=[validate_document_text])
    city = models.CharField(_("city"), max_length=100, blank=True, validators=[validate_document_text])
    country = models.CharField(_("country"), max_length=2, blank=True, help_text=_("ISO 3166-1 alpha-2 code, e.g. DE"))
    phone = models.CharField(_("phone"), max_length=40, blank=True, validators=[validate_document_text])
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")

    def __str__(self):
        return self.full_name or self.user.email

    @property
    def missing_billing_fields(self) -> list[str]:
        """Names of the fields an invoice needs that are still empty (in the active language)."""
        required = {
            gettext("full name"): self.full_name,
            gettext("street address"): self.street,
            gettext("postal code"): self.postal_code,
            gettext("city"): self.city,
            gettext("country"): self.country,
        }
        return [label for label, value in required.items() if not value.strip()]

    @property
    def has_billing_details(self) -> bool:
        return not self.missing_billing_fields
