from decimal import Decimal

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from modeltranslation.utils import build_localized_fieldname

from customers.models import Customer, User
from orders.models import Company, MenuCategory, MenuItem, Order, Payment, Restaurant, Table
from orders.permissions import STAFF_GROUP_NAME, ensure_staff_group
from orders.services import order_place, order_set_status
from orders.services_payment import payment_record

FOOD = Decimal("7.00")  # food served in a restaurant: 7 % again since 2026
DRINKS = Decimal("19.00")

VEGAN, VEGETARIAN, MEAT = "vegan", "vegetarian", ""

# The café's menu in its own language (German, the lookup key) with English and French texts:
# (names, descriptions, price in cents, VAT rate, allergen codes (orders.allergens), diet).
CAFE_MENU = [
    (
        {"de": "Frühstück", "en": "Breakfast", "fr": "Petit-déjeuner"},
        [
            (
                {"de": "Berliner Frühstück", "en": "Berlin breakfast", "fr": "Petit-déjeuner berlinois"},
                {
                    "de": "Zwei Schrippen, Butter, Marmelade und ein gekochtes Ei",
                    "en": "Two crusty bread rolls, butter, jam and a boiled egg",
                    "fr": "Deux petits pains croustillants, beurre, confiture et un œuf à la coque",
                },
                890,
                FOOD,
                "gluten,eggs,milk",
                VEGETARIAN,
            ),
            (
                {"de": "Strammer Max", "en": "Strammer Max", "fr": "Strammer Max"},
                {
                    "de": "Bauernbrot mit gekochtem Schinken und zwei Spiegeleiern",
                    "en": "Farmhouse bread with cooked ham and two fried eggs",
                    "fr": "Pain de campagne, jambon cuit et deux œufs au plat",
                },
                990,
                FOOD,
                "gluten,eggs",
                MEAT,
            ),
            (
                {"de": "Bircher-Müsli", "en": "Bircher muesli", "fr": "Muesli Bircher"},
                {
                    "de": "Haferflocken, Joghurt, geriebener Apfel, Nüsse und Beeren",
                    "en": "Oats, yoghurt, grated apple, nuts and berries",
                    "fr": "Flocons d’avoine, yaourt, pomme râpée, noix et fruits rouges",
                },
                690,
                FOOD,
                "gluten,milk,nuts",
                VEGETARIAN,
            ),
        ],
    ),
    (
        {"de": "Herzhaftes", "en": "Savoury dishes", "fr": "Plats salés"},
        [
            (
                {"de": "Kartoffelsuppe", "en": "Potato soup", "fr": "Soupe de pommes de terre"},
                {
                    "de": "Mit Majoran und Croûtons, immer vegetarisch",
                    "en": "With marjoram and croutons, always vegetarian",
                    "fr": "À la marjolaine, avec croûtons, toujours végétarienne",
                },
                590,
                FOOD,
                "celery,gluten",
                VEGETARIAN,
            ),
            (
                {"de": "Flammkuchen", "en": "Tarte flambée", "fr": "Tarte flambée"},
                {
                    "de": "Hauchdünner Teig mit Schmand, Zwiebeln und Speck",
                    "en": "Wafer-thin crust with sour cream, onions and bacon",
                    "fr": "Pâte très fine, crème fraîche, oignons et lardons",
                },
                1150,
                FOOD,
                "gluten,milk",
                MEAT,
            ),
            (
                {"de": "Käsespätzle", "en": "Cheese spätzle", "fr": "Spätzle au fromage"},
                {
                    "de": "Mit Bergkäse und Röstzwiebeln",
                    "en": "Swabian egg noodles with mountain cheese and crispy onions",
                    "fr": "Pâtes souabes aux œufs, fromage de montagne et oignons frits",
                },
                1490,
                FOOD,
                "gluten,eggs,milk",
                VEGETARIAN,
            ),
            (
                {"de": "Wiener Schnitzel", "en": "Wiener schnitzel", "fr": "Escalope viennoise"},
                {
                    "de": "Vom Kalb, mit Kartoffel-Gurken-Salat und Preiselbeeren",
                    "en": "Breaded veal escalope, potato and cucumber salad, lingonberries",
                    "fr": "Escalope de veau panée, salade de pommes de terre et concombre, airelles",
                },
                2290,
                FOOD,
                "gluten,eggs,milk",
                MEAT,
            ),
            (
                {"de": "Zanderfilet", "en": "Pike-perch fillet", "fr": "Filet de sandre"},
                {
                    "de": "Gebraten, mit Senfsoße, grünen Bohnen und Salzkartoffeln",
                    "en": "Pan-fried, with mustard sauce, green beans and boiled potatoes",
                    "fr": "Poêlé, sauce moutarde, haricots verts et pommes de terre vapeur",
                },
                2190,
                FOOD,
                "fish,milk,mustard",
                MEAT,
            ),
            (
                {"de": "Currywurst mit Pommes", "en": "Currywurst with fries", "fr": "Currywurst et frites"},
                {
                    "de": "Nach Berliner Art, mit hausgemachter Currysoße",
                    "en": "Berlin style, with our own curry sauce",
                    "fr": "À la berlinoise, sauce curry maison",
                },
                890,
                FOOD,
                "celery,mustard",
                MEAT,
            ),
        ],
    ),
    (
        {"de": "Kuchen & Desserts", "en": "Cakes & desserts", "fr": "Gâteaux et desserts"},
        [
            (
                {"de": "Apfelstrudel", "en": "Apple strudel", "fr": "Strudel aux pommes"},
                {
                    "de": "Warm, mit Vanillesoße",
                    "en": "Served warm, with vanilla sauce",
                    "fr": "Servi tiède, avec sauce vanille",
                },
                690,
                FOOD,
                "gluten,eggs,milk,nuts",
                VEGETARIAN,
            ),
            (
                {"de": "Käsekuchen", "en": "German cheesecake", "fr": "Gâteau au fromage blanc"},
                {
                    "de": "Nach Omas Rezept, auf Mürbeteig",
                    "en": "Grandma’s recipe, made with quark on a shortcrust base",
                    "fr": "Recette de grand-mère, sur pâte sablée",
                },
                450,
                FOOD,
                "gluten,eggs,milk",
                VEGETARIAN,
            ),
            (
                {"de": "Schwarzwälder Kirschtorte", "en": "Black Forest gateau", "fr": "Forêt-Noire"},
                {
                    "de": "Schokoladenbiskuit, Sahne, Sauerkirschen und Kirschwasser",
                    "en": "Chocolate sponge, cream, sour cherries and kirsch",
                    "fr": "Génoise au chocolat, crème fouettée, griottes et kirsch",
                },
                520,
                FOOD,
                "gluten,eggs,milk",
                VEGETARIAN,
            ),
            (
                {"de": "Bienenstich", "en": "Bee sting cake", "fr": "Bienenstich"},
                {
                    "de": "Hefekuchen mit Mandelkruste und Vanillecreme",
                    "en": "Yeast cake with a caramelised almond crust and vanilla cream",
                    "fr": "Brioche à la croûte d’amandes caramélisées, crème à la vanille",
                },
                420,
                FOOD,
                "gluten,eggs,milk,nuts",
                VEGETARIAN,
            ),
        ],
    ),
    (
        {"de": "Getränke", "en": "Drinks", "fr": "Boissons"},
        [
            (
                {"de": "Mineralwasser 0,5 l", "en": "Mineral water 0.5 l", "fr": "Eau minérale 0,5 l"},
                {"de": "Still oder mit Kohlensäure", "en": "Still or sparkling", "fr": "Plate ou gazeuse"},
                390,
                DRINKS,
                "",
                VEGAN,
            ),
            (
                {
                    "de": "Hausgemachte Limonade 0,4 l",
                    "en": "Homemade lemonade 0.4 l",
                    "fr": "Limonade maison 0,4 l",
                },
                {
                    "de": "Zitrone, Minze, Rohrzucker",
                    "en": "Lemon, mint, cane sugar",
                    "fr": "Citron, menthe, sucre de canne",
                },
                490,
                DRINKS,
                "",
                VEGAN,
            ),
            (
                {"de": "Spätburgunder 0,2 l", "en": "Pinot Noir 0.2 l", "fr": "Pinot noir 0,2 l"},
                {"de": "Trockener Rotwein aus Baden", "en": "Dry red wine from Baden", "fr": "Vin rouge sec de Bade"},
                690,
                DRINKS,
                "sulphites",
                VEGAN,
            ),
            (
                {"de": "Pils vom Fass 0,5 l", "en": "Draught pilsner 0.5 l", "fr": "Bière pression 0,5 l"},
                {"de": "", "en": "", "fr": ""},
                520,
                DRINKS,
                "gluten",
                VEGAN,
            ),
            (
                {"de": "Milchkaffee", "en": "Café au lait", "fr": "Café au lait"},
                {
                    "de": "Große Tasse mit heißer Milch",
                    "en": "A large cup with hot milk",
                    "fr": "Grande tasse, lait chaud",
                },
                390,
                DRINKS,
                "milk",
                VEGETARIAN,
            ),
            (
                {"de": "Espresso", "en": "Espresso", "fr": "Expresso"},
                {"de": "", "en": "", "fr": ""},
                290,
                DRINKS,
                "",
                VEGAN,
            ),
        ],
    ),
]

