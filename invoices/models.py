"""Invoices: numbered, frozen documents issued by a restaurant to a customer.

An invoice is issued (numbered and frozen) the moment it is created: seller,
buyer and lines are copies, never references that could change later. It is
never deleted and never edited; a mistake is corrected by a cancellation
document (negated lines, its own number) and, if needed, a new invoice.
"""

from collections.abc import Iterable
from contextvars import ContextVar
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from common.money import round_half_up


class InvoiceNumberCounter(models.Model):
    """Last number handed out per company (taxable person) and calendar year.

    Locked with SELECT ... FOR UPDATE while a number is allocated; the lock is
    held only for the short transaction that creates the invoice, so a rollback
    also rolls the counter back and no gap appears.
    """

    company = models.ForeignKey("orders.Company", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["company", "year"], name="invoice_counter_company_unique")]

    def __str__(self):
        return f"{self.company_id}/{self.year}: {self.last_number}"


# A "live" invoice: an invoice (not a cancellation document) that is not cancelled.
# An order has at most one; the constraint below and ``InvoiceQuerySet.live`` both use this.
LIVE_INVOICE = Q(kind="invoice") & ~Q(status="cancelled")


# A document in force for a payment: its receipt or its full invoice, not cancelled.
LIVE_PAYMENT_DOCUMENT = Q(payment__isnull=False) & Q(kind__in=["invoice", "receipt"]) & ~Q(status="cancelled")


# Set while ``InvoiceQuerySet.bulk_update`` runs: it has checked its objects, and Django's
# implementation then calls ``update()`` with ``Case`` expressions the check cannot read.
_bulk_update_checked: ContextVar[bool] = ContextVar("invoice_bulk_update_checked", default=False)


class InvoiceQuerySet(models.QuerySet):
    """Bulk writes limited to what may change after issue (``Invoice.MUTABLE_FIELDS``).

    ``update()`` and ``bulk_update()`` accept only the status, its timestamps,
    the PDF copy's fields, the write-once hashes (from empty to a value, never
    changed or emptied) and the customer link, which may only be emptied
    (account deletion). Anything else raises IssuedInvoiceError before a query
    runs. On PostgreSQL triggers enforce the same rule for any SQL (migration
    ``0006_tamper_triggers``).
    """

    def live(self):
        """Invoices in force (``LIVE_INVOICE``): at most one per order."""
        return self.filter(LIVE_INVOICE)

    def delete(self):
        raise IssuedInvoiceError("Issued invoices are never deleted; cancel them instead.")

    def update(self, **kwargs):
        if _bulk_update_checked.get():
            return super().update(**kwargs)
        Invoice.bulk_fields_check(kwargs.keys())
        for field in ("customer", "customer_id"):
            if field in kwargs and kwargs[field] is not None:
                raise IssuedInvoiceError("An issued invoice's customer link can only be emptied (account deletion).")
        for field in Invoice.WRITE_ONCE_FIELDS:
            if field in kwargs:
                value = kwargs[field]
                if not isinstance(value, str) or not value:
                    raise IssuedInvoiceError(f"{field} is written once, with a value; it is never emptied.")
                if self.exclude(**{field: ""}).exclude(**{field: value}).exists():
                    raise IssuedInvoiceError(f"{field} is written once and is already set.")
        return super().update(**kwargs)

    def bulk_update(self, objs, fields, batch_size=None):
        objs = list(objs)
        Invoice.bulk_fields_check(fields)
        names = {Invoice._meta.get_field(name).name for name in fields}
        if "customer" in names and any(obj.customer_id is not None for obj in objs):
            raise IssuedInvoiceError("An issued invoice's customer link can only be emptied (account deletion).")
        for field in Invoice.WRITE_ONCE_FIELDS & names:
            if any(not getattr(obj, field) for obj in objs):
                raise IssuedInvoiceError(f"{field} is written once, with a value; it is never emptied.")
            stored = dict(self.model._base_manager.filter(pk__in=[obj.pk for obj in objs]).values_list("pk", field))
            if any(stored.get(obj.pk) not in ("", getattr(obj, field)) for obj in objs):
                raise IssuedInvoiceError(f"{field} is written once and is already set.")
        token = _bulk_update_checked.set(True)
        try:
            return super().bulk_update(objs, fields, batch_size=batch_size)
        finally:
            _bulk_update_checked.reset(token)


