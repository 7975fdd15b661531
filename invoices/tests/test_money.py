"""Net + VAT == gross, to the cent, for any order (property test on the pure line computation)."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from common.money import vat_breakdown, vat_from_gross
from invoices.models import InvoiceLine
from invoices.services import invoice_lines_compute

RATES = [Decimal(r) for r in ("0", "5", "5.5", "7", "10", "13", "19", "20", "21", "25", "100")]

order_line = st.builds(
    lambda qty, price, rate, name: SimpleNamespace(
        name=name, quantity=qty, unit_price_cents=price, vat_rate=rate, total_cents=qty * price
    ),
    qty=st.integers(min_value=1, max_value=20),
    price=st.integers(min_value=0, max_value=250_000),
    rate=st.sampled_from(RATES),
    name=st.text(min_size=1, max_size=20),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(order_line, min_size=1, max_size=30))
def test_net_plus_vat_equals_the_order_total_always(order_lines):
    lines = invoice_lines_compute(order_lines)
    total = sum(line.total_cents for line in order_lines)

    assert sum(line.net_cents for line in lines) + sum(line.vat_cents for line in lines) == total
    for line in lines:
        assert line.net_cents + line.vat_cents == line.gross_cents
        assert 0 <= line.vat_cents <= line.gross_cents
    # The lines of each rate carry exactly the VAT computed once on that rate's gross sum.
    for row in vat_breakdown(order_lines):
        group = [line for line in lines if Decimal(line.vat_rate).normalize() == row.rate]
        assert sum(line.vat_cents for line in group) == row.vat_cents == vat_from_gross(row.gross_cents, row.rate)
        assert sum(line.net_cents for line in group) == row.net_cents


@given(st.lists(order_line, min_size=1, max_size=10))
def test_each_line_vat_is_within_a_cent_of_its_exact_share(order_lines):
    for line in invoice_lines_compute(order_lines):
        exact = Decimal(line.gross_cents) * Decimal(line.vat_rate) / (100 + Decimal(line.vat_rate))
        assert abs(line.vat_cents - exact) < Decimal("1.5")


def test_documented_example():
    # 2 × 12.50 at 7 % and 4.90 + 3 × 3.99 at 19 %: VAT per rate on the gross sum, rounded half up.
    lines = invoice_lines_compute(
        [
            SimpleNamespace(name="Pasta", quantity=2, unit_price_cents=1250, vat_rate=Decimal("7"), total_cents=2500),
            SimpleNamespace(name="Wine", quantity=1, unit_price_cents=490, vat_rate=Decimal("19"), total_cents=490),
            SimpleNamespace(name="Cola", quantity=3, unit_price_cents=399, vat_rate=Decimal("19"), total_cents=1197),
        ]
    )
    assert [(line.gross_cents, line.vat_cents, line.net_cents) for line in lines] == [
        (2500, 164, 2336),  # 2500 × 7/107 = 163.55 -> 164
        (490, 78, 412),  # 269 (= 1687 × 19/119 = 269.36) split 490 : 1197
        (1197, 191, 1006),
    ]


@pytest.mark.parametrize(("gross", "rate", "net"), [(119, "19", 100), (1000, "19", 840), (3, "100", 2), (5, "100", 3)])
def test_unit_price_net_is_rounded_half_up_like_every_amount(gross, rate, net):
    # 5 cents at 100 % VAT is exactly 2.5 cents net: half up gives 3 (banker's rounding would give 2).
    line = InvoiceLine(unit_price_gross_cents=gross, vat_rate=Decimal(rate), gross_cents=gross, vat_cents=0)
    assert line.unit_price_net_cents == net
