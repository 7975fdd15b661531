from decimal import Decimal

import factory

from orders.models import Company, MenuCategory, MenuItem, Order, OrderLine, Restaurant, Table


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    legal_name = factory.Sequence(lambda n: f"Company {n} GmbH")
    street = "Kastanienallee 12"
    postal_code = "10435"
    city = "Berlin"
    country = "DE"
    vat_id = factory.Sequence(lambda n: f"DE{100000000 + n}")


class RestaurantFactory(factory.django.DjangoModelFactory):
    """A restaurant with its own company, unless ``company=`` shares one."""

    class Meta:
        model = Restaurant

    company = factory.SubFactory(
        CompanyFactory, legal_name=factory.LazyAttribute(lambda o: f"{o.factory_parent.name} GmbH")
    )
    name = factory.Sequence(lambda n: f"Restaurant {n}")
    street = "Kastanienallee 12"
    postal_code = "10435"
    city = "Berlin"
    country = "DE"
    email = factory.Sequence(lambda n: f"restaurant{n}@example.com")
    currency = "EUR"
    timezone = "Europe/Berlin"
    # Tests read English documents unless they ask for another language ("" = from the country, de here).
    invoice_language = "en"


class TableFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Table

    restaurant = factory.SubFactory(RestaurantFactory)
    label = factory.Sequence(lambda n: f"T{n}")


class MenuCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MenuCategory

    restaurant = factory.SubFactory(RestaurantFactory)
    name = factory.Sequence(lambda n: f"Category {n}")


class MenuItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MenuItem

    restaurant = factory.SubFactory(RestaurantFactory)
    category = factory.SubFactory(MenuCategoryFactory, restaurant=factory.SelfAttribute("..restaurant"))
    name = factory.Sequence(lambda n: f"Dish {n}")
    price_cents = 1250
    vat_rate = Decimal("7.00")


class OrderFactory(factory.django.DjangoModelFactory):
    """An order with no lines; use ``OrderLineFactory`` or ``order_with_lines``."""

    class Meta:
        model = Order

    restaurant = factory.SubFactory(RestaurantFactory)
    table = factory.SubFactory(TableFactory, restaurant=factory.SelfAttribute("..restaurant"))
    currency = "EUR"


class OrderLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderLine

    order = factory.SubFactory(OrderFactory)
    name = factory.Sequence(lambda n: f"Dish {n}")
    unit_price_cents = 1250
    vat_rate = Decimal("7.00")
    quantity = 1


def order_with_lines(*, lines=((2, 1250, "7.00"), (1, 490, "19.00")), **order_kwargs) -> Order:
    """An order whose total matches its lines. ``lines`` are (quantity, unit cents, VAT rate)."""
    order = OrderFactory(**order_kwargs)
    for qty, price, rate in lines:
        OrderLineFactory(order=order, quantity=qty, unit_price_cents=price, vat_rate=Decimal(rate))
    order.total_cents = sum(qty * price for qty, price, _ in lines)
    order.save(update_fields=["total_cents"])
    return order