# The company's second Berlin place: a bakery with its own tables, menu and staff. Its menu has no
# French texts on purpose: a French guest reads the German ones (the restaurant's own language).
BAKERY_MENU = [
    (
        {"de": "Brot & Brötchen", "en": "Bread & rolls"},
        [
            (
                {"de": "Laugenbrezel", "en": "Pretzel"},
                {"de": "Frisch aus dem Ofen", "en": "Fresh from the oven"},
                180,
                FOOD,
                "gluten",
                VEGAN,
            ),
            (
                {"de": "Käsebrötchen", "en": "Cheese roll"},
                {"de": "Mit Emmentaler überbacken", "en": "Baked with Emmental cheese"},
                290,
                FOOD,
                "gluten,milk",
                VEGETARIAN,
            ),
            (
                {"de": "Franzbrötchen", "en": "Cinnamon pastry"},
                {"de": "Plunderteig mit Zimt und Zucker", "en": "Flaky pastry with cinnamon and sugar"},
                260,
                FOOD,
                "gluten,milk",
                VEGETARIAN,
            ),
        ],
    ),
    (
        {"de": "Kuchen", "en": "Cakes"},
        [
            (
                {"de": "Pflaumenkuchen", "en": "Plum cake"},
                {"de": "Mit Butterstreuseln", "en": "With butter crumble"},
                380,
                FOOD,
                "gluten,eggs,milk",
                VEGETARIAN,
            ),
            (
                {"de": "Pfannkuchen", "en": "Berliner doughnut"},
                {"de": "Mit Himbeerkonfitüre gefüllt", "en": "Filled with raspberry jam"},
                220,
                FOOD,
                "gluten,eggs,milk",
                VEGETARIAN,
            ),
        ],
    ),
    (
        {"de": "Heißgetränke", "en": "Hot drinks"},
        [
            ({"de": "Filterkaffee", "en": "Filter coffee"}, {"de": "", "en": ""}, 250, DRINKS, "", VEGAN),
            ({"de": "Heiße Schokolade", "en": "Hot chocolate"}, {"de": "", "en": ""}, 320, DRINKS, "milk", VEGETARIAN),
        ],
    ),
]

