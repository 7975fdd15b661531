"""Companies (the taxable person) own restaurants; one company per existing restaurant.

The restaurant's legal name and VAT ID move to its new company. A value that
starts with two letters is kept as the VAT ID, anything else as the tax number
(the old field held either). The invoice number prefix and format come from the
former INVOICE_PREFIX / INVOICE_NUMBER_FORMAT settings, read from the
environment here once, so existing number ranges continue unchanged.
"""

import os
import re

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models

import common.countries
import common.text


def companies_create(apps, schema_editor):
    Company = apps.get_model("orders", "Company")
    Restaurant = apps.get_model("orders", "Restaurant")
    prefix = os.environ.get("INVOICE_PREFIX", "INV")
    fmt = os.environ.get("INVOICE_NUMBER_FORMAT", "{prefix}-{year}-{number:04d}")
    for restaurant in Restaurant.objects.order_by("pk"):
        identifier = re.sub(r"\s+", "", restaurant.vat_id or "")
        is_vat_id = bool(re.match(r"^[A-Za-z]{2}", identifier))
        company = Company.objects.create(
            legal_name=restaurant.legal_name or restaurant.name,
            street=restaurant.street,
            postal_code=restaurant.postal_code,
            city=restaurant.city,
            country=restaurant.country,
            vat_id=identifier.upper()[:20] if is_vat_id else "",
            tax_number="" if is_vat_id else (restaurant.vat_id or "-"),
            email=restaurant.email,
            invoice_prefix=prefix,
            invoice_number_format=fmt,
        )
        restaurant.company = company
        restaurant.save(update_fields=["company"])


def companies_merge_back(apps, schema_editor):
    Restaurant = apps.get_model("orders", "Restaurant")
    for restaurant in Restaurant.objects.select_related("company"):
        restaurant.legal_name = restaurant.company.legal_name
        restaurant.vat_id = restaurant.company.vat_id or restaurant.company.tax_number
        restaurant.save(update_fields=["legal_name", "vat_id"])


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0004_restaurant_country_choices"),
    ]

    operations = [
        migrations.CreateModel(
            name="Company",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("legal_name", models.CharField(max_length=200, validators=[common.text.validate_document_text], verbose_name="legal name")),
                ("street", models.CharField(max_length=200, validators=[common.text.validate_document_text], verbose_name="street address")),
                ("postal_code", models.CharField(max_length=20, validators=[common.text.validate_document_text], verbose_name="postal code")),
                ("city", models.CharField(max_length=100, validators=[common.text.validate_document_text], verbose_name="city")),
                ("country", models.CharField(choices=common.countries.country_choices, help_text="ISO 3166-1 alpha-2 code, e.g. DE", max_length=2, verbose_name="country")),
                ("vat_id", models.CharField(blank=True, help_text="EU VAT ID, e.g. DE136695976; checked for format.", max_length=20, verbose_name="VAT ID")),
                ("vat_id_checked_at", models.DateTimeField(blank=True, editable=False, null=True, verbose_name="VAT ID checked at")),
                ("tax_number", models.CharField(blank=True, help_text="National tax number (Steuernummer), e.g. 29/123/45678.", max_length=50, validators=[common.text.validate_document_text], verbose_name="tax number")),
                ("register_court", models.CharField(blank=True, max_length=200, validators=[common.text.validate_document_text], verbose_name="register court")),
                ("register_number", models.CharField(blank=True, max_length=50, validators=[common.text.validate_document_text], verbose_name="register number")),
                ("managing_directors", models.CharField(blank=True, help_text="Comma-separated names, as printed on business letters.", max_length=300, validators=[common.text.validate_document_text], verbose_name="managing directors")),
                ("email", models.EmailField(blank=True, max_length=254, verbose_name="contact email")),
                ("invoice_prefix", models.CharField(default="INV", max_length=20, validators=[django.core.validators.RegexValidator("^[A-Za-z0-9/_-]*$", "Use letters, digits, dashes, slashes or underscores.")], verbose_name="invoice number prefix")),
                ("invoice_number_format", models.CharField(default="{prefix}-{year}-{number:04d}", help_text="Placeholders {prefix}, {year}, {number}; format specs allowed, e.g. {number:05d}.", max_length=60, verbose_name="invoice number format")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "verbose_name": "company",
                "verbose_name_plural": "companies",
                "ordering": ["legal_name"],
                "constraints": [
                    models.CheckConstraint(condition=models.Q(("tax_number", ""), ("vat_id", ""), _negated=True), name="company_vat_id_or_tax_number")
                ],
            },
        ),
        migrations.AddField(
            model_name="restaurant",
            name="company",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="restaurants", to="orders.company"),
        ),
        migrations.RunPython(companies_create, companies_merge_back),
        migrations.AlterField(
            model_name="restaurant",
            name="company",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="restaurants", to="orders.company"),
        ),
        migrations.RemoveField(model_name="restaurant", name="legal_name"),
        migrations.RemoveField(model_name="restaurant", name="vat_id"),
    ]