class IssuedInvoiceError(ValidationError):
    """An attempt to delete or rewrite an issued invoice."""


class Invoice(models.Model):
    class Kind(models.TextChoices):
        INVOICE = "invoice", _("Invoice")
        # Full cancellation (Stornorechnung): negates every line of the invoice it ``cancels``.
        CANCELLATION = "cancellation", _("Cancellation")
        # Partial correction (Rechnungskorrektur): negates chosen lines/quantities of the invoice it ``corrects``.
        CORRECTION = "correction", _("Correction")
        # A simplified invoice (art. 226b, § 33 UStDV): no buyer, gross up to the small-amount limit.
        RECEIPT = "receipt", _("Receipt")

    class Status(models.TextChoices):
        # Issued (numbered) but not delivered yet, e.g. the mail failed. There is
        # no unnumbered draft: an invoice is issued in the same transaction that
        # allocates its number. The stored value is still "draft" (the first
        # schema's name); renaming it would need a data migration for nothing.
        # A context of their own: French agrees them with "facture" (émise, payée).
        ISSUED = "draft", pgettext_lazy("invoice status", "Issued")
        SENT = "sent", pgettext_lazy("invoice status", "Sent")
        PAID = "paid", pgettext_lazy("invoice status", "Paid")
        CANCELLED = "cancelled", pgettext_lazy("invoice status", "Cancelled")

    # The status machine: which status may follow which, and the time each one
    # stamps. Changed only through ``invoices.services.invoice_set_status``;
    # cancelled is final and is reached only by issuing a cancellation document.
    STATUS_TRANSITIONS = {
        Status.ISSUED: frozenset({Status.SENT, Status.PAID, Status.CANCELLED}),
        Status.SENT: frozenset({Status.PAID, Status.CANCELLED}),
        Status.PAID: frozenset({Status.CANCELLED}),
        Status.CANCELLED: frozenset(),
    }
    STATUS_TIMESTAMPS = {Status.SENT: "sent_at", Status.PAID: "paid_at", Status.CANCELLED: "cancelled_at"}

    # Only these may change after issue (delivery/bookkeeping state and the PDF copy).
    MUTABLE_FIELDS = frozenset(
        {
            "status",
            "sent_at",
            "paid_at",
            "cancelled_at",
            "pdf_path",
            "pdf_rendered_at",
            "pdf_error",
            "pdf_sha256",
            "xml_sha256",
        }
    )
    # Written once: from "" to the hash, then never changed or emptied.
    WRITE_ONCE_FIELDS = frozenset({"pdf_sha256", "xml_sha256"})
    # What bulk writes (update/bulk_update) may touch: the above, and the customer link, which only
    # account deletion changes, by emptying it. ``save()`` never changes the link.
    BULK_MUTABLE_FIELDS = MUTABLE_FIELDS | {"customer", "customer_id"}

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.INVOICE)
    cancels = models.OneToOneField(
        "self",
        verbose_name=_("cancels"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cancellation",
        help_text=_("For a cancellation document: the invoice it cancels."),
    )
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        help_text=_("For a partial correction: the invoice it corrects."),
    )
    replaces = models.ForeignKey(
        "self",
        verbose_name=_("replaces"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        help_text=_("For a re-issue after a cancellation: the cancelled invoice this one replaces."),
    )
    correction_reason = models.TextField(
        _("reason for the correction"), blank=True, help_text=_("Why a cancellation or correction was issued.")
    )
    # The language the document was issued (and is always re-rendered) in.
    language = models.CharField(_("document language"), max_length=8, default="en")
    # SHA-256 (hex) of the document's EN 16931 XML, computed once at issue from the frozen rows
    # (deterministic); empty for documents without XML (receipts without a buyer) and older ones.
    xml_sha256 = models.CharField(_("XML SHA-256"), max_length=64, blank=True)
    # The seller (taxable person, owner of the number range) and the restaurant where the meal took place.
    company = models.ForeignKey(
        "orders.Company", on_delete=models.PROTECT, related_name="invoices", verbose_name=_("company")
    )
    restaurant = models.ForeignKey(
        "orders.Restaurant", on_delete=models.PROTECT, related_name="invoices", verbose_name=_("restaurant")
    )
    # SET_NULL: a customer may close the account, but the restaurant must keep
    # its invoices (with the frozen buyer details) for the legal retention period.
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invoices",
        verbose_name=_("customer"),
    )
    order = models.ForeignKey(
        "orders.Order", on_delete=models.PROTECT, related_name="invoices", verbose_name=_("order")
    )

    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    sequence = models.PositiveIntegerField(
        _("sequence"), editable=False, help_text=_("Position in the company's yearly sequence.")
    )
    number = models.CharField(_("number"), max_length=64, editable=False)
    issue_date = models.DateField(_("issue date"))
    order_paid_on = models.DateField(
        _("paid on"),
        null=True,
        blank=True,
        help_text=_('The day the order was paid, in the restaurant\'s time zone ("Paid on").'),
    )
    supply_date = models.DateField(
        _("date of supply"),
        help_text=_("Date of supply: the day the meal was served (placed, if never marked served)."),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3)
    subtotal_cents = models.IntegerField(_("net total (cents)"))
    tax_cents = models.IntegerField(_("VAT total (cents)"))
    total_cents = models.IntegerField(_("gross total (cents)"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ISSUED, db_index=True)
    notes = models.TextField(_("notes"), blank=True)

    # Seller: the company's legal details at the time of issue (a VAT ID or a tax number, or both).
    seller_name = models.CharField(_("seller name"), max_length=200)
    seller_street = models.CharField(_("seller street"), max_length=200)
    seller_postal_code = models.CharField(_("seller postal code"), max_length=20)
    seller_city = models.CharField(_("seller city"), max_length=100)
    seller_country = models.CharField(_("seller country"), max_length=2)
    seller_vat_id = models.CharField(_("seller VAT ID"), max_length=50, blank=True)
    seller_tax_number = models.CharField(_("seller tax number"), max_length=50, blank=True)
    seller_register_court = models.CharField(_("seller register court"), max_length=200, blank=True)
    seller_register_number = models.CharField(_("seller register number"), max_length=50, blank=True)
    seller_managing_directors = models.CharField(_("seller managing directors"), max_length=300, blank=True)
    seller_email = models.CharField(_("seller email"), max_length=254, blank=True)
    seller_phone = models.CharField(_("seller phone"), max_length=40, blank=True)

    # Place of supply: the restaurant where the meal took place, at the time of issue.
    place_name = models.CharField(_("place of supply"), max_length=200, blank=True)
    place_street = models.CharField(_("place of supply: street"), max_length=200, blank=True)
    place_postal_code = models.CharField(_("place of supply: postal code"), max_length=20, blank=True)
    place_city = models.CharField(_("place of supply: city"), max_length=100, blank=True)
    place_country = models.CharField(_("place of supply: country"), max_length=2, blank=True)

    # Buyer: the customer's billing details at the time of issue.
    buyer_name = models.CharField(_("buyer name"), max_length=200)
    buyer_business_name = models.CharField(_("buyer business name"), max_length=200, blank=True)
    buyer_street = models.CharField(_("buyer street"), max_length=200)
    buyer_postal_code = models.CharField(_("buyer postal code"), max_length=20)
    buyer_city = models.CharField(_("buyer city"), max_length=100)
    buyer_country = models.CharField(_("buyer country"), max_length=2)
    buyer_vat_id = models.CharField(_("buyer VAT ID"), max_length=50, blank=True)
    buyer_email = models.CharField(_("buyer email"), max_length=254, blank=True)

    # Storage name of the rendered PDF in STORAGES["invoices"]; the frozen
    # fields above are the record, the file is a rendering that can be redone.
    pdf_path = models.CharField(_("stored PDF"), max_length=255, blank=True)
    pdf_rendered_at = models.DateTimeField(_("PDF rendered at"), null=True, blank=True)
    pdf_error = models.CharField(_("PDF error"), max_length=255, blank=True)
    # SHA-256 (hex) of the stored file, so a lost or altered copy can be found
    # (manage.py check_documents); empty for files stored before it existed.
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64, blank=True)

    # The payment the document is issued for (all lines of its orders), with
    # the tip and method copied: the tip is printed below the total, outside
    # the VAT base. Empty for documents of orders paid without a payment record.
    payment = models.ForeignKey(
        "orders.Payment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("payment"),
    )
    payment_method = models.CharField(_("payment method"), max_length=10, blank=True)
    tip_cents = models.IntegerField(_("tip (cents)"), default=0)
    paid_cents = models.IntegerField(_("amount paid incl. tip (cents)"), null=True, blank=True)
    # Issued by staff in the admin (who: the audit log's DOCUMENT_ISSUED entry), not asked for by
    # the customer or guest. A flag, not a user foreign key: deleting an account never rewrites invoices.
    issued_by_staff = models.BooleanField(_("issued by staff"), default=False)

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-issue_date", "-id"]
        constraints = [
            # Unique per taxable person: all restaurants of a company share one range.
            models.UniqueConstraint(fields=["company", "number"], name="invoice_company_number_unique"),
            models.UniqueConstraint(fields=["company", "year", "sequence"], name="invoice_company_sequence_unique"),
            # At most one live invoice per order: the database backs up the service's lock.
            models.UniqueConstraint(
                fields=["order"],
                condition=LIVE_INVOICE,
                name="invoice_one_live_per_order",
            ),
            models.CheckConstraint(
                condition=Q(total_cents=models.F("subtotal_cents") + models.F("tax_cents")),
                name="invoice_net_plus_tax_is_total",
            ),
            # One document in force per payment (a receipt or a full invoice, never both).
            models.UniqueConstraint(
                fields=["payment"],
                condition=LIVE_PAYMENT_DOCUMENT,
                name="invoice_one_live_per_payment",
            ),
        ]
        indexes = [models.Index(fields=["customer", "-issue_date"], name="invoice_customer_issued")]

    def __str__(self):
        return self.number

    def save(self, *args, **kwargs):
        if self._state.adding:
            # A new object that carries the id of an issued invoice must fail, not UPDATE that row.
            kwargs["force_insert"] = True
            if self.company_id is None and self.restaurant_id is not None:
                # The number range is the company's; callers that name only the restaurant get its company.
                self.company_id = self.restaurant.company_id
        else:
            update_fields = kwargs.get("update_fields")
            if update_fields is None or not set(update_fields) <= self.MUTABLE_FIELDS:
                raise IssuedInvoiceError(
                    "An issued invoice cannot be edited; only its status and PDF copy may change "
                    "(save with update_fields)."
                )
            for field in self.WRITE_ONCE_FIELDS & set(update_fields):
                value = getattr(self, field)
                stored = type(self)._base_manager.filter(pk=self.pk).values_list(field, flat=True).first()
                if not value or stored not in ("", value):
                    raise IssuedInvoiceError(f"{field} is written once, from empty to a value.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise IssuedInvoiceError(f"Invoice {self.number} is issued and can never be deleted; cancel it instead.")

    @classmethod
    def bulk_fields_check(cls, fields: Iterable[str]) -> None:
        """Raise IssuedInvoiceError unless every field may change after issue (``BULK_MUTABLE_FIELDS``)."""
        frozen = sorted(set(fields) - cls.BULK_MUTABLE_FIELDS)
        if frozen:
            raise IssuedInvoiceError(
                f"Issued invoices are frozen: {', '.join(frozen)} cannot be changed "
                "(only status, delivery and PDF copy fields, write-once hashes, and emptying the customer link)."
            )

    @property
    def is_cancellation(self) -> bool:
        return self.kind == self.Kind.CANCELLATION

    @property
    def is_correction(self) -> bool:
        return self.kind == self.Kind.CORRECTION

    @property
    def is_corrective(self) -> bool:
        """A cancellation or partial correction: negated lines that refer to an original document."""
        return self.kind in (self.Kind.CANCELLATION, self.Kind.CORRECTION)

    @property
    def corrected_document(self) -> "Invoice | None":
        """The original a cancellation or correction refers to (number and date are printed on it)."""
        if self.cancels_id:
            return self.cancels
        if self.corrects_id:
            return self.corrects
        return None

    @property
    def title(self) -> str:
        """The document's heading, in the active language (renderings activate ``language``).

        German: Kleinbetragsrechnung / Rechnung / Stornorechnung / Rechnungskorrektur; never "Gutschrift"
        (self-billing). The receipt's title has its own context: the page's "Receipt" is "Beleg".
        """
        if self.kind == self.Kind.RECEIPT:
            return pgettext("document title", "Receipt")
        if self.is_cancellation:
            return gettext("Cancellation invoice")
        if self.is_correction:
            return gettext("Invoice correction")
        return gettext("Invoice")

    @property
    def number_label(self) -> str:
        """The label of the number on the document ("Invoice no." / "Rechnungsnummer")."""
        if self.kind == self.Kind.RECEIPT:
            return gettext("Receipt no.")
        if self.is_correction:
            return gettext("Correction no.")
        return gettext("Cancellation invoice no.") if self.is_cancellation else gettext("Invoice no.")

    @property
    def is_receipt(self) -> bool:
        return self.kind == self.Kind.RECEIPT

    @property
    def pdf_filename(self) -> str:
        safe = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in self.number)
        return f"{safe}.pdf"

    def vat_rows(self, lines=None) -> list[dict]:
        """Net, VAT and gross per rate, summed from the stored lines (no rounding here)."""
        rows: dict[Decimal, dict] = {}
        for line in self.lines.all() if lines is None else lines:
            rate = Decimal(line.vat_rate).normalize()
            row = rows.setdefault(rate, {"rate": rate, "net_cents": 0, "vat_cents": 0, "gross_cents": 0})
            row["net_cents"] += line.net_cents
            row["vat_cents"] += line.vat_cents
            row["gross_cents"] += line.gross_cents
        return [rows[rate] for rate in sorted(rows, reverse=True)]


