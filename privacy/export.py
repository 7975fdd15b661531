"""What a data export contains: one JSON file per kind of data, plus the invoice PDFs.

Everything is read through the customer (or their account), never by id, so
another customer's data cannot end up in the file. Amounts are integer cents
with their currency, times ISO 8601 in UTC. Secrets are left out on purpose:
no password hash, no MFA secret or backup code, no order access tokens.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import dataclass, field
from tempfile import SpooledTemporaryFile
from typing import IO, Any

from allauth.account.models import EmailAddress
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.utils import timezone

from audit.selectors import audit_entries_for_account
from customers.mfa.services import mfa_is_enabled
from customers.models import Customer
from invoices.models import BusinessMealDeclaration, Invoice
from invoices.pdf import invoice_render_pdf
from invoices.services import invoice_pdf_bytes
from orders.models import Order

# Up to this size the archive stays in memory; a larger one (hundreds of
# invoice PDFs) spills into a temporary file instead of filling the worker's RAM.
EXPORT_SPOOL_BYTES = 8 * 1024 * 1024
INVOICE_PDF_DIR = "invoices"

_PROFILE_FIELDS = ("full_name", "business_name", "vat_id", "street", "postal_code", "city", "country", "phone")
_BUYER_FIELDS = (
    "buyer_name",
    "buyer_business_name",
    "buyer_street",
    "buyer_postal_code",
    "buyer_city",
    "buyer_country",
    "buyer_vat_id",
    "buyer_email",
)
_SELLER_FIELDS = (
    "seller_name",
    "seller_street",
    "seller_postal_code",
    "seller_city",
    "seller_country",
    "seller_vat_id",
    "seller_email",
    "seller_phone",
)


@dataclass
class DataExport:
    """A finished archive, positioned at its start, ready to stream."""

    file: IO[bytes]
    filename: str
    size: int
    counts: dict[str, int] = field(default_factory=dict)


def export_profile(*, customer: Customer) -> dict[str, Any]:
    user = customer.user
    return {
        "account": {
            "email": user.email,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
            "two_factor_authentication": mfa_is_enabled(user=user),
        },
        "profile": {
            **{name: getattr(customer, name) for name in _PROFILE_FIELDS},
            "created_at": customer.created_at,
            "updated_at": customer.updated_at,
        },
    }


def export_email_addresses(*, customer: Customer) -> list[dict[str, Any]]:
    addresses = EmailAddress.objects.filter(user=customer.user).order_by("-primary", "email")
    return [{"email": a.email, "primary": a.primary, "verified": a.verified} for a in addresses]


def export_orders(*, customer: Customer) -> list[dict[str, Any]]:
    orders = (
        Order.objects.filter(customer=customer)
        .select_related("restaurant", "table")
        .prefetch_related("lines")
        .order_by("placed_at", "id")
    )
    return [
        {
            "id": order.pk,
            "restaurant": order.restaurant.name,
            "table": order.table.label,
            "status": order.status,
            "placed_at": order.placed_at,
            "preparing_at": order.preparing_at,
            "served_at": order.served_at,
            "paid_at": order.paid_at,
            "cancelled_at": order.cancelled_at,
            "note": order.note,
            "currency": order.currency,
            "total_cents": order.total_cents,
            "lines": [
                {
                    "name": line.name,
                    "quantity": line.quantity,
                    "unit_price_cents": line.unit_price_cents,
                    "vat_rate": line.vat_rate,
                    "total_cents": line.total_cents,
                }
                for line in order.lines.all()
            ],
        }
        for order in orders
    ]


def _invoices(*, customer: Customer) -> list[Invoice]:
    return list(
        Invoice.objects.filter(customer=customer)
        .select_related("cancels", "corrects", "replaces")
        .prefetch_related(
            "lines",
            # The host's business-meal declarations: personal data the customer typed in, every version.
            Prefetch("business_meals", queryset=BusinessMealDeclaration.objects.order_by("created_at", "id")),
        )
        .order_by("issue_date", "id")
    )


def invoice_pdf_names(invoices: list[Invoice]) -> dict[int, str]:
    """Archive path per invoice. Numbers are unique per restaurant only, so a clash gets the id appended."""
    names: dict[int, str] = {}
    taken: set[str] = set()
    for invoice in invoices:
        name = f"{INVOICE_PDF_DIR}/{invoice.pdf_filename}"
        if name in taken:
            name = f"{name.removesuffix('.pdf')}-{invoice.pk}.pdf"
        taken.add(name)
        names[invoice.pk] = name
    return names


def export_invoice(*, invoice: Invoice, pdf_name: str) -> dict[str, Any]:
    return {
        "number": invoice.number,
        "kind": invoice.kind,
        "cancels": invoice.cancels.number if invoice.cancels_id else None,
        "corrects": invoice.corrects.number if invoice.corrects_id else None,
        "replaces": invoice.replaces.number if invoice.replaces_id else None,
        "correction_reason": invoice.correction_reason,
        "order_id": invoice.order_id,
        "status": invoice.status,
        "issue_date": invoice.issue_date,
        "supply_date": invoice.supply_date,
        "currency": invoice.currency,
        "net_cents": invoice.subtotal_cents,
        "vat_cents": invoice.tax_cents,
        "gross_cents": invoice.total_cents,
        "seller": {name.removeprefix("seller_"): getattr(invoice, name) for name in _SELLER_FIELDS},
        "buyer": {name.removeprefix("buyer_"): getattr(invoice, name) for name in _BUYER_FIELDS},
        "lines": [
            {
                "description": line.description,
                "quantity": line.quantity,
                "unit_price_gross_cents": line.unit_price_gross_cents,
                "vat_rate": line.vat_rate,
                "gross_cents": line.gross_cents,
                "vat_cents": line.vat_cents,
            }
            for line in invoice.lines.all()
        ],
        "business_meal_declarations": [
            {
                "host": declaration.host,
                "occasion": declaration.occasion,
                "participants": declaration.participants,
                "entered_at": declaration.created_at,
            }
            for declaration in invoice.business_meals.all()
        ],
        "pdf": pdf_name,
    }


def export_audit_entries(*, customer: Customer) -> list[dict[str, Any]]:
    user = customer.user
    return [
        {
            "when": entry.created_at,
            "action": entry.action,
            "description": str(entry.get_action_display()),
            # Who acted is the customer or someone else (staff, the system): a
            # staff member's identity is their personal data, not the customer's.
            "by_you": entry.actor_id == user.pk,
            "from_address": entry.ip_address,
            "object_type": entry.object_type,
            "object_id": entry.object_id,
            "details": entry.data,
        }
        for entry in audit_entries_for_account(user=user)
    ]


def invoice_pdf_for_export(*, invoice: Invoice) -> bytes:
    """The stored PDF, or a fresh rendering when the file is not the one recorded for this invoice.

    One customer's invoices from two restaurants can carry the same number
    and then share a storage name (the known ``invoice_pdf_name`` bug, see
    ``invoices/tests/test_check_documents.py``), so the file may hold the
    other document; its SHA-256 tells, and the export never hands it out.
    """
    data = invoice_pdf_bytes(invoice=invoice)
    if invoice.pdf_sha256 and hashlib.sha256(data).hexdigest() != invoice.pdf_sha256:
        return invoice_render_pdf(invoice)
    return data


def _json_bytes(data: Any) -> bytes:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode("utf-8")


def export_build(*, customer: Customer) -> DataExport:
    """The customer's archive: profile, email addresses, orders, invoices (JSON and PDFs), audit entries.

    Built into a spooled temporary file (memory up to ``EXPORT_SPOOL_BYTES``).
    The PDFs come from the invoice storage, or are rendered again from the
    frozen data if the stored copy is missing (``invoice_pdf_bytes``).
    """
    invoices = _invoices(customer=customer)
    pdf_names = invoice_pdf_names(invoices)
    files = {
        "profile.json": export_profile(customer=customer),
        "email_addresses.json": export_email_addresses(customer=customer),
        "orders.json": export_orders(customer=customer),
        "invoices.json": [export_invoice(invoice=i, pdf_name=pdf_names[i.pk]) for i in invoices],
        "audit_log.json": export_audit_entries(customer=customer),
    }
    archive = SpooledTemporaryFile(max_size=EXPORT_SPOOL_BYTES)  # noqa: SIM115 - handed to the response, which closes it
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, _json_bytes(data))
        for invoice in invoices:
            # PDFs are compressed already: stored as they are.
            zf.writestr(pdf_names[invoice.pk], invoice_pdf_for_export(invoice=invoice), zipfile.ZIP_STORED)
    size = archive.tell()
    archive.seek(0)
    return DataExport(
        file=archive,
        filename=f"my-data-{timezone.localdate():%Y-%m-%d}.zip",
        size=size,
        counts={
            "orders": len(files["orders.json"]),
            "invoices": len(invoices),
            "audit_entries": len(files["audit_log.json"]),
        },
    )
