"""The order history's cached restaurant list and hand-written filter controls.

The restaurants a customer has ordered at are cached (ids only) and forgotten
wherever an order gets linked to the customer; these tests prove the filter is
never behind: a new restaurant appears at once, a renamed one shows its new name.
"""

import random
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import dateformat

from common.dates import format_local_datetime
from orders.guest_session import GUEST_ORDERS_SESSION_KEY
from orders.models import Order
from orders.selectors import customer_restaurants, customer_restaurants_changed
from orders.services import order_claim_by_code, order_claim_session_orders, order_place
from orders.tests.factories import MenuItemFactory, OrderFactory, RestaurantFactory, TableFactory, order_with_lines

URL = reverse("portal:order_list")


def restaurant_options(html: str) -> dict[int, str]:
    """The restaurant filter's choices as {id: name}."""
    select = re.search(r'<select name="restaurant".*?</select>', html, re.S).group(0)
    return {int(pk): name for pk, name in re.findall(r'<option value="(\d+)"[^>]*>([^<]*)</option>', select)}


@pytest.fixture
def usual(db, customer):
    """A restaurant the customer already ordered at, and a warm cache of that list."""
    restaurant = RestaurantFactory(name="Usual Place")
    order_with_lines(restaurant=restaurant, customer=customer)
    return restaurant


@pytest.fixture
def new_place(db):
    table = TableFactory(restaurant__name="New Place")
    item = MenuItemFactory(restaurant=table.restaurant, name="Soup")
    return table, item


def warm(customer_client) -> dict[int, str]:
    options = restaurant_options(customer_client.get(URL).content.decode())
    # The second view is served from the cache: no scan over the customer's orders.
    with CaptureQueriesContext(connection) as captured:
        again = restaurant_options(customer_client.get(URL).content.decode())
    restaurant_queries = [q["sql"] for q in captured.captured_queries if 'FROM "orders_restaurant"' in q["sql"]]
    assert len(restaurant_queries) == 1
    assert "orders_order" not in restaurant_queries[0]
    assert again == options
    return options


def test_cached_list_is_read_by_primary_key_on_the_second_view(customer_client, customer, usual):
    assert warm(customer_client) == {usual.pk: "Usual Place"}


def test_order_placed_while_signed_in_adds_its_restaurant_at_once(customer_client, customer, usual, new_place):
    warm(customer_client)
    table, item = new_place
    order_place(table=table, quantities={item.pk: 1}, customer=customer)
    html = customer_client.get(URL).content.decode()
    assert restaurant_options(html) == {usual.pk: "Usual Place", table.restaurant_id: "New Place"}


def test_order_placed_through_the_table_page_adds_its_restaurant(customer_client, customer, usual, new_place):
    warm(customer_client)
    table, item = new_place
    response = customer_client.post(reverse("orders:order_create", args=[table.token]), {f"qty_{item.pk}": "1"})
    assert response.status_code == 302
    assert table.restaurant_id in restaurant_options(customer_client.get(URL).content.decode())


def test_claim_by_code_adds_its_restaurant_at_once(customer_client, customer, usual, new_place):
    warm(customer_client)
    table, _ = new_place
    guest_order = OrderFactory(restaurant=table.restaurant, table=table)
    order_claim_by_code(customer=customer, code=guest_order.claim_code)
    assert table.restaurant_id in restaurant_options(customer_client.get(URL).content.decode())


def test_claim_by_code_page_adds_its_restaurant_at_once(customer_client, customer, usual, new_place):
    warm(customer_client)
    table, _ = new_place
    guest_order = OrderFactory(restaurant=table.restaurant, table=table)
    response = customer_client.post(reverse("portal:order_claim"), {"code": guest_order.claim_code})
    assert response.status_code == 302
    assert table.restaurant_id in restaurant_options(customer_client.get(URL).content.decode())


def test_session_claim_adds_its_restaurant_at_once(customer_client, customer, usual, new_place):
    warm(customer_client)
    table, _ = new_place
    guest_order = OrderFactory(restaurant=table.restaurant, table=table)
    session = customer_client.session
    session[GUEST_ORDERS_SESSION_KEY] = [guest_order.pk]
    session.save()
    response = customer_client.post(reverse("portal:session_orders_claim"), {"action": "claim"})
    assert response.status_code == 302
    assert table.restaurant_id in restaurant_options(customer_client.get(URL).content.decode())
    # The service itself, too (the view above is one caller).
    other = OrderFactory(restaurant=RestaurantFactory(name="Third Place"))
    order_claim_session_orders(customer=customer, order_ids=[other.pk])
    assert other.restaurant_id in restaurant_options(customer_client.get(URL).content.decode())


def test_renamed_restaurant_shows_its_new_name_at_once(customer_client, customer, usual):
    warm(customer_client)
    usual.name = "Usual Place (new owners)"
    usual.save()
    html = customer_client.get(URL).content.decode()
    assert restaurant_options(html) == {usual.pk: "Usual Place (new owners)"}
    assert "<strong>Usual Place (new owners)</strong>" in html


def test_regular_ordering_at_the_usual_place_keeps_the_cached_list(customer_client, customer, usual):
    warm(customer_client)
    table = TableFactory(restaurant=usual)
    item = MenuItemFactory(restaurant=usual)
    order_place(table=table, quantities={item.pk: 2}, customer=customer)
    with CaptureQueriesContext(connection) as captured:
        html = customer_client.get(URL).content.decode()
    assert not [q for q in captured.captured_queries if "orders_restaurant" in q["sql"] and "orders_order" in q["sql"]]
    assert restaurant_options(html) == {usual.pk: "Usual Place"}


