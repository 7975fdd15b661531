from decimal import Decimal

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from customers.models import Customer, User
from orders.models import Company, MenuCategory, MenuItem, Order, Payment, Restaurant, Table
from orders.permissions import STAFF_GROUP_NAME, ensure_staff_group
from orders.services import order_place, order_set_status
from orders.services_payment import payment_record

FOOD = Decimal("7.00")
DRINKS = Decimal("19.00")

MENU = [
    (
        "Starters",
        [
            ("Tomato bruschetta", "Grilled sourdough, vine tomatoes, basil, garlic", 690, FOOD),
            ("Soup of the day", "Ask your server — always vegetarian", 590, FOOD),
            ("Burrata", "With roasted peppers and olive oil", 1150, FOOD),
        ],
    ),
    (
        "Mains",
        [
            ("Wiener Schnitzel", "Veal, potato-cucumber salad, lingonberries", 2290, FOOD),
            ("Mushroom risotto", "Carnaroli rice, porcini, parmesan (v)", 1690, FOOD),
            ("Grilled salmon", "Lemon butter, green beans, new potatoes", 2190, FOOD),
            ("Cheeseburger", "Aged beef, cheddar, brioche bun, fries", 1590, FOOD),
        ],
    ),
    (
        "Desserts",
        [
            ("Apple strudel", "Warm, with vanilla sauce", 690, FOOD),
            ("Chocolate mousse", "Dark chocolate, sea salt", 750, FOOD),
        ],
    ),
    (
        "Drinks",
        [
            ("Sparkling water 0.5 l", "", 390, DRINKS),
            ("Fresh lemonade 0.4 l", "Lemon, mint, cane sugar", 490, DRINKS),
            ("House red wine 0.2 l", "Spätburgunder, Baden", 690, DRINKS),
            ("Pilsner 0.5 l", "On tap", 520, DRINKS),
            ("Espresso", "", 290, DRINKS),
        ],
    ),
]

# Seeded paid orders (for receipts and invoices), found again by their note so a re-run adds none.
DEMO_NOTE = "Demo:"
GUEST_40 = {"Tomato bruschetta": 1, "Burrata": 2, "Fresh lemonade 0.4 l": 1, "Pilsner 0.5 l": 1}  # 40.00
DINNER_HOST = {"Wiener Schnitzel": 4, "Grilled salmon": 4, "Burrata": 4}  # 225.20
DINNER_PARTY = {"Apple strudel": 8, "Pilsner 0.5 l": 5, "Sparkling water 0.5 l": 2, "Espresso": 2}  # 94.80

DEMO_PASSWORD_STAFF = "demo-staff-2026"  # noqa: S105 - public demo login, printed on purpose
DEMO_PASSWORD_ADMIN = "demo-admin-2026"  # noqa: S105 - public demo login
DEMO_PASSWORD_CUSTOMER = "demo-guest-2026"  # noqa: S105 - public demo login


# Allergen codes (orders.allergens) and diet marks of the demo dishes, by name.
MENU_MARKS = {
    "Tomato bruschetta": ("gluten", "vegan"),
    "Soup of the day": ("celery", "vegetarian"),
    "Burrata": ("milk", "vegetarian"),
    "Wiener Schnitzel": ("gluten,eggs,milk", ""),
    "Mushroom risotto": ("milk,sulphites", "vegetarian"),
    "Grilled salmon": ("fish,milk", ""),
    "Cheeseburger": ("gluten,eggs,milk,mustard,sesame", ""),
    "Apple strudel": ("gluten,eggs,milk,nuts", "vegetarian"),
    "Chocolate mousse": ("eggs,milk,soybeans", "vegetarian"),
    "Sparkling water 0.5 l": ("", "vegan"),
    "Fresh lemonade 0.4 l": ("", "vegan"),
    "House red wine 0.2 l": ("sulphites", "vegan"),
    "Pilsner 0.5 l": ("gluten", "vegan"),
    "Espresso": ("", "vegan"),
}