# Seeded paid orders (for receipts and invoices), found again by their note so a re-run adds none.
# Dishes by their German name (the café's own language).
DEMO_NOTE = "Demo:"
GUEST_40 = {"Apfelstrudel": 1, "Flammkuchen": 2, "Hausgemachte Limonade 0,4 l": 1, "Pils vom Fass 0,5 l": 1}  # 40.00
DINNER_HOST = {"Wiener Schnitzel": 4, "Zanderfilet": 4, "Flammkuchen": 4}  # 225.20
DINNER_PARTY = {"Apfelstrudel": 8, "Pils vom Fass 0,5 l": 5, "Mineralwasser 0,5 l": 2, "Espresso": 2}  # 94.80

DEMO_PASSWORD_STAFF = "demo-staff-2026"  # noqa: S105 - public demo login, printed on purpose
DEMO_PASSWORD_BAKERY = "demo-bakery-2026"  # noqa: S105 - public demo login, printed on purpose
DEMO_PASSWORD_ADMIN = "demo-admin-2026"  # noqa: S105 - public demo login
DEMO_PASSWORD_CUSTOMER = "demo-guest-2026"  # noqa: S105 - public demo login

CAFE_NAME = "Café Müller & Søn"
BAKERY_NAME = "Müller & Søn Backstube"
BAKERY_STAFF_EMAIL = "backstube@demo.example"


