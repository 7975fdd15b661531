"""/customer/orders: newest first, paginated without counting, filters kept in the query string."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from orders.models import Order
from orders.selectors import HISTORY_PAGE_SIZE
from orders.tests.factories import OrderFactory, RestaurantFactory, order_with_lines

URL = reverse("portal:order_list")
BERLIN = ZoneInfo("Europe/Berlin")


def order_ids(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'href="/customer/orders/(\d+)"', response.content.decode())]


def bulk_orders(*, customer, restaurants, count, start=None, **extra) -> list[Order]:
    """Many orders quickly (one INSERT), one minute apart, newest last."""
    start = start or timezone.now() - timedelta(days=count)
    orders = []
    for i in range(count):
        restaurant = restaurants[i % len(restaurants)]
        table = restaurant.tables.first()
        orders.append(
            Order(
                restaurant=restaurant,
                table=table,
                customer=customer,
                currency=restaurant.currency,
                total_cents=100 + i,
                placed_at=start + timedelta(minutes=i),
                status=extra.get("status", Order.Status.PAID),
            )
        )
    return Order.objects.bulk_create(orders)


@pytest.fixture
def restaurants(db):
    from orders.tests.factories import TableFactory

    result = [RestaurantFactory(name="Alpha Grill"), RestaurantFactory(name="Beta Bar", currency="GBP")]
    for restaurant in result:
        TableFactory(restaurant=restaurant)
    return result


def test_lists_own_orders_newest_first_with_restaurant_date_status_and_total(customer_client, customer):
    restaurant = RestaurantFactory(name="Zur Linde", timezone="Europe/Berlin", currency="EUR")
    old = order_with_lines(
        restaurant=restaurant, customer=customer, placed_at=datetime(2025, 1, 5, 11, 30, tzinfo=BERLIN)
    )
    new = order_with_lines(
        restaurant=restaurant, customer=customer, placed_at=datetime(2025, 6, 1, 23, 30, tzinfo=BERLIN)
    )
    Order.objects.filter(pk=new.pk).update(status=Order.Status.PREPARING)

    response = customer_client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert order_ids(response) == [new.pk, old.pk]
    assert "Zur Linde" in html
    # 23:30 in Berlin is 21:30 UTC: the restaurant's clock, not the server's.
    assert "Sun 1 Jun 2025, 23:30" in html
    assert "€29.90" in html
    assert "Preparing" in html and "Placed" in html


def test_other_customers_and_guest_orders_are_not_listed(customer_client, customer, other_customer, restaurant_a):
    mine = order_with_lines(restaurant=restaurant_a, customer=customer)
    order_with_lines(restaurant=restaurant_a, customer=other_customer)
    order_with_lines(restaurant=restaurant_a)
    assert order_ids(customer_client.get(URL)) == [mine.pk]


def test_money_is_shown_in_the_orders_currency(customer_client, customer, restaurants):
    bulk_orders(customer=customer, restaurants=[restaurants[1]], count=1)
    html = customer_client.get(URL).content.decode()
    assert "£1.00" in html


def test_pages_hold_twenty_orders_and_link_older_and_newer(customer_client, customer, restaurants):
    orders = bulk_orders(customer=customer, restaurants=restaurants, count=45)
    newest_first = [o.pk for o in sorted(orders, key=lambda o: o.placed_at, reverse=True)]

    first = customer_client.get(URL)
    assert order_ids(first) == newest_first[:HISTORY_PAGE_SIZE]
    assert 'rel="next" href="?page=2"' in first.content.decode()
    assert 'rel="prev"' not in first.content.decode()

    third = customer_client.get(URL, {"page": 3})
    assert order_ids(third) == newest_first[40:]
    assert 'rel="prev" href="?page=2"' in third.content.decode()
    assert 'rel="next"' not in third.content.decode()


@pytest.mark.parametrize("page", ["0", "-3", "abc", "99999999999999999999"])
def test_odd_page_numbers_do_not_break_the_page(customer_client, customer, restaurants, page):
    bulk_orders(customer=customer, restaurants=restaurants, count=3)
    assert customer_client.get(URL, {"page": page}).status_code == 200


def test_page_beyond_the_end_says_so(customer_client, customer, restaurants):
    bulk_orders(customer=customer, restaurants=restaurants, count=3)
    response = customer_client.get(URL, {"page": 5})
    assert response.status_code == 200
    assert "no more orders" in response.content.decode()


def test_filter_by_status(customer_client, customer, restaurants):
    paid = bulk_orders(customer=customer, restaurants=restaurants, count=2)
    cancelled = bulk_orders(customer=customer, restaurants=restaurants, count=1, status=Order.Status.CANCELLED)
    assert order_ids(customer_client.get(URL, {"status": "cancelled"})) == [cancelled[0].pk]
    assert set(order_ids(customer_client.get(URL, {"status": "paid"}))) == {o.pk for o in paid}


def test_filter_by_restaurant_offers_only_restaurants_ordered_at(customer_client, customer, restaurants):
    RestaurantFactory(name="Never Visited")
    orders = bulk_orders(customer=customer, restaurants=restaurants, count=4)
    response = customer_client.get(URL, {"restaurant": restaurants[1].pk})
    html = response.content.decode()
    assert set(order_ids(response)) == {o.pk for o in orders if o.restaurant_id == restaurants[1].pk}
    assert "Never Visited" not in html
    assert f'<option value="{restaurants[1].pk}" selected>Beta Bar</option>' in html


def test_filter_by_someone_elses_restaurant_is_a_clear_error(customer_client, customer, restaurants):
    bulk_orders(customer=customer, restaurants=restaurants, count=2)
    other = RestaurantFactory()
    response = customer_client.get(URL, {"restaurant": other.pk})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert order_ids(response) == []


def test_date_range_uses_the_restaurants_calendar_days(customer_client, customer):
    berlin = RestaurantFactory(name="Berlin Diner", timezone="Europe/Berlin")
    tokyo = RestaurantFactory(name="Tokyo Ramen", timezone="Asia/Tokyo", currency="JPY")
    # 00:30 on 2 March in Berlin is still 1 March in UTC; 08:30 on 2 March in Tokyo is 1 March 23:30 UTC.
    berlin_early = OrderFactory(
        restaurant=berlin, customer=customer, placed_at=datetime(2025, 3, 2, 0, 30, tzinfo=BERLIN)
    )
    tokyo_morning = OrderFactory(
        restaurant=tokyo, customer=customer, placed_at=datetime(2025, 3, 2, 8, 30, tzinfo=ZoneInfo("Asia/Tokyo"))
    )
    berlin_day_before = OrderFactory(
        restaurant=berlin, customer=customer, placed_at=datetime(2025, 3, 1, 23, 30, tzinfo=BERLIN)
    )
    OrderFactory(restaurant=berlin, customer=customer, placed_at=datetime(2025, 3, 3, 0, 0, tzinfo=BERLIN))

    response = customer_client.get(URL, {"date_from": "2025-03-02", "date_to": "2025-03-02"})
    assert set(order_ids(response)) == {berlin_early.pk, tokyo_morning.pk}

    response = customer_client.get(URL, {"date_to": "2025-03-01"})
    assert order_ids(response) == [berlin_day_before.pk]


def test_bad_dates_re_render_with_clear_errors(customer_client, customer, restaurants):
    bulk_orders(customer=customer, restaurants=restaurants, count=2)
    response = customer_client.get(URL, {"date_from": "2025-13-45", "date_to": "yesterday"})
    html = response.content.decode()
    assert response.status_code == 400
    assert html.count("Enter a valid date, e.g. 2025-03-31.") == 2
    assert 'value="2025-13-45"' in html  # what was typed stays in the field
    assert order_ids(response) == []

    response = customer_client.get(URL, {"date_from": "2025-03-10", "date_to": "2025-03-01"})
    assert response.status_code == 400
    assert "The end date is before the start date." in response.content.decode()


def test_filters_are_kept_in_the_pagination_links(customer_client, customer, restaurants):
    bulk_orders(customer=customer, restaurants=[restaurants[0]], count=25)
    query = {"status": "paid", "restaurant": restaurants[0].pk, "date_from": "2000-01-01"}
    html = customer_client.get(URL, query).content.decode()
    assert (
        f'href="?status=paid&amp;restaurant={restaurants[0].pk}&amp;date_from=2000-01-01&amp;date_to=&amp;page=2"'
        in html
        or (f"status=paid&amp;restaurant={restaurants[0].pk}&amp;date_from=2000-01-01" in html and "page=2" in html)
    )
    second = customer_client.get(URL, {**query, "page": 2})
    assert len(order_ids(second)) == 5
    assert "selected>Paid</option>" in second.content.decode()


def test_no_orders_yet_points_to_the_claim_page(customer_client):
    html = customer_client.get(URL).content.decode()
    assert "No orders yet" in html
    assert reverse("portal:order_claim") in html


def test_no_match_for_filters_says_so(customer_client, customer, restaurants):
    bulk_orders(customer=customer, restaurants=restaurants, count=2)
    assert "No orders match these filters." in customer_client.get(URL, {"status": "cancelled"}).content.decode()


def test_anonymous_visitor_is_sent_to_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"/customer/login?next={URL}"


def test_staff_without_customer_profile_gets_403(client, staff_a):
    client.force_login(staff_a)
    assert client.get(URL).status_code == 403


@pytest.mark.parametrize(
    "query", [{}, {"status": "paid", "date_from": "2000-01-01", "date_to": "2100-01-01"}, {"page": 7}]
)
def test_query_count_is_constant_with_hundreds_of_orders(
    customer_client, customer, restaurants, django_assert_max_num_queries, query
):
    more = [RestaurantFactory(timezone="America/New_York") for _ in range(3)]
    from orders.tests.factories import TableFactory

    for restaurant in more:
        TableFactory(restaurant=restaurant)
    bulk_orders(customer=customer, restaurants=restaurants + more, count=300)
    # session, user, customer, restaurants, one page of orders (8 is the budget for the page).
    with django_assert_max_num_queries(5):
        response = customer_client.get(URL, query)
    assert response.status_code == 200
    assert len(order_ids(response)) == HISTORY_PAGE_SIZE


def test_list_never_counts_all_orders(customer_client, customer, restaurants, django_capture_on_commit_callbacks):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    bulk_orders(customer=customer, restaurants=restaurants, count=30)
    with CaptureQueriesContext(connection) as captured:
        customer_client.get(URL)
    assert not [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]


@pytest.mark.parametrize(
    "query",
    [{"date_to": "9999-12-31"}, {"date_from": "0001-01-01"}, {"date_from": "0001-01-01", "date_to": "9999-12-31"}],
)
def test_dates_at_the_ends_of_the_calendar_are_a_form_error_not_a_crash(customer_client, customer, restaurants, query):
    bulk_orders(customer=customer, restaurants=restaurants, count=2)
    response = customer_client.get(URL, query)
    assert response.status_code == 400
    assert "Enter a date between 1900-01-01 and 2999-12-31." in response.content.decode()
    assert order_ids(response) == []


def test_the_widest_accepted_range_lists_every_order(customer_client, customer, restaurants):
    orders = bulk_orders(customer=customer, restaurants=restaurants, count=2)
    response = customer_client.get(URL, {"date_from": "1900-01-01", "date_to": "2999-12-31"})
    assert response.status_code == 200
    assert sorted(order_ids(response)) == sorted(order.pk for order in orders)