class Command(BaseCommand):
    help = "Create (or update) demo data: a restaurant, 5 tables, a menu, staff and customer logins. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="run even with DEBUG=0 (a throwaway staging server); never on a real restaurant's data",
        )

    @transaction.atomic
    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            # The demo logins' passwords are published in the README: on a live
            # server they would be a superuser anyone can sign in as.
            raise CommandError(
                "seed_demo creates logins whose passwords are public (a superuser among them); "
                "it runs only with DEBUG=1. On a throwaway server, pass --force."
            )
        ensure_staff_group()
        # The taxable person behind the café: its invoices carry these details and its number range.
        company, _ = Company.objects.update_or_create(
            legal_name="Café Müller & Søn GmbH",
            defaults=dict(
                street="Oderberger Straße 44",
                postal_code="10435",
                city="Berlin",
                country="DE",
                vat_id="DE136695976",
                vat_id_checked_at=timezone.now(),
                tax_number="37/123/45678",
                register_court="Amtsgericht Charlottenburg",
                register_number="HRB 123456 B",
                managing_directors="Anna Müller, Søren Søn",
                email="buchhaltung@cafe-mueller.example",
            ),
        )
        restaurant, _ = Restaurant.objects.update_or_create(
            name="Café Müller & Søn",
            defaults=dict(
                company=company,
                street="Kastanienallee 12",
                postal_code="10435",
                city="Berlin",
                country="DE",
                email="hallo@cafe-mueller.example",
                phone="+49 30 1234567",
                currency="EUR",
                timezone="Europe/Berlin",
            ),
        )
        for number in range(1, 6):
            Table.objects.get_or_create(restaurant=restaurant, label=str(number))
        for position, (category_name, items) in enumerate(MENU):
            category, _ = MenuCategory.objects.update_or_create(
                restaurant=restaurant, name=category_name, defaults={"position": position}
            )
            for item_position, (name, description, price, rate) in enumerate(items):
                MenuItem.objects.update_or_create(
                    restaurant=restaurant,
                    name=name,
                    defaults=dict(
                        category=category,
                        description=description,
                        price_cents=price,
                        vat_rate=rate,
                        position=item_position,
                        is_available=True,
                        allergens=MENU_MARKS.get(name, ("", ""))[0],
                        is_vegetarian=MENU_MARKS.get(name, ("", ""))[1] in ("vegetarian", "vegan"),
                        is_vegan=MENU_MARKS.get(name, ("", ""))[1] == "vegan",
                    ),
                )

        staff = self._user("staff@demo.example", DEMO_PASSWORD_STAFF, is_staff=True)
        staff.groups.add(Group.objects.get(name=STAFF_GROUP_NAME))
        restaurant.staff.add(staff)
        self._user("admin@demo.example", DEMO_PASSWORD_ADMIN, is_staff=True, is_superuser=True)
        customer_user = self._user("guest@demo.example", DEMO_PASSWORD_CUSTOMER)
        Customer.objects.update_or_create(
            user=customer_user,
            defaults=dict(
                full_name="Erika Mustermann",
                business_name="Mustermann Consulting",
                vat_id="DE811111113",
                vat_id_checked_at=timezone.now(),
                street="Hauptstraße 5",
                postal_code="80331",
                city="München",
                country="DE",
            ),
        )
        EmailAddress.objects.update_or_create(
            user=customer_user, email=customer_user.email, defaults={"verified": True, "primary": True}
        )

        self._seed_payments(restaurant, customer_user)

        out = self.stdout
        out.write(self.style.SUCCESS(f"Demo restaurant: {restaurant.name}"))
        out.write("Table URLs (the QR codes point here):")
        for table in restaurant.tables.order_by("label"):
            out.write(f"  Table {table.label}: {table.public_url}")
        out.write("Logins:")
        out.write(f"  Staff admin:    {settings.SITE_URL}/admin/     staff@demo.example / {DEMO_PASSWORD_STAFF}")
        out.write(f"  Superuser:      {settings.SITE_URL}/admin/     admin@demo.example / {DEMO_PASSWORD_ADMIN}")
        out.write(
            f"  Customer:       {settings.SITE_URL}/customer/login  guest@demo.example / {DEMO_PASSWORD_CUSTOMER}"
        )

    def _user(self, email, password, **flags):
        user, _ = User.objects.get_or_create(email=email, defaults=flags)
        if not user.check_password(password):
            # Reset on every run, so the logins printed below always work.
            user.set_password(password)
            user.save(update_fields=["password"])
        return user

    def _seed_payments(self, restaurant, customer_user):
        """A paid 40 EUR guest order (receipt) and a 320 EUR dinner of two orders, paid by the customer with a tip."""
        if Order.objects.filter(restaurant=restaurant, note__startswith=DEMO_NOTE).exists():
            return
        menu = {item.name: item.pk for item in restaurant.menu_items.all()}
        tables = {table.label: table for table in restaurant.tables.all()}

        def place(table, wanted, note, customer=None):
            quantities = {menu[name]: qty for name, qty in wanted.items()}
            return order_place(
                table=tables[table], quantities=quantities, note=f"{DEMO_NOTE} {note}", customer=customer
            )

        guest = place("1", GUEST_40, "guest order, 40 EUR")
        payment_record(order_ids=[guest.pk], method=Payment.Method.CASH, tip_cents=0)
        customer = Customer.objects.get(user=customer_user)
        host = place("2", DINNER_HOST, "business dinner, host", customer=customer)
        party = place("2", DINNER_PARTY, "business dinner, guests' phone")
        for order in (host, party):
            order_set_status(order=order, status=Order.Status.SERVED)
        payment_record(order_ids=[host.pk, party.pk], method=Payment.Method.CARD, tip_cents=3000)
