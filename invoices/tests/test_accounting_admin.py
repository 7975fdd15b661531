"""The accountant's export from the admin (scoped per company) and from ``manage.py export_invoices``."""

import io
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from customers.tests.factories import StaffFactory
from customers.tests.helpers import staff_force_login
from invoices.tests.test_accounting import month  # noqa: F401 - the data set fixture
from orders.tests.factories import RestaurantFactory

URL = "admin:invoices_invoice_accounting_export"


def export_url(target, **params) -> str:
    query = {"company": target.pk, "date_from": "2026-11-01", "date_to": "2026-11-30", "decimal_comma": "on"}
    query.update(params)
    return reverse(URL) + "?" + "&".join(f"{key}={value}" for key, value in query.items())


@pytest.fixture
def staff_of_month(month):  # noqa: F811
    return StaffFactory(restaurants=list(month.restaurants.all()))


def test_staff_download_their_companys_zip(client, month, staff_of_month):  # noqa: F811
    staff_force_login(client, staff_of_month)
    response = client.get(export_url(month))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert f'filename="accounting-{month.pk}-20261101-20261130.zip"' in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert "EXTF_Buchungsstapel_20261101_20261130.csv" in archive.namelist()
    assert "documents/INV-2026-0003.pdf" in archive.namelist()


def test_the_form_offers_only_the_staffs_companies(client, month, staff_of_month, restaurant_b):  # noqa: F811
    staff_force_login(client, staff_of_month)
    response = client.get(reverse(URL))
    assert response.status_code == 200
    body = response.content.decode()
    assert month.legal_name in body
    assert restaurant_b.company.legal_name not in body
    assert 'type="date"' in body


def test_another_companys_export_is_404(client, month, staff_b):  # noqa: F811
    staff_force_login(client, staff_b)
    assert client.get(export_url(month)).status_code == 404
    assert client.get(export_url(month, company="x")).status_code == 404


def test_staff_of_only_one_branch_cannot_export_the_company(client, month, staff_of_month):  # noqa: F811
    # A second restaurant of the same company: its bookings and buyers are not this staff member's.
    RestaurantFactory(company=month, name="Branch")
    staff_force_login(client, staff_of_month)
    assert client.get(export_url(month)).status_code == 404


def test_superusers_export_any_company(client, month, superuser):  # noqa: F811
    staff_force_login(client, superuser)
    assert client.get(export_url(month)).status_code == 200


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date_from": "2026-11-30", "date_to": "2026-11-01"}, "start is after its end"),
        ({"date_from": "2026-12-01", "date_to": "2027-01-31"}, "one fiscal year"),
        ({"date_from": "not-a-date"}, "Enter a valid date"),
    ],
)
def test_a_bad_period_is_a_form_error(client, month, staff_of_month, params, message):  # noqa: F811
    staff_force_login(client, staff_of_month)
    response = client.get(export_url(month, **params))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert message in response.content.decode()


def test_the_export_is_linked_from_the_invoice_list_and_the_index(client, staff_a):
    staff_force_login(client, staff_a)
    link = reverse(URL)
    assert link in client.get(reverse("admin:invoices_invoice_changelist")).content.decode()
    assert link in client.get(reverse("admin:index")).content.decode()


def test_customers_and_anonymous_get_no_export(client, customer, month):  # noqa: F811
    response = client.get(export_url(month))
    assert response.status_code == 302 and "login" in response["Location"]


# --- manage.py export_invoices -------------------------------------------------------------


def test_the_command_writes_the_zip(month, tmp_path):  # noqa: F811
    target = tmp_path / "november.zip"
    out = io.StringIO()
    call_command(
        "export_invoices", "--company", str(month.pk), "--from", "2026-11-01", "--to", "2026-11-30",
        "--out", str(target), stdout=out,
    )  # fmt: skip
    assert "5 document(s), INV-2026-0001 to INV-2026-0005" in out.getvalue()
    with zipfile.ZipFile(target) as archive:
        assert "summary.txt" in archive.namelist()
        assert b"Missing numbers: none" in archive.read("summary.txt")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--company", "999999", "--from", "2026-11-01", "--to", "2026-11-30"], "No company with id 999999"),
        (["--from", "2026-13-01", "--to", "2026-11-30"], "is not a date"),
        (["--from", "2026-11-30", "--to", "2026-11-01"], "start is after its end"),
        (["--from", "2026-12-01", "--to", "2027-01-31"], "one fiscal year"),
    ],
)
def test_the_command_explains_bad_arguments_and_writes_nothing(month, tmp_path, args, message):  # noqa: F811
    target = tmp_path / "out.zip"
    if "--company" not in args:
        args = ["--company", str(month.pk), *args]
    with pytest.raises(CommandError, match=message):
        call_command("export_invoices", *args, "--out", str(target))
    assert list(tmp_path.iterdir()) == []


def test_the_command_exits_non_zero_on_bad_arguments(month, tmp_path):  # noqa: F811
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "manage.py", "export_invoices", "--company", "x", "--from", "2026-11-01", "--to", "2026-11-30",
         "--out", str(tmp_path / "out.zip")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode != 0
    assert "invalid int value" in result.stderr


def test_the_command_fails_when_a_number_is_missing(month, tmp_path):  # noqa: F811
    from django.db import connection

    from invoices.models import Invoice

    target = Invoice.objects.get(company=month, number="INV-2026-0005")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Skips foreign keys and any trigger refusing DELETE of issued documents (see test_accounting).
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("DELETE FROM invoices_invoiceline WHERE invoice_id = %s", [target.pk])
        cursor.execute("DELETE FROM invoices_invoice WHERE id = %s", [target.pk])
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")
    with pytest.raises(CommandError, match="Missing document numbers: INV-2026-0005"):
        call_command(
            "export_invoices", "--company", str(month.pk), "--from", "2026-11-01", "--to", "2026-11-30",
            "--out", str(tmp_path / "out.zip"),
        )  # fmt: skip
    assert (tmp_path / "out.zip").exists()  # written all the same, with the gap in its summary


# --- The selected documents' CSV (invoice list action) -----------------------------------------


def test_the_document_csv_is_semicolon_separated_with_either_decimal_mark(client, month, staff_of_month):  # noqa: F811
    from django.contrib.admin import helpers

    from invoices.models import Invoice

    staff_force_login(client, staff_of_month)
    ids = list(Invoice.objects.filter(company=month).values_list("pk", flat=True))
    changelist = reverse("admin:invoices_invoice_changelist")
    comma = client.post(changelist, {"action": "export_csv", helpers.ACTION_CHECKBOX_NAME: ids}).content.decode()
    point = client.post(
        changelist, {"action": "export_csv_decimal_point", helpers.ACTION_CHECKBOX_NAME: ids}
    ).content.decode()
    assert comma.startswith("\ufeffNumber;Type;Status;")
    assert ";-20,00\r\n" in comma and ";-20.00\r\n" in point
    assert ";20,00\r\n" not in point
