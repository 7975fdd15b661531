"""invoice_pdf_store / invoice_pdf_bytes: one file per invoice under a stable name, on any storage."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import InMemoryStorage
from pypdf import PdfReader

from invoices.models import Invoice
from invoices.services import invoice_issue, invoice_pdf_bytes, invoice_pdf_name
from invoices.storage import PrivateFileSystemStorage, invoice_storage
from invoices.tests.factories import paid_order

pytestmark = pytest.mark.django_db


class Interleaving:
    """Runs ``during_save`` once, at the start of the next save, before the storage
    picks a name: the download has decided the file is missing, and a second
    download of the same invoice runs in between, as if both arrived at once."""

    during_save = None

    def get_available_name(self, name, max_length=None):
        hook, Interleaving.during_save = Interleaving.during_save, None
        if hook is not None:
            hook()
        return super().get_available_name(name, max_length=max_length)


class InterleavingFileSystemStorage(Interleaving, PrivateFileSystemStorage):
    pass


class InterleavingMemoryStorage(Interleaving, InMemoryStorage):
    """A storage that never overwrites (like S3Storage with file_overwrite=False): a taken name gets a suffix."""


class ObjectStoreError(Exception):
    """What an object store's client raises for a missing key (not an OSError)."""


class ObjectStoreLikeStorage(InMemoryStorage):
    def _open(self, name, mode="rb"):
        if not self.exists(name):
            raise ObjectStoreError(f"NoSuchKey: {name}")
        return super()._open(name, mode)


@pytest.fixture
def use_storage(settings, tmp_path):
    def use(backend, **options):
        if backend.endswith("FileSystemStorage"):
            options.setdefault("location", str(tmp_path / "private-media"))
        settings.STORAGES = {**settings.STORAGES, "invoices": {"BACKEND": backend, "OPTIONS": options}}
        return invoice_storage()

    yield use
    Interleaving.during_save = None


@pytest.fixture
def unrendered_invoice(customer):
    """An issued invoice whose after-commit rendering has not run (no file yet)."""
    invoice = invoice_issue(order=paid_order(customer=customer), customer=customer)
    assert invoice.pdf_path == ""
    return invoice


def files_of(storage, invoice) -> list[str]:
    folder = invoice_pdf_name(invoice).rsplit("/", 1)[0]
    return sorted(f"{folder}/{name}" for name in storage.listdir(folder)[1])


def is_the_invoice(data: bytes, invoice) -> bool:
    return invoice.number in PdfReader(io.BytesIO(data)).pages[0].extract_text()


@pytest.mark.parametrize(
    "backend",
    [
        f"{__name__}.InterleavingFileSystemStorage",  # overwrites under the stable name
        f"{__name__}.InterleavingMemoryStorage",  # never overwrites
    ],
    ids=["overwriting-storage", "non-overwriting-storage"],
)
def test_two_downloads_of_a_missing_file_at_once_leave_exactly_one_file(use_storage, unrendered_invoice, backend):
    storage = use_storage(backend)
    first = Invoice.objects.get(pk=unrendered_invoice.pk)
    second = Invoice.objects.get(pk=unrendered_invoice.pk)
    downloads = {}
    Interleaving.during_save = lambda: downloads.setdefault("second", invoice_pdf_bytes(invoice=second))

    downloads["first"] = invoice_pdf_bytes(invoice=first)

    recorded = Invoice.objects.get(pk=unrendered_invoice.pk).pdf_path
    assert files_of(storage, unrendered_invoice) == [recorded]
    assert first.pdf_path == second.pdf_path == recorded
    if backend.endswith("FileSystemStorage"):
        assert recorded == invoice_pdf_name(unrendered_invoice)
    assert is_the_invoice(downloads["first"], first) and is_the_invoice(downloads["second"], second)
    with storage.open(recorded) as handle:
        assert is_the_invoice(handle.read(), first)


def test_rendering_again_replaces_the_file_under_its_stable_name(use_storage, unrendered_invoice):
    storage = use_storage("invoices.storage.PrivateFileSystemStorage")
    name = invoice_pdf_name(unrendered_invoice)
    assert storage.save(name, ContentFile(b"%PDF-1.7\n%\xe2\xe3")) == name  # a write cut short (crash, full disk)
    Invoice.objects.filter(pk=unrendered_invoice.pk).update(pdf_path=name)
    unrendered_invoice.refresh_from_db()

    data = invoice_pdf_bytes(invoice=unrendered_invoice)

    assert is_the_invoice(data, unrendered_invoice)
    assert unrendered_invoice.pdf_path == name
    assert files_of(storage, unrendered_invoice) == [name]  # no temporary file left next to it
    with storage.open(name) as handle:
        assert handle.read() == data


def test_missing_file_on_an_object_store_is_rendered_again(use_storage, unrendered_invoice):
    storage = use_storage(f"{__name__}.ObjectStoreLikeStorage")
    data = invoice_pdf_bytes(invoice=unrendered_invoice)
    storage.delete(unrendered_invoice.pdf_path)

    again = invoice_pdf_bytes(invoice=unrendered_invoice)

    assert is_the_invoice(again, unrendered_invoice)
    assert len(again) == len(data)
    assert storage.exists(unrendered_invoice.pdf_path)
    assert files_of(storage, unrendered_invoice) == [unrendered_invoice.pdf_path]


def test_stored_file_is_served_without_rendering_again(use_storage, unrendered_invoice):
    use_storage("invoices.storage.PrivateFileSystemStorage")
    data = invoice_pdf_bytes(invoice=unrendered_invoice)
    rendered_at = unrendered_invoice.pdf_rendered_at

    assert invoice_pdf_bytes(invoice=unrendered_invoice) == data
    unrendered_invoice.refresh_from_db()
    assert unrendered_invoice.pdf_rendered_at == rendered_at


def test_private_storage_has_no_url(use_storage):
    storage = use_storage("invoices.storage.PrivateFileSystemStorage")
    with pytest.raises(NotImplementedError):
        storage.url("customers/1/invoices/INV-2026-0001.pdf")
