import pytest


@pytest.fixture(autouse=True)
def private_invoice_storage(settings, tmp_path):
    """Each test writes invoice PDFs to its own directory, never to the real media root."""
    location = tmp_path / "private-media"
    settings.STORAGES = {
        **settings.STORAGES,
        "invoices": {"BACKEND": "invoices.storage.PrivateFileSystemStorage", "OPTIONS": {"location": str(location)}},
    }
    return location
