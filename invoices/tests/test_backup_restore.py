"""A backup restores: pg_dump a populated database, pg_restore it into a fresh one, copy the
document storage, and every issued document renders from the restored rows to the same content,
with every stored file intact (the README's commands, run for real)."""

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from pypdf import PdfReader

from invoices.models import Invoice
from invoices.services import invoice_cancel, invoice_issue
from invoices.tests.factories import paid_order

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def document_fingerprints() -> dict[str, dict]:
    """Per document: the rendered HTML's hash and the text of the rendered PDF, from the frozen rows only."""
    from invoices.pdf import invoice_html_to_pdf, invoice_render_html

    result = {}
    for invoice in Invoice.objects.select_related("cancels").order_by("pk"):
        html = invoice_render_html(invoice)
        pdf = PdfReader(io.BytesIO(invoice_html_to_pdf(html)))
        result[f"{invoice.restaurant_id}/{invoice.number}"] = {
            "html_sha256": hashlib.sha256(html.encode()).hexdigest(),
            "pdf_text": "\n".join(page.extract_text() for page in pdf.pages),
            "kind": invoice.kind,
            "status": invoice.status,
        }
    return result


def _pg_env(settings_dict) -> dict[str, str]:
    env = {**os.environ, "PGHOST": settings_dict["HOST"] or "127.0.0.1", "PGPORT": str(settings_dict["PORT"] or 5432)}
    env["PGUSER"] = settings_dict["USER"] or "postgres"
    if settings_dict["PASSWORD"]:
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return env


def _admin_connection(settings_dict):
    return psycopg.connect(
        host=settings_dict["HOST"] or "127.0.0.1",
        port=settings_dict["PORT"] or 5432,
        user=settings_dict["USER"] or "postgres",
        password=settings_dict["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )


@pytest.fixture
def restored_database():
    """A fresh, empty database (qr_ops_restore_…), dropped afterwards."""
    settings_dict = connection.settings_dict
    name = f"{settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    with _admin_connection(settings_dict) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield name
    with _admin_connection(settings_dict) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _run(args, env, **kwargs):
    result = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300, **kwargs)  # noqa: S603
    return result


def test_a_restored_backup_reproduces_every_document(
    customer, other_customer, restaurant_a, restaurant_b, private_invoice_storage, restored_database, tmp_path
):
    # A populated database: invoices of two restaurants and two customers, one of them cancelled.
    issued = [
        invoice_issue(order=paid_order(customer=customer, restaurant=restaurant_a), customer=customer),
        invoice_issue(order=paid_order(customer=customer, restaurant=restaurant_a), customer=customer),
        invoice_issue(order=paid_order(customer=other_customer, restaurant=restaurant_b), customer=other_customer),
    ]
    invoice_cancel(invoice=issued[1], reason="Wrong billing address")
    assert Invoice.objects.count() == 4
    assert all(Invoice.objects.values_list("pdf_sha256", flat=True))  # every file stored (after commit)
    before = document_fingerprints()

    # Back up: pg_dump in the custom format, and a copy of the document storage.
    settings_dict = connection.settings_dict
    env = _pg_env(settings_dict)
    dump = tmp_path / "backup.dump"
    done = _run(["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", settings_dict["NAME"]], env)
    assert done.returncode == 0, done.stderr
    media_copy = tmp_path / "restored-media"
    shutil.copytree(private_invoice_storage, media_copy)

    # Restore into a fresh database, then look at it only through a new process configured for it.
    done = _run(["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={restored_database}", str(dump)], env)
    assert done.returncode == 0, done.stderr
    user = settings_dict["USER"] or "postgres"
    password = f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else ""
    restored_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"postgres://{user}{password}@{env['PGHOST']}:{env['PGPORT']}/{restored_database}",
        "MEDIA_ROOT": str(media_copy),
    }
    restored_env.pop("REDIS_URL", None)

    migrated = _run([sys.executable, "manage.py", "migrate", "--check"], restored_env, cwd=ROOT)
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr

    checked = _run([sys.executable, "manage.py", "check_documents"], restored_env, cwd=ROOT)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Checked 4 document(s): 0 problem(s)." in checked.stdout

    script = (
        "import json, django; django.setup();"
        "from invoices.tests.test_backup_restore import document_fingerprints;"
        "print(json.dumps(document_fingerprints()))"
    )
    rendered = _run([sys.executable, "-c", script], restored_env, cwd=ROOT)
    assert rendered.returncode == 0, rendered.stderr
    after = json.loads(rendered.stdout.strip().splitlines()[-1])

    assert after == before
    assert {doc["kind"] for doc in after.values()} == {"invoice", "cancellation"}
