"""The one rule for EU VAT IDs: format and check digits offline, an online check when configured.

The offline check is python-stdnum's (``stdnum.eu.vat``): per country format and
check digits, no network. Whether the number is registered and active is only
known to the EU's VIES service; that step is pluggable (``VAT_ID_ONLINE_CHECK``
names a callable ``(number) -> bool``) and off by default, since these machines
have no network. The customer profile and the company both use this module.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError as StdnumError

# What a reader must type, per country prefix; the error message names it.
EXPECTED_FORMATS = {
    "AT": "ATU + 8 digits",
    "BE": "BE + 10 digits",
    "BG": "BG + 9 or 10 digits",
    "CY": "CY + 8 digits + 1 letter",
    "CZ": "CZ + 8 to 10 digits",
    "DE": "DE + 9 digits",
    "DK": "DK + 8 digits",
    "EE": "EE + 9 digits",
    "EL": "EL + 9 digits",
    "ES": "ES + 9 characters",
    "FI": "FI + 8 digits",
    "FR": "FR + 2 characters + 9 digits",
    "HR": "HR + 11 digits",
    "HU": "HU + 8 digits",
    "IE": "IE + 8 or 9 characters",
    "IT": "IT + 11 digits",
    "LT": "LT + 9 or 12 digits",
    "LU": "LU + 8 digits",
    "LV": "LV + 11 digits",
    "MT": "MT + 8 digits",
    "NL": "NL + 9 digits + B + 2 digits",
    "PL": "PL + 10 digits",
    "PT": "PT + 9 digits",
    "RO": "RO + 2 to 10 digits",
    "SE": "SE + 12 digits",
    "SI": "SI + 8 digits",
    "SK": "SK + 10 digits",
    "XI": "XI + 9 or 12 digits",
}


@dataclass(frozen=True)
class VatIdCheck:
    number: str  # compact form, e.g. "DE136695976"
    checked_at: datetime  # when the offline check passed
    online_valid: bool | None  # VIES answer, None when the online check is off


def vat_id_compact(value: str) -> str:
    # People paste VAT IDs with spaces, dots or dashes ("DE 123.456.789").
    return re.sub(r"[\s.\-/]+", "", value or "").upper()


def vat_id_check(value: str, *, now: datetime | None = None) -> VatIdCheck:
    """Check ``value`` offline (format and check digits) and, if configured, online.

    Raises ValidationError naming the expected format; an unknown country
    prefix names the prefixes that are known. A number the online checker
    reports as not registered is refused too.
    """
    number = vat_id_compact(value)
    prefix = number[:2]
    if prefix not in EXPECTED_FORMATS:
        raise ValidationError(
            _("A VAT ID starts with an EU country code such as DE, FR, AT, IT or NL, e.g. DE136695976."),
            code="vat_id_country",
        )
    try:
        number = eu_vat.validate(number)
    except StdnumError:
        raise ValidationError(
            _("This is not a valid %(country)s VAT ID: use %(format)s, with correct check digits.")
            % {"country": prefix, "format": EXPECTED_FORMATS[prefix]},
            code="vat_id_invalid",
        ) from None
    online = _online_checker()
    online_valid = None if online is None else bool(online(number))
    if online_valid is False:
        raise ValidationError(
            _("The EU VAT service (VIES) reports %(number)s as not registered.") % {"number": number},
            code="vat_id_not_registered",
        )
    return VatIdCheck(number=number, checked_at=now or timezone.now(), online_valid=online_valid)


def _online_checker() -> Callable[[str], bool] | None:
    path = getattr(settings, "VAT_ID_ONLINE_CHECK", "")
    return import_string(path) if path else None
