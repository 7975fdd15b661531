from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from common.money import (
    amount_to_minor_units,
    format_money,
    format_rate,
    format_unit_price,
    minor_units_to_amount,
    round_half_up,
    vat_breakdown,
    vat_from_gross,
)
from orders.tests.factories import OrderLineFactory


def test_vat_contained_in_gross_is_rounded_half_up():
    # 1.07 EUR at 7 %: VAT is exactly 0.07.
    assert vat_from_gross(107, Decimal("7")) == 7
    # 10.00 EUR at 19 %: 159.66 cents -> 160.
    assert vat_from_gross(1000, Decimal("19")) == 160
    # 0.50 at 19 %: 7.983 -> 8; 0.03 at 7 %: 0.196 -> 0.
    assert vat_from_gross(50, Decimal("19")) == 8
    assert vat_from_gross(3, Decimal("7")) == 0
    assert vat_from_gross(1234, Decimal("0")) == 0


@pytest.mark.parametrize(
    ("exact", "cents"),
    [("0.5", 1), ("1.5", 2), ("2.5", 3), ("2.4999", 2), ("-0.5", -1), ("-2.5", -3), ("159.66", 160), ("7", 7)],
)
def test_the_one_rounding_rule_is_half_up_away_from_zero(exact, cents):
    # Not banker's rounding: 2.5 -> 3 (Python's round() would give 2).
    assert round_half_up(Decimal(exact)) == cents


def test_breakdown_groups_by_rate_highest_first():
    lines = [
        OrderLineFactory.build(quantity=2, unit_price_cents=1250, vat_rate=Decimal("7.00")),
        OrderLineFactory.build(quantity=1, unit_price_cents=490, vat_rate=Decimal("19.00")),
        OrderLineFactory.build(quantity=3, unit_price_cents=290, vat_rate=Decimal("19.00")),
    ]
    rows = vat_breakdown(lines)
    assert [row.rate for row in rows] == [Decimal("19"), Decimal("7")]
    assert rows[0].gross_cents == 490 + 870
    assert rows[0].vat_cents == 217  # 1360 * 19 / 119 = 217.14
    assert rows[1].gross_cents == 2500
    assert rows[1].vat_cents == 164  # 2500 * 7 / 107 = 163.55
    assert rows[1].net_cents == 2336


@given(
    st.lists(
        st.tuples(
            st.integers(min_value=1, max_value=20),
            st.integers(min_value=0, max_value=200_000),
            st.sampled_from(["0", "5.5", "7", "10", "19", "20", "21"]),
        ),
        min_size=1,
        max_size=40,
    )
)
def test_net_plus_vat_equals_gross_to_the_cent(raw_lines):
    lines = [OrderLineFactory.build(quantity=q, unit_price_cents=p, vat_rate=Decimal(r)) for q, p, r in raw_lines]
    rows = vat_breakdown(lines)
    total = sum(q * p for q, p, _ in raw_lines)
    assert sum(row.net_cents + row.vat_cents for row in rows) == total
    assert all(0 <= row.vat_cents <= row.gross_cents for row in rows)


def test_money_formatting():
    assert format_money(123456, "EUR") == "€1,234.56"
    assert format_money(5, "USD") == "$0.05"
    assert format_money(-250, "EUR") == "−€2.50"
    assert format_money(1000, "SEK") == "SEK10.00"
    assert format_rate(Decimal("19.00")) == "19 %"
    assert format_rate(Decimal("5.50")) == "5.5 %"


@pytest.mark.parametrize(
    ("language", "total", "negative", "unit", "rate"),
    [
        ("en", "€36.70", "−€1,234.56", "€0.0654", "5.5 %"),
        ("de", "36,70\xa0€", "−1.234,56\xa0€", "0,0654\xa0€", "5,5 %"),
        ("fr", "36,70\xa0€", "−1\u202f234,56\xa0€", "0,0654\xa0€", "5,5 %"),
        # A language we do not have formats as English.
        ("es", "€36.70", "−€1,234.56", "€0.0654", "5.5 %"),
    ],
)
def test_money_is_formatted_per_language(language, total, negative, unit, rate):
    with translation.override(language):
        assert format_money(3670, "EUR") == total
        assert format_money(-123456, "EUR") == negative
        assert format_unit_price(Decimal("6.5420560"), "EUR") == unit
        assert format_rate(Decimal("5.50")) == rate
    # An explicit language wins over the active one (documents render in their own language).
    assert format_money(3670, "EUR", language=language) == total


def test_money_is_shown_with_the_currencys_own_decimals():
    assert format_money(1500, "JPY") == "¥1,500"
    assert format_money(12345, "KWD") == "KWD12.345"
    assert format_money(-1250, "EUR") == "−€12.50"
    assert format_money(5, "SEK") == "SEK0.05"


def test_amounts_convert_to_and_from_minor_units_per_currency():
    assert amount_to_minor_units(Decimal("12.90"), "EUR") == 1290
    assert amount_to_minor_units(Decimal("500"), "JPY") == 500
    assert amount_to_minor_units(Decimal("1.250"), "KWD") == 1250
    assert minor_units_to_amount(1290, "EUR") == Decimal("12.90") and str(minor_units_to_amount(1290, "EUR")) == "12.90"
    assert str(minor_units_to_amount(500, "JPY")) == "500"
    for amount, currency in [(Decimal("12.905"), "EUR"), (Decimal("1.5"), "JPY")]:
        with pytest.raises(ValueError, match="amounts have"):
            amount_to_minor_units(amount, currency)


@pytest.mark.parametrize(
    "language, expected",
    [("en", "Central European Time"), ("de", "Mitteleuropäische Zeit"), ("fr", "heure d’Europe centrale")],
)
def test_a_time_zone_is_named_as_readers_of_the_language_call_it(language, expected):
    from common.templatetags.zones import zone_name

    with translation.override(language):
        assert zone_name("Europe/Berlin") == expected
        assert zone_name("Not/A_Zone") == "Not/A_Zone"
