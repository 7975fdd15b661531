"""Claiming a guest order into an account with the receipt code."""

import re

import pytest
from django.urls import reverse

from orders.models import CLAIM_CODE_ALPHABET, Order
from orders.services import CLAIM_REFUSED_MESSAGE, ClaimRefused, claim_code_normalize, order_claim_by_code
from orders.tests.factories import order_with_lines

URL = reverse("portal:order_claim")


@pytest.fixture
def guest_order(restaurant_a):
    order = order_with_lines(restaurant=restaurant_a)
    Order.objects.filter(pk=order.pk).update(claim_code="7KQ2MXD4P9")
    order.refresh_from_db()
    return order


def errors(response) -> list[str]:
    return re.findall(r'<p class="field-error"[^>]*>(.*?)</p>', response.content.decode())


def refused(response) -> bool:
    return response.status_code == 400 and "does not match an order that can be added" in response.content.decode()


def test_claim_page_explains_where_to_find_the_code(customer_client):
    response = customer_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Receipt code" in html and "order confirmation" in html


@pytest.mark.parametrize("typed", ["7KQ2M-XD4P9", "7kq2m-xd4p9", "7KQ2MXD4P9", " 7kq2mxd4p9 ", "7KQ2M XD4P9"])
def test_code_is_accepted_with_or_without_dash_and_in_lower_case(customer_client, customer, guest_order, typed):
    response = customer_client.post(URL, {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:order_detail", args=[guest_order.pk])
    guest_order.refresh_from_db()
    assert guest_order.customer == customer
    page = customer_client.get(response["Location"]).content.decode()
    assert f"Order #{guest_order.pk} is now in your account." in page


def test_look_alike_letters_are_read_as_digits(customer, restaurant_a):
    # Crockford base32: O means 0, I and L mean 1.
    assert claim_code_normalize(code="abcde-fgo1l") == "ABCDEFG011"
    assert claim_code_normalize(code="ABCDE-FGHIU") == ""  # U is not in the alphabet
    assert claim_code_normalize(code="ABCD") == ""
    assert "U" not in CLAIM_CODE_ALPHABET


def test_wrong_code_is_refused_and_changes_nothing(customer_client, guest_order):
    response = customer_client.post(URL, {"code": "ZZZZZ-ZZZZZ"})
    assert refused(response)
    guest_order.refresh_from_db()
    assert guest_order.customer is None


def test_badly_shaped_code_gets_a_format_hint(customer_client):
    response = customer_client.post(URL, {"code": "12-34"})
    assert response.status_code == 400
    assert "10 letters and digits" in response.content.decode()
    response = customer_client.post(URL, {"code": ""})
    assert "Enter the receipt code" in response.content.decode()


def test_code_already_claimed_by_someone_else_gives_the_same_answer_as_a_wrong_code(
    client, customer, other_customer, guest_order
):
    client.force_login(other_customer.user)
    assert client.post(URL, {"code": guest_order.claim_code}).status_code == 302
    client.force_login(customer.user)
    used = client.post(URL, {"code": guest_order.claim_code})
    wrong = client.post(URL, {"code": "ZZZZZ-ZZZZZ"})
    assert refused(used) and refused(wrong)
    # Same words, same status: nothing tells a guesser the code existed.
    assert errors(used) == errors(wrong) == [CLAIM_REFUSED_MESSAGE]
    guest_order.refresh_from_db()
    assert guest_order.customer == other_customer


def test_order_linked_at_order_time_cannot_be_claimed_by_anyone_else(customer, other_customer, restaurant_a):
    order = order_with_lines(restaurant=restaurant_a, customer=other_customer)
    with pytest.raises(ClaimRefused):
        order_claim_by_code(customer=customer, code=order.claim_code)
    order.refresh_from_db()
    assert order.customer == other_customer


def test_claiming_ones_own_order_again_is_harmless(customer_client, customer, guest_order):
    customer_client.post(URL, {"code": guest_order.claim_code})
    response = customer_client.post(URL, {"code": guest_order.claim_code_display})
    assert response.status_code == 302
    assert "was already in your account" in customer_client.get(response["Location"]).content.decode()


def test_code_claim_is_rate_limited_per_account(client, customer, guest_order):
    client.force_login(customer.user)
    for _ in range(10):
        assert refused(client.post(URL, {"code": "ZZZZZ-ZZZZZ"}))
    response = client.post(URL, {"code": guest_order.claim_code})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    guest_order.refresh_from_db()
    assert guest_order.customer is None
    # Looking at the form is not an attempt.
    assert client.get(URL).status_code == 200


def test_code_claim_is_rate_limited_per_ip_across_accounts(client, guest_order):
    from customers.tests.factories import CustomerFactory

    # Many accounts from one address: each stays under its own limit, the address does not.
    for _ in range(3):
        client.force_login(CustomerFactory().user)
        for _ in range(10):
            assert refused(client.post(URL, {"code": "ZZZZZ-ZZZZZ"}))
    client.force_login(CustomerFactory().user)
    assert client.post(URL, {"code": guest_order.claim_code}).status_code == 429


def test_claim_page_needs_login(client, guest_order):
    response = client.post(URL, {"code": guest_order.claim_code})
    assert response.status_code == 302 and response["Location"].startswith("/customer/login")
    guest_order.refresh_from_db()
    assert guest_order.customer is None


def test_claim_codes_are_long_and_random(restaurant_a):
    codes = {order_with_lines(restaurant=restaurant_a).claim_code for _ in range(50)}
    assert len(codes) == 50
    assert all(len(code) == 10 and set(code) <= set(CLAIM_CODE_ALPHABET) for code in codes)
