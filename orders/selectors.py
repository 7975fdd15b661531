import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404

from orders.models import MenuCategory, MenuItem, Order, Restaurant, Table


def table_for_guest(*, token: str) -> Table:
    """The active table behind a QR code, or 404 (unknown, rotated or inactive token)."""
    return get_object_or_404(Table.objects.select_related("restaurant"), token=token, is_active=True)


def menu_for_restaurant(*, restaurant) -> list[MenuCategory]:
    """Categories with their items (available ones only), in menu order; two queries."""
    items = MenuItem.objects.filter(is_available=True).order_by("position", "name")
    categories = (
        MenuCategory.objects.filter(restaurant=restaurant)
        .order_by("position", "name")
        .prefetch_related(Prefetch("items", queryset=items, to_attr="menu_items"))
    )
    return [category for category in categories if category.menu_items]


# --- Customer portal ------------------------------------------------------------------

HISTORY_PAGE_SIZE = 20


@dataclass
class HistoryPage:
    """One page of a customer's order history, found without counting all orders.

    Counting 10,000 orders on every page view is the slow part of classic
    pagination; a page only needs to know whether there is a next one.
    """

    orders: list[Order]
    number: int
    has_previous: bool
    has_next: bool

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def customer_restaurants(*, customer) -> list[Restaurant]:
    """Restaurants this customer has orders at, by name (the history filter's choices).

    A semi-join over the customer's orders (``order_customer_placed`` index)
    rather than a JOIN + DISTINCT over all of them.
    """
    ordered_at = Order.objects.filter(customer=customer).values("restaurant_id")
    return list(
        Restaurant.objects.filter(pk__in=ordered_at)
        .only("id", "name", "timezone", "street", "postal_code", "city")
        .order_by("name", "pk")
    )


def _local_day_range_q(*, restaurants, date_from, date_to) -> Q:
    """Dates are the restaurant's calendar days: 1 May in Berlin starts at 22:00 UTC on 30 April.

    One condition per timezone among the customer's restaurants, so orders in
    different timezones are each cut at their own midnight.
    """
    by_zone: dict[str, list[int]] = {}
    for restaurant in restaurants:
        by_zone.setdefault(restaurant.timezone, []).append(restaurant.pk)
    condition = Q()
    for zone_name, restaurant_ids in by_zone.items():
        zone = zoneinfo.ZoneInfo(zone_name)
        part = Q() if len(by_zone) == 1 else Q(restaurant_id__in=restaurant_ids)
        if date_from:
            part &= Q(placed_at__gte=datetime.combine(date_from, time.min, tzinfo=zone))
        if date_to:
            part &= Q(placed_at__lt=datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=zone))
        condition |= part
    return condition


def customer_order_history(
    *,
    customer,
    restaurants: list[Restaurant],
    page: int = 1,
    status: str = "",
    restaurant_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    page_size: int = HISTORY_PAGE_SIZE,
) -> HistoryPage:
    """A page of the customer's orders, newest first; one query.

    ``restaurants`` are the customer's restaurants (``customer_restaurants``);
    they are attached to the orders instead of joining the restaurant table,
    and give the timezones for the date filter.
    """
    page = max(1, page)
    orders = Order.objects.filter(customer=customer).only(
        "id", "restaurant_id", "status", "placed_at", "total_cents", "currency", "customer_id"
    )
    if status:
        orders = orders.filter(status=status)
    if restaurant_id:
        orders = orders.filter(restaurant_id=restaurant_id)
    if (date_from or date_to) and restaurants:
        orders = orders.filter(_local_day_range_q(restaurants=restaurants, date_from=date_from, date_to=date_to))
    offset = (page - 1) * page_size
    # One row more than shown tells whether an older page exists.
    rows = list(orders.order_by("-placed_at", "-id")[offset : offset + page_size + 1])
    by_id = {restaurant.pk: restaurant for restaurant in restaurants}
    for order in rows:
        order.restaurant = by_id[order.restaurant_id]
    return HistoryPage(orders=rows[:page_size], number=page, has_previous=page > 1, has_next=len(rows) > page_size)


def customer_order_detail(*, customer, order_id: int) -> Order:
    """One of the customer's orders with restaurant, table and lines, or 404.

    Looked up through the owner, so someone else's order is indistinguishable
    from a missing one.
    """
    return get_object_or_404(
        Order.objects.select_related("restaurant", "table").prefetch_related("lines"),
        pk=order_id,
        customer=customer,
    )


def session_guest_orders(*, order_ids: list[int]) -> list[Order]:
    """This browser's guest orders that nobody has claimed yet, newest first."""
    ids = [pk for pk in order_ids if isinstance(pk, int)]
    if not ids:
        return []
    return list(
        Order.objects.filter(pk__in=ids, customer__isnull=True)
        .select_related("restaurant")
        .order_by("-placed_at", "-id")
    )
