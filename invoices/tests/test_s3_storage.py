"""INVOICE_STORAGE=s3: invoice PDFs in a private bucket of a real S3-compatible server (moto, on loopback)."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import boto3
import pytest
from moto.server import ThreadedMotoServer

from conftest import free_port
from invoices.models import Invoice
from invoices.services import invoice_issue
from invoices.storage import invoice_storage
from invoices.tests.factories import paid_order

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
KEYS = {"INVOICE_S3_ACCESS_KEY_ID": "test-key", "INVOICE_S3_SECRET_ACCESS_KEY": "test-secret"}


@pytest.fixture(scope="module")
def s3_endpoint():
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


def storages_from_environment(**env) -> dict:
    """STORAGES as config/settings.py builds it from these variables (a fresh process reads them)."""
    code = "import json; from django.conf import settings; print(json.dumps(settings.STORAGES))"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def bucket(settings, s3_endpoint):
    name = f"invoices-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="eu-central-1",
        aws_access_key_id=KEYS["INVOICE_S3_ACCESS_KEY_ID"],
        aws_secret_access_key=KEYS["INVOICE_S3_SECRET_ACCESS_KEY"],
    )
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    settings.STORAGES = storages_from_environment(
        INVOICE_STORAGE="s3",
        INVOICE_S3_BUCKET=name,
        INVOICE_S3_ENDPOINT_URL=s3_endpoint,
        INVOICE_S3_REGION="eu-central-1",
        **KEYS,
    )
    return client, name


def test_settings_refuse_s3_without_a_bucket_and_unknown_backends():
    for env, message in [
        ({"INVOICE_STORAGE": "s3"}, "INVOICE_S3_BUCKET"),
        ({"INVOICE_STORAGE": "ftp"}, "must be 'filesystem' or 's3'"),
    ]:
        result = subprocess.run(
            [sys.executable, "-c", "from django.conf import settings; settings.STORAGES"],
            cwd=ROOT,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "INVOICE_S3_BUCKET": "", **env},
            capture_output=True,
            text=True,
        )
        assert result.returncode != 0 and message in result.stderr


def test_invoice_pdf_is_a_private_object_and_only_its_owner_downloads_it(
    bucket, customer, other_customer, client, django_capture_on_commit_callbacks
):
    s3, name = bucket
    with django_capture_on_commit_callbacks(execute=True):
        invoice = invoice_issue(order=paid_order(customer=customer), customer=customer)
    invoice.refresh_from_db()

    key = f"invoices/customers/{customer.pk}/invoices/{invoice.company_id}-{invoice.pdf_filename}"
    assert invoice.pdf_path == f"customers/{customer.pk}/invoices/{invoice.company_id}-{invoice.pdf_filename}"
    stored = s3.get_object(Bucket=name, Key=key)["Body"].read()
    assert stored.startswith(b"%PDF-")
    grants = s3.get_object_acl(Bucket=name, Key=key)["Grants"]
    assert not [g for g in grants if g["Grantee"].get("URI", "").endswith(("AllUsers", "AuthenticatedUsers"))]

    client.force_login(other_customer.user)
    assert client.get(f"/customer/invoices/{invoice.pk}/download").status_code == 404
    client.force_login(customer.user)
    response = client.get(f"/customer/invoices/{invoice.pk}/download")
    assert response.status_code == 200 and response.content == stored


def test_a_lost_object_is_rendered_again_into_the_bucket(bucket, customer, client, django_capture_on_commit_callbacks):
    s3, name = bucket
    with django_capture_on_commit_callbacks(execute=True):
        invoice = invoice_issue(order=paid_order(customer=customer), customer=customer)
    invoice.refresh_from_db()
    key = f"invoices/{invoice.pdf_path}"
    s3.delete_object(Bucket=name, Key=key)

    client.force_login(customer.user)
    response = client.get(f"/customer/invoices/{invoice.pk}/download")
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert s3.get_object(Bucket=name, Key=key)["Body"].read() == response.content
    # One object per invoice: the new rendering took the old name.
    listed = s3.list_objects_v2(Bucket=name, Prefix=f"invoices/customers/{customer.pk}/")["Contents"]
    assert [obj["Key"] for obj in listed] == [key]
    assert Invoice.objects.get(pk=invoice.pk).pdf_path == invoice.pdf_path
    assert invoice_storage().exists(invoice.pdf_path)
