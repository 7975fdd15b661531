"""Realistic benchmark data, loaded fast with bulk_create.

One restaurant with 50 tables and a 60-item menu (German and English texts), one verified customer with
billing details and 10,000 orders (the newest 1,000 paid and not yet
invoiced), plus guest orders so the tables are not trivially small.

Run inside a configured Django (the runner and the scale-out test call it in a
subprocess against their own database)::

    python -m bench.data --out fixture.json [--customer-orders N] [--invoiceable N] [--guest-orders N]
"""

import argparse
import json
import random
from datetime import timedelta
from decimal import Decimal

FOOD = Decimal("7.00")
DRINKS = Decimal("19.00")
CATEGORIES = ["Starters", "Salads", "Mains", "Pizza & pasta", "Desserts", "Drinks"]
# The restaurant is German (its own language): every text in German and English, so the German
# and the English menu page render the same amount of text (bench row "Menu page, German").
CATEGORIES_DE = ["Vorspeisen", "Salate", "Hauptgerichte", "Pizza & Pasta", "Nachspeisen", "Getränke"]
DESCRIPTION = {
    "en": "Seasonal, made in house; ask us about allergens",
    "de": "Saisonal und hausgemacht; fragen Sie uns nach Allergenen",
}
CUSTOMER_EMAIL = "bench.customer@example.com"
CUSTOMER_PASSWORD = "bench-customer-password-2026"  # noqa: S105 - throwaway benchmark login
OTHER_EMAIL = "bench.other@example.com"
STAFF_EMAIL = "bench.staff@example.com"
BOARD_OPEN_ORDERS = 200
LINE_BATCH = 5000


def load(*, customer_orders: int = 10_000, invoiceable: int = 1_000, guest_orders: int = 20_000, seed: int = 7) -> dict:
    from allauth.account.models import EmailAddress
    from django.db import transaction
    from django.utils import timezone

    from customers.models import Customer, User
    from orders.models import Company, MenuCategory, MenuItem, Order, OrderLine, Restaurant, Table

    rng = random.Random(seed)
    now = timezone.now()
    with transaction.atomic():
        company = Company.objects.create(
            legal_name="Trattoria Benchmark GmbH",
            street="Kastanienallee 12",
            postal_code="10435",
            city="Berlin",
            country="DE",
            vat_id="DE136695976",
        )
        restaurant = Restaurant.objects.create(
            company=company,
            name="Trattoria Benchmark",
            street="Kastanienallee 12",
            postal_code="10435",
            city="Berlin",
            country="DE",
            language="de",
            email="kitchen@trattoria.example",
            phone="+49 30 1234567",
            currency="EUR",
            timezone="Europe/Berlin",
        )
        tables = Table.objects.bulk_create([Table(restaurant=restaurant, label=f"{n}") for n in range(1, 51)])
        categories = MenuCategory.objects.bulk_create(
            [
                MenuCategory(restaurant=restaurant, name_en=name, name_de=name_de, position=pos)
                for pos, (name, name_de) in enumerate(zip(CATEGORIES, CATEGORIES_DE, strict=True))
            ]
        )
        items = MenuItem.objects.bulk_create(
            [
                MenuItem(
                    restaurant=restaurant,
                    category=category,
                    name_en=f"{category.name_en.split()[0]} no. {n + 1}",
                    name_de=f"{category.name_de.split()[0]} Nr. {n + 1}",
                    description_en=DESCRIPTION["en"],
                    description_de=DESCRIPTION["de"],
                    price_cents=rng.randrange(290, 2900, 10),
                    vat_rate=DRINKS if category.name_en == "Drinks" else FOOD,
                    position=n,
                )
                for category in categories
                for n in range(10)
            ]
        )

        user = User.objects.create_user(email=CUSTOMER_EMAIL, password=CUSTOMER_PASSWORD)
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
        customer = Customer.objects.create(
            user=user,
            full_name="Alex Benchmark",
            business_name="Benchmark Consulting UG",
            vat_id="DE987654321",
            street="Hauptstraße 1",
            postal_code="10115",
            city="Berlin",
            country="DE",
        )

        # A second account (no orders): the scale-out test locks it out without touching the first.
        other = User.objects.create_user(email=OTHER_EMAIL, password=CUSTOMER_PASSWORD)
        EmailAddress.objects.create(user=other, email=other.email, primary=True, verified=True)
        Customer.objects.create(
            user=other, full_name="Sam Other", street="Ring 2", postal_code="20095", city="Hamburg", country="DE"
        )

        def make_orders(count, *, customer, paid_recent):
            orders, order_lines = [], []
            for n in range(count):
                # Newest first: the first ``paid_recent`` orders are paid within the last days.
                placed = now - timedelta(minutes=37 * n + rng.randrange(30))
                if n < paid_recent:
                    status = Order.Status.PAID
                else:
                    status = rng.choices(
                        [Order.Status.PAID, Order.Status.CANCELLED, Order.Status.SERVED], weights=[90, 7, 3]
                    )[0]
                chosen = rng.sample(items, rng.randint(1, 5))
                lines = [
                    OrderLine(
                        menu_item=item,
                        name=item.name_de,
                        names={"de": item.name_de, "en": item.name_en},
                        unit_price_cents=item.price_cents,
                        vat_rate=item.vat_rate,
                        quantity=rng.randint(1, 3),
                    )
                    for item in chosen
                ]
                order = Order(
                    restaurant=restaurant,
                    table=rng.choice(tables),
                    customer=customer,
                    status=status,
                    placed_at=placed,
                    paid_at=placed + timedelta(minutes=50) if status == Order.Status.PAID else None,
                    cancelled_at=placed + timedelta(minutes=5) if status == Order.Status.CANCELLED else None,
                    served_at=placed + timedelta(minutes=20) if status != Order.Status.CANCELLED else None,
                    currency=restaurant.currency,
                    total_cents=sum(line.total_cents for line in lines),
                )
                orders.append(order)
                order_lines.append(lines)
            Order.objects.bulk_create(orders, batch_size=LINE_BATCH)
            flat = []
            for order, lines in zip(orders, order_lines, strict=True):
                for line in lines:
                    line.order = order
                    flat.append(line)
            OrderLine.objects.bulk_create(flat, batch_size=LINE_BATCH)
            return orders

        mine = make_orders(customer_orders, customer=customer, paid_recent=invoiceable)
        make_orders(guest_orders, customer=None, paid_recent=0)
        staff_id = load_board(rng=rng, now=now, customer=customer, open_orders=BOARD_OPEN_ORDERS)

    return {
        "restaurant_id": restaurant.pk,
        "table_tokens": [table.token for table in tables],
        "menu_item_ids": [item.pk for item in items],
        "customer_email": CUSTOMER_EMAIL,
        "customer_password": CUSTOMER_PASSWORD,
        "other_email": OTHER_EMAIL,
        "customer_order_ids": [order.pk for order in mine],
        "invoiceable_order_ids": [order.pk for order in mine[:invoiceable]],
        "staff_user_id": staff_id,
    }


