import secrets
import string
import zoneinfo
from collections.abc import Iterable
from contextvars import ContextVar
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language, gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from common.countries import country_choices
from common.text import validate_document_text
from common.vatid import vat_id_check
from orders.allergens import ALLERGENS_MAX_LENGTH, Allergen, allergens_split, validate_allergens

TIMEZONE_CHOICES = sorted((tz, tz) for tz in zoneinfo.available_timezones())

# The language a restaurant's documents are printed in when it has not chosen one: from its country.
# Crockford base32 without look-alikes (no I, L, O, U): easy to read off a receipt.
CLAIM_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CLAIM_CODE_LENGTH = 10  # 50 bits; guessing is further bounded by rate limits
MAX_NOTE_LENGTH = 500

# A restaurant's own language (its menu's base language, the one staff read order lines in)
# unless set: German in the German-speaking countries, French in the French-speaking ones.
_COUNTRY_LANGUAGES = {"DE": "de", "AT": "de", "CH": "de", "LI": "de", "FR": "fr", "BE": "fr", "LU": "fr", "MC": "fr"}


def default_language_for_country(country: str) -> str:
    """The language a restaurant in ``country`` gets unless one is chosen (English elsewhere)."""
    return _COUNTRY_LANGUAGES.get((country or "").upper(), "en")


def new_table_token() -> str:
    # 32 random bytes -> 256 bits, URL-safe base64 (43 characters).
    return secrets.token_urlsafe(32)


def new_order_token() -> str:
    return secrets.token_urlsafe(16)


def new_claim_code() -> str:
    return "".join(secrets.choice(CLAIM_CODE_ALPHABET) for _ in range(CLAIM_CODE_LENGTH))


DEFAULT_INVOICE_PREFIX = "INV"
DEFAULT_INVOICE_NUMBER_FORMAT = "{prefix}-{year}-{number:04d}"
INVOICE_NUMBER_FIELDS = {"prefix", "year", "number"}


def invoice_number_format_check(fmt: str, prefix: str = DEFAULT_INVOICE_PREFIX) -> str | None:
    """An error message if ``fmt`` cannot produce unique numbers, else None.

    {year} and {number} are required because the counter restarts every
    calendar year; a format without them would repeat numbers.
    """
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(fmt) if name is not None}
        sample = fmt.format(prefix=prefix, year=2025, number=1)
    except (ValueError, KeyError, IndexError) as exc:
        return str(_("The number format %(fmt)r is not a valid format string: %(exc)s") % {"fmt": fmt, "exc": exc})
    if not {"year", "number"} <= names or not names <= INVOICE_NUMBER_FIELDS:
        return str(
            _("The number format %(fmt)r must contain {year} and {number} and only {prefix}, {year}, {number}.")
            % {"fmt": fmt}
        )
    if len(sample) > 40:
        return str(_("The number format %(fmt)r gives numbers longer than 40 characters.") % {"fmt": fmt})
    return None


# The company's accounts for the accountant's export, each a field of ``Company`` with an SKR03 default.
DATEV_ACCOUNT_FIELDS = (
    "account_revenue_19",
    "account_revenue_7",
    "account_revenue_0",
    "account_cash",
    "account_card",
    "account_other",
    "account_tips",
)