class InvoiceLineQuerySet(models.QuerySet):
    def delete(self):
        raise IssuedInvoiceError("Lines of an issued invoice are never deleted; cancel the invoice instead.")

    def update(self, **kwargs):
        raise IssuedInvoiceError("Lines of an issued invoice are never edited; cancel the invoice instead.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise IssuedInvoiceError("Lines of an issued invoice are never edited; cancel the invoice instead.")


class InvoiceLine(models.Model):
    """A frozen line: gross and VAT are stored, net is derived (so net + VAT == gross).

    Lines are written once, with their invoice, and never changed or deleted
    afterwards (not even the ones of a cancelled invoice: the cancellation
    document copies them negated). Unlike the invoice, a line has no mutable
    fields at all.
    """

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="lines", verbose_name=_("document"))
    # On a cancellation or correction document: the original invoice's line this one negates.
    corrects_line = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="correction_lines",
        verbose_name=_("corrects line"),
    )
    position = models.PositiveSmallIntegerField(_("position"))
    description = models.CharField(_("description"), max_length=200)
    quantity = models.IntegerField(_("quantity"))
    unit_price_gross_cents = models.IntegerField(_("unit price incl. VAT (cents)"))
    vat_rate = models.DecimalField(_("VAT rate (%)"), max_digits=5, decimal_places=2)
    gross_cents = models.IntegerField(_("line total incl. VAT (cents)"))
    vat_cents = models.IntegerField(_("VAT (cents)"))

    objects = InvoiceLineQuerySet.as_manager()

    class Meta:
        ordering = ["position"]
        verbose_name = _("document line")
        verbose_name_plural = _("document lines")
        constraints = [models.UniqueConstraint(fields=["invoice", "position"], name="invoice_line_position_unique")]

    def __str__(self):
        return f"{self.quantity} × {self.description}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise IssuedInvoiceError(f"Line {self.position} of an issued invoice cannot be edited.")
        # As for the invoice: a new object with an existing line's id must not overwrite it.
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise IssuedInvoiceError(f"Line {self.position} of an issued invoice can never be deleted.")

    @property
    def net_cents(self) -> int:
        return self.gross_cents - self.vat_cents

    @property
    def quantity_display(self) -> str:
        # Cancellation lines are negative; print a real minus sign like the amounts.
        return f"−{-self.quantity}" if self.quantity < 0 else str(self.quantity)

    @property
    def unit_price_net_exact(self) -> Decimal:
        """Unit price excluding VAT in cents, unrounded; printed to 4 decimals (``unit_price`` filter).

        Why this presentation is lawful and adds up: art. 226 (8) VAT Directive /
        § 14 (4) Nr. 7 UStG require the unit price excluding VAT and the taxable
        amount per rate. The page prints quantity x unit price incl. VAT = gross
        amount exactly on each line, and the net amount and VAT per rate below;
        the unit price excl. VAT is given to 4 decimals (as EN 16931 BT-146
        allows), so quantity x it matches the net to the cent's rounding
        (11 x 0.0654 = 0.7194, net 0.72), where a 2-decimal unit price did not
        (11 x 0.07 = 0.77 against 0.72).
        """
        return Decimal(self.unit_price_gross_cents) * 100 / (100 + Decimal(self.vat_rate))

    @property
    def unit_price_net_cents(self) -> int:
        """Unit price excluding VAT, rounded half up to the cent (shown for information, art. 226(8)).

        Amounts are never computed from it: quantity × this may differ from the
        line's net amount by a cent, which comes from the gross price.
        """
        rate = Decimal(self.vat_rate)
        return round_half_up(Decimal(self.unit_price_gross_cents) * 100 / (100 + rate))


