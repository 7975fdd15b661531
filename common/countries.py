"""The one ISO 3166-1 list of countries: the profile, the restaurant and the invoice use it.

The data is django-countries' (all 249 alpha-2 codes, kept current by its
maintainers, names wrapped in ``gettext_lazy`` with translations shipped), so a
new country or a renamed one arrives with a version bump instead of an edit
here, and the names follow the active language once the site is translated.
"""

from django_countries import countries


def country_choices() -> list[tuple[str, str]]:
    """(code, name) pairs for a form or model field, sorted by name in the active language."""
    return [(code, name) for code, name in countries]


def country_name(code: str) -> str:
    """The country's name for an address: "BR" -> "Brazil"; a code outside the list stays as it is."""
    code = (code or "").strip().upper()
    return str(countries.name(code)) or code
