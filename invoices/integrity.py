"""Are the records and stored files still the ones we wrote? (``manage.py check_documents``)

The frozen database rows are the record, fixed at issue by the SHA-256 of
their EN 16931 XML (``Invoice.xml_sha256``, the XML is deterministic); a
stored PDF is the copy that was delivered. After a restore, a storage
migration or a disk incident, each issued document's file must still exist
and hash to what was recorded when it was stored, and each document's rows
must still give the XML hash recorded at issue (a change made around the
ORM and the database triggers shows up here).
"""

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection

from invoices.models import Invoice
from invoices.storage import invoice_storage

# The PostgreSQL triggers that freeze issued documents (migration 0006_tamper_triggers) and the
# recorded payments the accountant's export books from (orders 0014_payment_tamper_trigger).
FREEZE_TRIGGERS = {
    "invoices_invoice_frozen": "invoices_invoice",
    "invoices_invoiceline_insert_only": "invoices_invoiceline",
    "invoices_businessmealdeclaration_insert_only": "invoices_businessmealdeclaration",
    "orders_payment_frozen": "orders_payment",
}

MISSING = "missing"
ALTERED = "altered"
NOT_STORED = "not stored"
UNREADABLE = "unreadable"
RECORD_ALTERED = "record altered"


@dataclass(frozen=True)
class DocumentProblem:
    invoice_id: int
    number: str
    path: str
    problem: str
    detail: str = ""


@dataclass
class DocumentCheck:
    checked: int = 0
    # Stored before hashes were recorded: present, but not comparable.
    without_hash: int = 0


def _sha256(storage, name: str) -> str:
    digest = hashlib.sha256()
    with storage.open(name, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def invoice_documents_check(*, summary: DocumentCheck | None = None) -> Iterator[DocumentProblem]:
    """Yields each issued document whose file is missing, unreadable, altered or was never stored.

    Reads every file once (streamed); works on any storage backend. Pass a
    ``DocumentCheck`` to get the counts once the iterator is exhausted.
    """
    summary = summary if summary is not None else DocumentCheck()
    storage = invoice_storage()
    documents = Invoice.objects.order_by("pk").only("pk", "number", "pdf_path", "pdf_sha256")
    for invoice in documents.iterator(chunk_size=500):
        summary.checked += 1
        path = invoice.pdf_path
        if not path:
            yield DocumentProblem(invoice.pk, invoice.number, path, NOT_STORED)
            continue
        try:
            if not storage.exists(path):
                yield DocumentProblem(invoice.pk, invoice.number, path, MISSING)
                continue
            actual = _sha256(storage, path)
        except Exception as exc:
            yield DocumentProblem(invoice.pk, invoice.number, path, UNREADABLE, f"{type(exc).__name__}: {exc}")
            continue
        if not invoice.pdf_sha256:
            summary.without_hash += 1
        elif actual != invoice.pdf_sha256:
            yield DocumentProblem(invoice.pk, invoice.number, path, ALTERED, f"sha256 {actual}")
    yield from invoice_records_check()


def invoice_records_check() -> Iterator[DocumentProblem]:
    """Yields each document whose frozen rows no longer give the XML hash recorded at issue.

    Documents without XML (receipts, older documents: empty ``xml_sha256``)
    have nothing to compare. Streams the documents with their lines in chunks.
    """
    try:
        from invoices.facturx import invoice_facturx_xml
    except ImportError:  # the XML builder is not part of this installation
        return
    documents = (
        Invoice.objects.exclude(xml_sha256="")
        .select_related("cancels", "corrects", "replaces")
        .prefetch_related("lines")
        .order_by("pk")
    )
    for invoice in documents.iterator(chunk_size=200):
        try:
            actual = hashlib.sha256(invoice_facturx_xml(invoice)).hexdigest()
        except Exception as exc:
            yield DocumentProblem(invoice.pk, invoice.number, "", RECORD_ALTERED, f"{type(exc).__name__}: {exc}")
            continue
        if actual != invoice.xml_sha256:
            yield DocumentProblem(invoice.pk, invoice.number, "", RECORD_ALTERED, f"XML sha256 {actual}")


def invoice_freeze_triggers_missing() -> list[str]:
    """The freeze triggers (documents and payments) that are absent or disabled (PostgreSQL); empty elsewhere.

    A table owner can drop or disable a trigger; this makes that visible in
    ``check_documents`` instead of leaving the documents silently unprotected.
    """
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal AND t.tgenabled <> 'D' AND t.tgname = ANY(%s) AND c.relname = ANY(%s)",
            [list(FREEZE_TRIGGERS), list(FREEZE_TRIGGERS.values())],
        )
        active = {name for (name,) in cursor.fetchall()}
    return sorted(f"{name} on {table}" for name, table in FREEZE_TRIGGERS.items() if name not in active)