class Company(models.Model):
    """The taxable person: the seller on every invoice of its restaurants, with one number range per year.

    Invoice numbers must be unique per taxable person, not per branch, so the
    counter belongs here (``invoices.services.numbering``). A company needs a
    VAT ID or a tax number (or both); each is printed under its own label.
    """

    legal_name = models.CharField(_("legal name"), max_length=200, validators=[validate_document_text])
    street = models.CharField(_("street address"), max_length=200, validators=[validate_document_text])
    postal_code = models.CharField(_("postal code"), max_length=20, validators=[validate_document_text])
    city = models.CharField(_("city"), max_length=100, validators=[validate_document_text])
    country = models.CharField(
        _("country"), max_length=2, choices=country_choices, help_text=_("ISO 3166-1 alpha-2 code, e.g. DE")
    )
    vat_id = models.CharField(
        _("VAT ID"), max_length=20, blank=True, help_text=_("EU VAT ID, e.g. DE136695976; checked for format.")
    )
    vat_id_checked_at = models.DateTimeField(_("VAT ID checked at"), null=True, blank=True, editable=False)
    tax_number = models.CharField(
        _("tax number"),
        max_length=50,
        blank=True,
        validators=[validate_document_text],
        help_text=_("National tax number (Steuernummer), e.g. 29/123/45678."),
    )
    register_court = models.CharField(
        _("register court"), max_length=200, blank=True, validators=[validate_document_text]
    )
    register_number = models.CharField(
        _("register number"), max_length=50, blank=True, validators=[validate_document_text]
    )
    managing_directors = models.CharField(
        _("managing directors"),
        max_length=300,
        blank=True,
        validators=[validate_document_text],
        help_text=_("Comma-separated names, as printed on business letters."),
    )
    email = models.EmailField(_("contact email"), blank=True)
    invoice_prefix = models.CharField(
        _("invoice number prefix"),
        max_length=20,
        default=DEFAULT_INVOICE_PREFIX,
        validators=[RegexValidator(r"^[A-Za-z0-9/_-]*$", _("Use letters, digits, dashes, slashes or underscores."))],
    )
    invoice_number_format = models.CharField(
        _("invoice number format"),
        max_length=60,
        default=DEFAULT_INVOICE_NUMBER_FORMAT,
        help_text=_("Placeholders {prefix}, {year}, {number}; format specs allowed, e.g. {number:05d}."),
    )
    # Accountant's export (DATEV "Buchungsstapel"): SKR03 accounts by default, see ``DATEV_SKR03_DEFAULTS``.
    datev_adviser_number = models.PositiveIntegerField(
        _("DATEV adviser number"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1001), MaxValueValidator(9999999)],
        help_text=_("The tax adviser's DATEV number (Beraternummer), 1001 to 9999999."),
    )
    datev_client_number = models.PositiveIntegerField(
        _("DATEV client number"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(99999)],
        help_text=_("The company's client number at the adviser (Mandantennummer), 1 to 99999."),
    )
    datev_account_length = models.PositiveSmallIntegerField(
        _("account length"),
        default=4,
        validators=[MinValueValidator(4), MaxValueValidator(8)],
        help_text=_("Digits of a general ledger account (Sachkontenlänge), usually 4."),
    )
    fiscal_year_start_month = models.PositiveSmallIntegerField(
        _("fiscal year starts in month"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("1 for a fiscal year equal to the calendar year."),
    )
    account_revenue_19 = models.PositiveIntegerField(
        _("revenue account 19 % VAT"), default=8400, help_text=_("SKR03 8400: revenue 19 % VAT (automatic account).")
    )
    account_revenue_7 = models.PositiveIntegerField(
        _("revenue account 7 % VAT"), default=8300, help_text=_("SKR03 8300: revenue 7 % VAT (automatic account).")
    )
    account_revenue_0 = models.PositiveIntegerField(
        _("revenue account 0 % VAT"), default=8200, help_text=_("SKR03 8200: revenue without automatic VAT.")
    )
    account_cash = models.PositiveIntegerField(
        _("cash account"), default=1000, help_text=_("SKR03 1000: cash (Kasse), for cash payments.")
    )
    account_card = models.PositiveIntegerField(
        _("card account"),
        default=1360,
        help_text=_("SKR03 1360: money in transit (Geldtransit) until the card acquirer pays out to the bank."),
    )
    account_other = models.PositiveIntegerField(
        _("other payments account"),
        default=1360,
        help_text=_("For payments with another method or without a recorded payment (SKR03 1360)."),
    )
    account_tips = models.PositiveIntegerField(
        _("tips account"),
        default=1590,
        help_text=_("SKR03 1590: transitory items (durchlaufende Posten); tips belong to the staff, not revenue."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["legal_name"]
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        constraints = [
            models.CheckConstraint(condition=~models.Q(vat_id="", tax_number=""), name="company_vat_id_or_tax_number"),
        ]

    def __str__(self):
        return self.legal_name

    def clean(self):
        super().clean()
        errors = {}
        if not self.vat_id.strip() and not self.tax_number.strip():
            errors["vat_id"] = _("Enter a VAT ID or a tax number (or both); an invoice must show one.")
        if self.vat_id.strip():
            try:
                check = vat_id_check(self.vat_id)
            except ValidationError as exc:
                errors["vat_id"] = exc.messages[0]
            else:
                if check.number != self.vat_id or self.vat_id_checked_at is None:
                    self.vat_id, self.vat_id_checked_at = check.number, check.checked_at
        else:
            self.vat_id_checked_at = None
        error = invoice_number_format_check(self.invoice_number_format, self.invoice_prefix)
        if error:
            errors["invoice_number_format"] = error
        for name in DATEV_ACCOUNT_FIELDS:
            account = getattr(self, name)
            if account is not None and len(str(account)) != self.datev_account_length:
                errors[name] = _("An account has exactly %(digits)s digits (the account length).") % {
                    "digits": self.datev_account_length
                }
        if errors:
            raise ValidationError(errors)

    def invoice_number(self, *, year: int, number: int) -> str:
        return self.invoice_number_format.format(prefix=self.invoice_prefix, year=year, number=number)


class Restaurant(models.Model):
    """The tenant and the place where meals are served; its company is the seller on invoices."""

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="restaurants"
    )
    name = models.CharField(_("display name"), max_length=200, validators=[validate_document_text])
    street = models.CharField(_("street address"), max_length=200, validators=[validate_document_text])
    postal_code = models.CharField(_("postal code"), max_length=20, validators=[validate_document_text])
    city = models.CharField(_("city"), max_length=100, validators=[validate_document_text])
    country = models.CharField(
        _("country"), max_length=2, choices=country_choices, help_text=_("ISO 3166-1 alpha-2 code, e.g. DE")
    )
    email = models.EmailField(_("contact email"))
    phone = models.CharField(_("phone"), max_length=40, blank=True, validators=[validate_document_text])
    currency = models.CharField(
        _("currency"),
        max_length=3,
        default="EUR",
        validators=[RegexValidator(r"^[A-Z]{3}$", _("Use an ISO 4217 code such as EUR."))],
    )
    timezone = models.CharField(_("time zone"), max_length=64, choices=TIMEZONE_CHOICES, default="Europe/Berlin")
    language = models.CharField(
        _("own language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_(
            "The menu's base language (its names are required; guests whose language has no text see these) "
            "and the language staff read order lines in. Empty: chosen from the country."
        ),
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("staff"), related_name="restaurants", blank=True
    )
    # Blank: the restaurant's own language (itself from the country), so it follows a corrected country.
    invoice_language = models.CharField(
        _("invoice language"),
        max_length=8,
        blank=True,
        choices=[("", _("The restaurant's own language")), *settings.LANGUAGES],
        help_text=_(
            "The language invoices and receipts are printed in, unless the customer chooses another one. "
            "Empty: the restaurant's own language."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("restaurant")
        verbose_name_plural = _("restaurants")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.language:
            self.language = default_language_for_country(self.country)
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "language"}
        super().save(*args, **kwargs)

    @property
    def tzinfo(self):
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def document_language(self) -> str:
        """The language its documents are printed in: the chosen one, else the restaurant's own."""
        return self.invoice_language or self.language or default_language_for_country(self.country)


class Table(models.Model):
    restaurant = models.ForeignKey(
        Restaurant, verbose_name=_("restaurant"), on_delete=models.CASCADE, related_name="tables"
    )
    label = models.CharField(_("label"), max_length=50, validators=[validate_document_text])
    token = models.CharField(max_length=64, unique=True, default=new_table_token, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["restaurant", "label"]
        verbose_name = _("table")
        verbose_name_plural = _("tables")
        constraints = [models.UniqueConstraint(fields=["restaurant", "label"], name="table_label_unique")]

    def __str__(self):
        return f"{self.restaurant.name} – {self.label}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("orders:menu", args=[self.token])

    @property
    def public_url(self) -> str:
        return settings.SITE_URL + self.get_absolute_url()

    def rotate_token(self) -> None:
        """Give the table a new QR code; the old printed code stops working at once."""
        self.token = new_table_token()
        self.save(update_fields=["token"])


class MenuCategory(models.Model):
    # Set by orders.selectors.menu_for_restaurant: the name in the reader's language, and the language
    # it is in when that is not the reader's ("" otherwise; the page marks it with lang="...").
    label: str
    label_lang: str

    restaurant = models.ForeignKey(
        Restaurant, verbose_name=_("restaurant"), on_delete=models.CASCADE, related_name="categories"
    )
    name = models.CharField(_("name"), max_length=100, validators=[validate_document_text])
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["restaurant", "position", "name"]
        verbose_name = _("menu category")
        verbose_name_plural = _("menu categories")

    def __str__(self):
        return self.name


class MenuItem(models.Model):
    # Set by orders.selectors.menu_for_restaurant: name and description in the reader's language
    # (and, as on MenuCategory, the language of each when it falls back to another one).
    label: str
    label_lang: str
    details: str
    details_lang: str

    restaurant = models.ForeignKey(
        Restaurant, verbose_name=_("restaurant"), on_delete=models.CASCADE, related_name="menu_items"
    )
    category = models.ForeignKey(
        MenuCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="items"
    )
    name = models.CharField(_("name"), max_length=200, validators=[validate_document_text])
    description = models.TextField(_("description"), blank=True, validators=[validate_document_text])
    price_cents = models.PositiveIntegerField(_("gross price (cents)"), help_text=_("Including VAT, in cents."))
    vat_rate = models.DecimalField(
        _("VAT rate (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    is_available = models.BooleanField(_("available"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    # Codes of orders.allergens.ALLERGENS, comma-separated, in Annex II order.
    allergens = models.CharField(
        max_length=ALLERGENS_MAX_LENGTH, blank=True, default="", validators=[validate_allergens]
    )
    is_vegetarian = models.BooleanField(_("vegetarian"), default=False)
    is_vegan = models.BooleanField(_("vegan"), default=False)

    class Meta:
        ordering = ["restaurant", "category__position", "position", "name"]
        verbose_name = _("menu item")
        verbose_name_plural = _("menu items")

    def __str__(self):
        return self.name

    @property
    def allergen_list(self) -> list[Allergen]:
        return allergens_split(self.allergens)

    def clean(self):
        super().clean()
        if self.category_id and self.restaurant_id and self.category.restaurant_id != self.restaurant_id:
            raise ValidationError({"category": _("Choose a category of the same restaurant.")})
        # A vegan dish is vegetarian too: the menu's "vegetarian" filter by eye must not miss it.
        if self.is_vegan:
            self.is_vegetarian = True


class Order(models.Model):
    class Status(models.TextChoices):
        PLACED = "placed", pgettext_lazy("order status", "Placed")
        PREPARING = "preparing", pgettext_lazy("order status", "Preparing")
        SERVED = "served", pgettext_lazy("order status", "Served")
        PAID = "paid", pgettext_lazy("order status", "Paid")
        CANCELLED = "cancelled", pgettext_lazy("order status", "Cancelled")

    # The status machine: which status may follow which ("paid" and "cancelled"
    # are final), and the time each one stamps. Changed only through
    # ``orders.services.order_set_status``.
    STATUS_TRANSITIONS = {
        Status.PLACED: frozenset({Status.PREPARING, Status.SERVED, Status.PAID, Status.CANCELLED}),
        Status.PREPARING: frozenset({Status.SERVED, Status.PAID, Status.CANCELLED}),
        Status.SERVED: frozenset({Status.PAID, Status.CANCELLED}),
        Status.PAID: frozenset(),
        Status.CANCELLED: frozenset(),
    }
    STATUS_TIMESTAMPS = {
        Status.PREPARING: "preparing_at",
        Status.SERVED: "served_at",
        Status.PAID: "paid_at",
        Status.CANCELLED: "cancelled_at",
    }

    restaurant = models.ForeignKey(Restaurant, on_delete=models.PROTECT, related_name="orders")
    table = models.ForeignKey(Table, on_delete=models.PROTECT, related_name="orders")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.SET_NULL, null=True, blank=True, related_name="orders"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLACED, db_index=True)
    placed_at = models.DateTimeField(_("placed at"), default=timezone.now, db_index=True)
    preparing_at = models.DateTimeField(_("preparing since"), null=True, blank=True)
    served_at = models.DateTimeField(_("served at"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3)
    note = models.TextField(_("note"), blank=True, max_length=MAX_NOTE_LENGTH, validators=[validate_document_text])
    total_cents = models.PositiveIntegerField(_("total (cents)"), default=0)
    # Unguessable reference for the guest's confirmation page.
    public_token = models.CharField(max_length=32, unique=True, default=new_order_token, editable=False)
    # Short receipt code a guest can use to claim the order into an account later.
    claim_code = models.CharField(max_length=16, unique=True, default=new_claim_code, editable=False)
    # One per rendering of the menu form: a form sent twice (a double tap, a
    # retry on a flaky connection) finds the order it already placed.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    # Set when the guest presses "Ask for the bill" (the first press counts); the
    # board shows it until staff clear it or the order is settled.
    bill_requested_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Set once, by ``payment_record``: an order is settled by at most one payment.
    payment = models.ForeignKey(
        "orders.Payment", on_delete=models.PROTECT, null=True, blank=True, related_name="orders", editable=False
    )

    class Meta:
        ordering = ["-placed_at", "-id"]
        verbose_name = pgettext_lazy("noun", "order")
        verbose_name_plural = pgettext_lazy("noun", "orders")
        indexes = [
            models.Index(fields=["customer", "-placed_at"], name="order_customer_placed"),
            models.Index(fields=["restaurant", "-placed_at"], name="order_restaurant_placed"),
        ]

    def __str__(self):
        # Shown in the admin (headings, breadcrumbs, links), so in the staff's language.
        return gettext("Order #%(pk)s") % {"pk": self.pk}

    @property
    def status_is_final(self) -> bool:
        """Paid or cancelled: nothing can follow (``STATUS_TRANSITIONS``)."""
        return not self.STATUS_TRANSITIONS[self.Status(self.status)]

    @property
    def supply_date(self):
        """Date of supply for tax documents: the day the meal was served (placed, if never marked served),
        in the restaurant's time zone; not the payment day, which may be after midnight."""
        return timezone.localdate(self.served_at or self.placed_at, self.restaurant.tzinfo)

    @property
    def claim_code_display(self) -> str:
        half = len(self.claim_code) // 2
        return f"{self.claim_code[:half]}-{self.claim_code[half:]}"


class OrderLine(models.Model):
    """A frozen copy of what was ordered: later menu edits never change it."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    menu_item = models.ForeignKey(MenuItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # In the restaurant's own language: what staff read on the board and in the admin.
    name = models.CharField(_("name"), max_length=200)
    # The item's name in every language the menu had it in when the order was placed
    # ({"de": "Käsekuchen", "en": "Cheesecake"}): documents print the words of that moment.
    names = models.JSONField(default=dict, blank=True, editable=False)
    unit_price_cents = models.PositiveIntegerField(_("unit gross price (cents)"))
    vat_rate = models.DecimalField(_("VAT rate (%)"), max_digits=5, decimal_places=2)
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")

    def __str__(self):
        return f"{self.quantity} × {self.name}"

    def name_in(self, language: str | None) -> str:
        """The name frozen in ``language``, else the restaurant's own (``name``)."""
        return (self.names or {}).get(language or "") or self.name

    @property
    def guest_name(self) -> str:
        """The name in the active language (guest and customer pages)."""
        return self.name_in(get_language())

    @property
    def total_cents(self) -> int:
        return self.unit_price_cents * self.quantity


# --- Payments ----------------------------------------------------------------------


# Set while ``PaymentQuerySet.bulk_update`` runs: it has checked its objects, and Django's
# implementation then calls ``update()`` with ``Case`` expressions the check cannot read.
_payment_bulk_update_checked: ContextVar[bool] = ContextVar("payment_bulk_update_checked", default=False)


class RecordedPaymentError(ValidationError):
    """An attempt to delete or rewrite a recorded payment."""


class PaymentQuerySet(models.QuerySet):
    """Bulk writes limited to what may change once a payment is recorded (``Payment.BULK_MUTABLE_FIELDS``).

    ``update()`` and ``bulk_update()`` accept only the TSE fields, written once
    (``Payment.tse_write_check``), and the link to the staff account that
    recorded it, which may only be emptied (account deletion). Anything else
    raises RecordedPaymentError before a query runs; ``delete()`` always
    raises. On PostgreSQL a trigger enforces the same rule for any SQL
    (migration ``0014_payment_tamper_trigger``).
    """

    def delete(self):
        raise RecordedPaymentError("Recorded payments are never deleted.")

    def update(self, **kwargs):
        if _payment_bulk_update_checked.get():
            return super().update(**kwargs)
        Payment.bulk_fields_check(kwargs.keys())
        for field in ("recorded_by", "recorded_by_id"):
            if field in kwargs and kwargs[field] is not None:
                raise RecordedPaymentError("A recorded payment's staff link can only be emptied (account deletion).")
        tse = {field: value for field, value in kwargs.items() if field in Payment.TSE_FIELDS}
        if tse:
            if any(hasattr(value, "resolve_expression") for value in tse.values()):
                raise RecordedPaymentError("TSE fields are written with values, not expressions.")
            for stored in self.values(*Payment.tse_stored_fields(tse)):
                Payment.tse_write_check(stored, tse)
        return super().update(**kwargs)

    def bulk_update(self, objs, fields, batch_size=None):
        objs = list(objs)
        Payment.bulk_fields_check(fields)
        names = {Payment._meta.get_field(name).name for name in fields}
        if "recorded_by" in names and any(obj.recorded_by_id is not None for obj in objs):
            raise RecordedPaymentError("A recorded payment's staff link can only be emptied (account deletion).")
        tse = sorted(names & Payment.TSE_FIELDS.keys())
        if tse:
            stored = {
                row["pk"]: row
                for row in self.model._base_manager.filter(pk__in=[obj.pk for obj in objs]).values(
                    "pk", *Payment.tse_stored_fields(tse)
                )
            }
            for obj in objs:
                if obj.pk in stored:
                    Payment.tse_write_check(stored[obj.pk], {field: getattr(obj, field) for field in tse})
        token = _payment_bulk_update_checked.set(True)
        try:
            return super().bulk_update(objs, fields, batch_size=batch_size)
        finally:
            _payment_bulk_update_checked.reset(token)


class Payment(models.Model):
    """Staff took money for one or more orders of one table (``orders.services_payment.payment_record``).

    The meal is the orders' total (the VAT base); the tip is on top and outside
    it. Written once, never edited: the documents issued for it copy from it.
    The TSE fields hold what the configured till signer returned (§ 146a AO,
    KassenSichV); the fake signer marks its data as not certified.
    """

    class Method(models.TextChoices):
        CASH = "cash", _("Cash")
        CARD = "card", _("Card")
        OTHER = "other", _("Other")

    restaurant = models.ForeignKey(Restaurant, on_delete=models.PROTECT, related_name="payments")
    table = models.ForeignKey(Table, verbose_name=_("table"), on_delete=models.PROTECT, related_name="payments")
    method = models.CharField(_("payment method"), max_length=10, choices=Method.choices)
    currency = models.CharField(max_length=3)
    meal_cents = models.PositiveIntegerField(_("orders' total (cents)"))
    tip_cents = models.PositiveIntegerField(_("tip (cents)"), default=0)
    paid_cents = models.PositiveIntegerField(_("amount paid (cents)"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    tse_signer = models.CharField(_("TSE signer"), max_length=100, blank=True)
    tse_certified = models.BooleanField(_("signed by a certified TSE"), default=False)
    tse_transaction_number = models.CharField(_("TSE transaction number"), max_length=40, blank=True)
    tse_serial = models.CharField(_("TSE serial number"), max_length=200, blank=True)
    tse_signature_counter = models.PositiveBigIntegerField(_("TSE signature counter"), null=True, blank=True)
    tse_start_at = models.DateTimeField(_("TSE start time"), null=True, blank=True)
    tse_end_at = models.DateTimeField(_("TSE end time"), null=True, blank=True)
    tse_signature = models.TextField(_("TSE signature"), blank=True)
    tse_qr_data = models.TextField(_("receipt QR code data"), blank=True)

    # Written once, when the payment is signed (``services_payment._sign``): each from its empty
    # value (below) to what the TSE returned; none of them changes once set or once the signature is stored.
    TSE_FIELDS = {
        "tse_signer": "",
        "tse_certified": False,
        "tse_transaction_number": "",
        "tse_serial": "",
        "tse_signature_counter": None,
        "tse_start_at": None,
        "tse_end_at": None,
        "tse_signature": "",
        "tse_qr_data": "",
    }
    # Only these may change after the payment is recorded (``save(update_fields=...)``).
    MUTABLE_FIELDS = frozenset(TSE_FIELDS)
    # What bulk writes (update/bulk_update) may touch: the above, and the staff link, which only
    # account deletion changes, by emptying it (``SET_NULL``). ``save()`` never changes the link.
    BULK_MUTABLE_FIELDS = MUTABLE_FIELDS | {"recorded_by", "recorded_by_id"}

    objects = PaymentQuerySet.as_manager()

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(paid_cents=models.F("meal_cents") + models.F("tip_cents")),
                name="payment_paid_is_meal_plus_tip",
            )
        ]

    def __str__(self):
        return gettext("Payment #%(id)s") % {"id": self.pk}

    def save(self, *args, **kwargs):
        if self._state.adding:
            # A new object that carries the id of a recorded payment must fail, not UPDATE that row.
            kwargs["force_insert"] = True
        else:
            update_fields = kwargs.get("update_fields")
            if update_fields is None or not set(update_fields) <= self.MUTABLE_FIELDS:
                raise RecordedPaymentError(
                    "A recorded payment cannot be edited; only its TSE fields may be written once "
                    "(save with update_fields)."
                )
            stored = type(self)._base_manager.filter(pk=self.pk).values(*self.tse_stored_fields(update_fields)).first()
            if stored is not None:  # a row that is gone: Django's save reports it
                self.tse_write_check(stored, {field: getattr(self, field) for field in update_fields})
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RecordedPaymentError(f"Payment #{self.pk} is recorded and can never be deleted.")

    @classmethod
    def bulk_fields_check(cls, fields: Iterable[str]) -> None:
        """Raise RecordedPaymentError unless every field may change after recording (``BULK_MUTABLE_FIELDS``)."""
        frozen = sorted(set(fields) - cls.BULK_MUTABLE_FIELDS)
        if frozen:
            raise RecordedPaymentError(
                f"Recorded payments are frozen: {', '.join(frozen)} cannot be changed "
                "(only the write-once TSE fields, and emptying the staff link)."
            )

    @staticmethod
    def tse_stored_fields(fields: Iterable[str]) -> list[str]:
        """What ``tse_write_check`` reads of the stored row for writing ``fields``."""
        return ["tse_signature", *sorted(set(fields) - {"tse_signature"})]

    @classmethod
    def tse_write_check(cls, stored: dict, values: dict) -> None:
        """Raise RecordedPaymentError unless writing ``values`` (TSE field -> value) over the ``stored`` row
        (those fields and ``tse_signature``) changes only fields still empty on a payment not signed yet."""
        for field, value in values.items():
            if value == stored[field]:
                continue
            if stored[field] != cls.TSE_FIELDS[field] or stored["tse_signature"]:
                raise RecordedPaymentError(f"{field} is written once, when the payment is signed; it is already set.")

    @property
    def has_tse_data(self) -> bool:
        return bool(self.tse_signature)