class BusinessMealDeclarationQuerySet(models.QuerySet):
    """Insert-only: every edit of a declaration adds a row."""

    def update(self, **kwargs):
        raise IssuedInvoiceError("A business-meal declaration is never edited; enter a new one.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise IssuedInvoiceError("A business-meal declaration is never edited; enter a new one.")

    def delete(self):
        raise IssuedInvoiceError("A business-meal declaration is kept with its document and never deleted.")


class BusinessMealDeclaration(models.Model):
    """The host's declaration for a business meal (Bewirtungsbeleg): host, occasion, participants.

    It belongs to the host, not to the invoice, so it is its own record and
    the invoice never changes. Every edit adds a row; the latest one is printed.
    Who entered it is in the audit log (no user foreign key: deleting an
    account must not rewrite the records kept with the invoice).
    """

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="business_meals")
    host = models.CharField(_("host"), max_length=200, blank=True)
    occasion = models.CharField(_("occasion"), max_length=300, blank=True)
    participants = models.TextField(_("participants"), max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BusinessMealDeclarationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return gettext("Business meal %(number)s (%(when)s)") % {
            "number": self.invoice_id,
            "when": f"{self.created_at:%Y-%m-%d %H:%M}",
        }

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise IssuedInvoiceError("A business-meal declaration is never edited; enter a new one.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise IssuedInvoiceError("A business-meal declaration is kept with its document and never deleted.")
