"""VAT IDs: format and check digits offline (python-stdnum), the online step pluggable and off by default."""

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError

from common.vatid import vat_id_check

GOOD = [
    ("DE 136 695 976", "DE136695976"),
    ("fr40303265045", "FR40303265045"),
    ("ATU13585627", "ATU13585627"),
    ("IT00743110157", "IT00743110157"),
    ("NL004495445B01", "NL004495445B01"),
]
BAD = [
    ("DE136695977", "DE + 9 digits"),  # wrong check digit
    ("DE13669597", "DE + 9 digits"),  # too short
    ("FR41303265045", "FR + 2 characters + 9 digits"),
    ("ATU13585626", "ATU + 8 digits"),
    ("AT13585627", "ATU + 8 digits"),  # the U is part of the Austrian format
    ("IT00743110158", "IT + 11 digits"),
    ("NL004495446B01", "NL + 9 digits + B + 2 digits"),
    ("NL004495445", "NL + 9 digits + B + 2 digits"),
]


@pytest.mark.parametrize(("value", "compact"), GOOD)
def test_valid_vat_ids_pass_and_are_stored_compact_with_the_time_of_the_check(value, compact):
    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    check = vat_id_check(value, now=now)
    assert (check.number, check.checked_at, check.online_valid) == (compact, now, None)


@pytest.mark.parametrize(("value", "expected_format"), BAD)
def test_invalid_vat_ids_are_refused_naming_the_expected_format(value, expected_format):
    with pytest.raises(ValidationError) as caught:
        vat_id_check(value)
    assert f"use {expected_format}, with correct check digits" in caught.value.messages[0]


@pytest.mark.parametrize("value", ["XX12", "12345678", "US123456789"])
def test_unknown_country_prefixes_are_refused(value):
    with pytest.raises(ValidationError, match="starts with an EU country code"):
        vat_id_check(value)


REGISTERED = {"DE136695976"}
CALLS: list[str] = []


def fake_vies(number: str) -> bool:
    """A stand-in for the EU VIES service: knows one registered number."""
    CALLS.append(number)
    return number in REGISTERED


def test_the_online_check_is_off_by_default(settings):
    assert settings.VAT_ID_ONLINE_CHECK == ""
    CALLS.clear()
    assert vat_id_check("FR40303265045").online_valid is None
    assert CALLS == []


def test_a_configured_online_checker_confirms_or_refuses(settings):
    settings.VAT_ID_ONLINE_CHECK = "common.tests.test_vatid.fake_vies"
    CALLS.clear()
    assert vat_id_check("DE136695976").online_valid is True
    with pytest.raises(ValidationError, match="not registered"):
        vat_id_check("FR40303265045")
    # The offline check runs first: a malformed number never reaches the service.
    with pytest.raises(ValidationError, match="DE \\+ 9 digits"):
        vat_id_check("DE136695977")
    assert CALLS == ["DE136695976", "FR40303265045"]
