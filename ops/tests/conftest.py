import pytest

from ops.health import migrations


@pytest.fixture(autouse=True)
def private_invoice_storage(settings, tmp_path):
    """The storage readiness check looks at a directory of this test, never at the real media root."""
    location = tmp_path / "private-media"
    settings.STORAGES = {
        **settings.STORAGES,
        "invoices": {"BACKEND": "invoices.storage.PrivateFileSystemStorage", "OPTIONS": {"location": str(location)}},
    }
    return location


@pytest.fixture(autouse=True)
def _fresh_migration_verdict():
    # The remembered "all migrations applied" must not leak between tests.
    migrations.forget()
    yield
    migrations.forget()