class Command(BaseCommand):
    help = (
        "Create (or update) demo data: a Berlin café (German, English and French menu, 5 tables) and the same "
        "company's bakery (3 tables), each with its own staff login, plus an admin and a customer. Idempotent."
    )

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
        # The taxable person behind both places: its invoices carry these details and its number range.
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
        cafe = self._restaurant(
            company,
            CAFE_NAME,
            street="Kastanienallee 12",
            postal_code="10435",
            email="hallo@cafe-mueller.example",
            phone="+49 30 1234567",
            tables=[str(number) for number in range(1, 6)],
            menu=CAFE_MENU,
        )
        bakery = self._restaurant(
            company,
            BAKERY_NAME,
            street="Kollwitzstraße 50",
            postal_code="10405",
            email="backstube@cafe-mueller.example",
            phone="+49 30 7654321",
            tables=["1", "2", "3"],
            menu=BAKERY_MENU,
        )

        group = Group.objects.get(name=STAFF_GROUP_NAME)
        # Each staff login belongs to one place only: in the admin each sees only its own tables,
        # menu, orders and documents.
        for email, password, restaurant in (
            ("staff@demo.example", DEMO_PASSWORD_STAFF, cafe),
            (BAKERY_STAFF_EMAIL, DEMO_PASSWORD_BAKERY, bakery),
        ):
            staff = self._user(email, password, is_staff=True)
            staff.groups.add(group)
            staff.restaurants.set([restaurant])
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

        self._seed_payments(cafe, customer_user)

        out = self.stdout
        for restaurant in (cafe, bakery):
            out.write(self.style.SUCCESS(f"Demo restaurant: {restaurant.name} ({restaurant.street}, Berlin)"))
            out.write("  Table URLs (the QR codes point here):")
            for table in sorted(restaurant.tables.all(), key=lambda table: table.label):
                out.write(f"    Table {table.label}: {table.public_url}")
        out.write("Logins (each staff login sees only its own restaurant in the admin):")
        admin_url = f"{settings.SITE_URL}/admin/"
        out.write(f"  Staff, {CAFE_NAME}:  {admin_url}  staff@demo.example / {DEMO_PASSWORD_STAFF}")
        out.write(f"  Staff, {BAKERY_NAME}:  {admin_url}  {BAKERY_STAFF_EMAIL} / {DEMO_PASSWORD_BAKERY}")
        out.write(f"  Superuser (both):  {admin_url}  admin@demo.example / {DEMO_PASSWORD_ADMIN}")
        out.write(f"  Customer:  {settings.SITE_URL}/customer/login  guest@demo.example / {DEMO_PASSWORD_CUSTOMER}")
        out.write(
            "Menus: the café in German, English and French; the bakery in German and English (French guests "
            "read German there). Both restaurants' own language is German: staff read order lines in German."
        )
        if _has_field(Restaurant, "invoice_language"):
            out.write("Invoices and receipts: in German (the restaurants' invoice language).")

    def _restaurant(self, company, name, *, street, postal_code, email, phone, tables, menu):
        defaults = dict(
            company=company,
            street=street,
            postal_code=postal_code,
            city="Berlin",
            country="DE",
            email=email,
            phone=phone,
            currency="EUR",
            timezone="Europe/Berlin",
            language="de",
        )
        if _has_field(Restaurant, "invoice_language"):
            defaults["invoice_language"] = "de"  # German invoices (German seller, German rules)
        restaurant, _ = Restaurant.objects.update_or_create(name=name, defaults=defaults)
        for label in tables:
            Table.objects.get_or_create(restaurant=restaurant, label=label)
        self._menu(restaurant, menu)
        return restaurant

    def _menu(self, restaurant, menu):
        """Exactly ``menu``: categories and dishes are found by their German name, every language's
        texts are (re)written, and dishes no longer on it are removed (placed orders keep their lines)."""
        category_names, item_names = [], []
        for position, (category_texts, items) in enumerate(menu):
            category, _ = MenuCategory.objects.update_or_create(
                restaurant=restaurant,
                name_de=category_texts["de"],
                defaults={"position": position, **_texts("name", category_texts)},
            )
            category_names.append(category_texts["de"])
            for item_position, (names, descriptions, price, rate, allergens, diet) in enumerate(items):
                MenuItem.objects.update_or_create(
                    restaurant=restaurant,
                    name_de=names["de"],
                    defaults=dict(
                        category=category,
                        price_cents=price,
                        vat_rate=rate,
                        position=item_position,
                        is_available=True,
                        allergens=allergens,
                        is_vegetarian=diet in (VEGETARIAN, VEGAN),
                        is_vegan=diet == VEGAN,
                        **_texts("name", names),
                        **_texts("description", descriptions),
                    ),
                )
                item_names.append(names["de"])
        restaurant.menu_items.exclude(name_de__in=item_names).delete()
        restaurant.categories.exclude(name_de__in=category_names).delete()

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
        menu = {item.name_de: item.pk for item in restaurant.menu_items.all()}
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


def _texts(field: str, texts: dict[str, str]) -> dict[str, str]:
    """``{"de": "Käsekuchen", "en": ...}`` as the model's columns (``name_de``, ``name_en``, ``name_fr``);
    a language without a text is stored empty, so the guest sees the restaurant's own language."""
    return {build_localized_fieldname(field, code): texts.get(code, "") for code, _label in settings.LANGUAGES}


def _has_field(model, name: str) -> bool:
    return any(field.name == name for field in model._meta.get_fields())