def load_board(*, rng, now, customer, open_orders: int) -> int:
    """A second restaurant in full swing for the order board: ``open_orders`` open
    orders (placed, preparing, served), a few notes and bill requests, a week of
    paid history, and a staff member with a TOTP device. Returns the staff user's id."""
    from django.contrib.auth.models import Group
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from customers.models import User
    from orders.models import Company, MenuCategory, MenuItem, Order, OrderLine, Restaurant, Table
    from orders.permissions import STAFF_GROUP_NAME, ensure_staff_group

    company = Company.objects.create(
        legal_name="Bistro Board GmbH",
        street="Torstraße 1",
        postal_code="10119",
        city="Berlin",
        country="DE",
        tax_number="37/123/45678",
    )
    restaurant = Restaurant.objects.create(
        company=company,
        name="Bistro Board",
        street="Torstraße 1",
        postal_code="10119",
        city="Berlin",
        country="DE",
        email="pass@bistro.example",
        currency="EUR",
        timezone="Europe/Berlin",
    )
    tables = Table.objects.bulk_create([Table(restaurant=restaurant, label=f"{n}") for n in range(1, 41)])
    category = MenuCategory.objects.create(restaurant=restaurant, name="Kitchen")
    items = MenuItem.objects.bulk_create(
        [
            MenuItem(
                restaurant=restaurant, category=category, name=f"Dish no. {n}", price_cents=990 + 100 * n, vat_rate=FOOD
            )
            for n in range(30)
        ]
    )
    staff = User.objects.create_user(email=STAFF_EMAIL, password=CUSTOMER_PASSWORD, is_staff=True)
    ensure_staff_group()
    staff.groups.add(Group.objects.get(name=STAFF_GROUP_NAME))
    restaurant.staff.add(staff)
    TOTPDevice.objects.create(user=staff, name="default", confirmed=True)
    statuses = [Order.Status.PLACED, Order.Status.PREPARING, Order.Status.SERVED]
    orders, order_lines = [], []
    for n in range(open_orders + 2000):
        is_open = n < open_orders
        placed = now - timedelta(minutes=rng.randrange(90) if is_open else 120 + 5 * n)
        status = statuses[n % 3] if is_open else Order.Status.PAID
        lines = [
            OrderLine(
                menu_item=item,
                name=item.name,
                unit_price_cents=item.price_cents,
                vat_rate=item.vat_rate,
                quantity=rng.randint(1, 3),
            )
            for item in rng.sample(items, rng.randint(1, 4))
        ]
        orders.append(
            Order(
                restaurant=restaurant,
                table=rng.choice(tables),
                customer=customer if n % 7 == 0 else None,
                status=status,
                placed_at=placed,
                paid_at=placed + timedelta(minutes=50) if status == Order.Status.PAID else None,
                currency=restaurant.currency,
                note="No onions, please" if n % 5 == 0 else "",
                bill_requested_at=now if is_open and n % 20 == 0 else None,
                total_cents=sum(line.total_cents for line in lines),
            )
        )
        order_lines.append(lines)
    Order.objects.bulk_create(orders, batch_size=LINE_BATCH)
    flat = []
    for order, lines in zip(orders, order_lines, strict=True):
        for line in lines:
            line.order = order
            flat.append(line)
    OrderLine.objects.bulk_create(flat, batch_size=LINE_BATCH)
    return staff.pk


def main() -> None:
    import django

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--customer-orders", type=int, default=10_000)
    parser.add_argument("--invoiceable", type=int, default=1_000)
    parser.add_argument("--guest-orders", type=int, default=20_000)
    args = parser.parse_args()
    django.setup()
    fixture = load(customer_orders=args.customer_orders, invoiceable=args.invoiceable, guest_orders=args.guest_orders)
    with open(args.out, "w") as fh:
        json.dump(fixture, fh)


if __name__ == "__main__":
    main()