def test_list_computed_before_the_link_commits_is_not_trusted_afterwards(
    customer, usual, new_place, django_capture_on_commit_callbacks
):
    """A page rendered while the linking transaction is open must not leave a stale list behind."""
    customer_restaurants(customer=customer)
    table, item = new_place
    with django_capture_on_commit_callbacks(execute=True):
        order_place(table=table, quantities={item.pk: 1}, customer=customer)
        # What a concurrent page would store: the current token with the list it
        # read before the new order was committed.
        version = cache.get(f"portal:restaurants-version:{customer.pk}")
        cache.set(f"portal:restaurant-ids:{customer.pk}", (version, [usual.pk]))
        assert [r.pk for r in customer_restaurants(customer=customer)] == [usual.pk]
    # The commit replaced the token, so the stale entry is ignored.
    assert {r.pk for r in customer_restaurants(customer=customer)} == {usual.pk, table.restaurant_id}


def test_order_linked_outside_the_services_is_still_listed(customer_client, customer, usual, new_place):
    """A data import that links orders directly misses the hook: the rows still show, and the next view heals."""
    warm(customer_client)
    table, _ = new_place
    imported = OrderFactory(restaurant=table.restaurant, table=table)
    Order.objects.filter(pk=imported.pk).update(customer=customer, placed_at=datetime.now(UTC) + timedelta(days=1))
    html = customer_client.get(URL).content.decode()
    assert f"/customer/orders/{imported.pk}" in html and "<strong>New Place</strong>" in html
    assert table.restaurant_id in restaurant_options(customer_client.get(URL).content.decode())


def test_lost_version_token_rebuilds_the_list(customer, usual):
    customer_restaurants(customer=customer)
    cache.delete(f"portal:restaurants-version:{customer.pk}")
    other = RestaurantFactory()
    OrderFactory(restaurant=other, customer=customer)  # not through a service: only a rebuild finds it
    assert {r.pk for r in customer_restaurants(customer=customer)} == {usual.pk, other.pk}


def test_changed_hook_without_a_cached_list_is_harmless(customer, usual):
    customer_restaurants_changed(customer_id=customer.pk, restaurant_id=usual.pk)
    assert [r.pk for r in customer_restaurants(customer=customer)] == [usual.pk]


# --- The filter controls are written by the template, not by widget templates -----------


def test_filter_controls_keep_values_selection_and_point_to_their_errors(customer_client, customer, usual):
    html = customer_client.get(
        URL, {"status": "paid", "restaurant": str(usual.pk), "date_from": "2025-13-45", "date_to": ""}
    ).content.decode()
    assert '<option value="paid" selected>Paid</option>' in html
    assert f'<option value="{usual.pk}" selected>Usual Place</option>' in html
    assert '<option value="">All restaurants</option>' in html
    assert (
        '<input type="date" name="date_from" value="2025-13-45" aria-invalid="true" '
        'aria-describedby="id_date_from_error" id="id_date_from">' in html
    )
    assert '<p class="field-error" id="id_date_from_error">Enter a valid date, e.g. 2025-03-31.</p>' in html
    assert '<input type="date" name="date_to" id="id_date_to">' in html
    for field in ("status", "restaurant", "date_from", "date_to"):
        assert f'<label for="id_{field}">' in html and f'id="id_{field}"' in html


def test_unfiltered_page_selects_the_any_choices(customer_client, customer, usual):
    html = customer_client.get(URL).content.decode()
    assert '<option value="" selected>Any status</option>' in html
    assert '<option value="" selected>All restaurants</option>' in html
    assert "aria-invalid" not in html


def test_restaurant_names_are_escaped_in_the_filter_and_the_rows(customer_client, customer):
    restaurant = RestaurantFactory(name="<b>Bold</b> & Co")
    order_with_lines(restaurant=restaurant, customer=customer)
    html = customer_client.get(URL).content.decode()
    assert "<b>Bold</b>" not in html
    assert html.count("&lt;b&gt;Bold&lt;/b&gt; &amp; Co") == 2


def test_local_time_text_matches_djangos_date_format():
    rng = random.Random(7)
    for zone in ["Europe/Berlin", "Asia/Tokyo", "America/New_York", "Asia/Kathmandu", "Australia/Lord_Howe"]:
        tz = ZoneInfo(zone)
        for _ in range(500):
            value = datetime(2000, 1, 1, tzinfo=UTC) + timedelta(seconds=rng.randrange(40 * 365 * 86400))
            assert format_local_datetime(value, tz) == dateformat.format(value.astimezone(tz), "D j M Y, H:i")


@pytest.mark.parametrize(
    "language, expected",
    [
        ("en", ["Sun 1 Jun 2025, 23:30", "Mon 30 Nov 2026, 06:18", "Sun 1 Mar 2026, 09:05"]),
        ("de", ["So., 1. Juni 2025, 23:30", "Mo., 30. Nov. 2026, 06:18", "So., 1. März 2026, 09:05"]),
        ("fr", ["dim. 1 juin 2025, 23:30", "lun. 30 nov. 2026, 06:18", "dim. 1 mars 2026, 09:05"]),
    ],
)
def test_local_time_text_reads_as_written_in_each_language(language, expected):
    from django.utils import translation

    tz = ZoneInfo("Europe/Berlin")
    moments = [datetime(2025, 6, 1, 23, 30, tzinfo=tz), datetime(2026, 11, 30, 6, 18, tzinfo=tz)]
    moments.append(datetime(2026, 3, 1, 9, 5, tzinfo=tz))
    with translation.override(language):
        assert [format_local_datetime(moment, tz) for moment in moments] == expected
