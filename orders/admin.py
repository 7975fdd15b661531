import re
from functools import partial

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin
from modeltranslation.utils import build_localized_fieldname

from common.dates import format_local_datetime
from common.forms import AmountField, help_with_example
from common.money import amount_to_minor_units, format_money, minor_units_to_amount
from common.qr import qr_svg
from orders.admin_board import OrderBoardAdminMixin
from orders.admin_payments import OrderPaymentAdminMixin
from orders.admin_takings import takings_csv_view, takings_view
from orders.allergens import ALLERGEN_CHOICES, allergens_join
from orders.board import status_in_sentence
from orders.models import Company, MenuCategory, MenuItem, Order, OrderLine, Restaurant, Table
from orders.services import order_set_status
from orders.translation import LANGUAGE_CODES


def natural_key(label: str) -> list:
    """Sort key that orders "T2" before "T10": digit runs compare as numbers."""
    # isdecimal, not isdigit: "²" is a digit that int() refuses, and \d does not split it off.
    return [(0, int(part), "") if part.isdecimal() else (1, 0, part.casefold()) for part in re.split(r"(\d+)", label)]


def restaurants_of(user):
    """Restaurants a user may manage in the admin: all for superusers, else their own."""
    if user.is_superuser:
        return Restaurant.objects.all()
    return Restaurant.objects.filter(staff=user)


class RestaurantScopedAdmin(admin.ModelAdmin):
    """Shows and edits only rows of the signed-in staff member's restaurants.

    ``restaurant_path`` is the lookup from the model to its restaurant. Foreign
    key choices are narrowed the same way, so a staff member can neither see
    nor pick another restaurant's tables, categories or orders.
    """

    restaurant_path = "restaurant"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(**{f"{self.restaurant_path}__staff": request.user}).distinct()

    def get_changelist_form(self, request, **kwargs):
        """List-editable cells carry no <label>: each widget is named after its column and row (WCAG 1.3.1, 4.1.2)."""
        base = super().get_changelist_form(request, **kwargs)

        class LabelledChangelistForm(base):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                for field in self.fields.values():
                    if not field.widget.is_hidden:
                        field.widget.attrs["aria-label"] = f"{field.label}: {self.instance}"

        return LabelledChangelistForm

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        allowed = restaurants_of(request.user)
        if db_field.name == "restaurant":
            kwargs["queryset"] = allowed
        elif db_field.related_model in (Table, MenuCategory, MenuItem):
            kwargs["queryset"] = db_field.related_model.objects.filter(restaurant__in=allowed)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    """The legal entity behind restaurants: staff see the company of their restaurants, read-only.

    Only superusers add or change companies: the legal details and the number
    format are the taxable person's, shared by all its restaurants, so one
    restaurant's staff must not change what another restaurant's invoices say.
    """

    list_display = ["legal_name", "city", "vat_id", "tax_number", "invoice_prefix"]
    search_fields = ["legal_name", "vat_id", "tax_number"]
    readonly_fields = ["vat_id_checked_at"]
    fieldsets = [
        (None, {"fields": ["legal_name", "street", "postal_code", "city", "country", "email"]}),
        (_("Tax identifiers"), {"fields": ["vat_id", "vat_id_checked_at", "tax_number"]}),
        (_("Business-letter details"), {"fields": ["register_court", "register_number", "managing_directors"]}),
        (_("Invoice numbers"), {"fields": ["invoice_prefix", "invoice_number_format"]}),
        (
            _("Accountant's export (DATEV)"),
            {
                "fields": [
                    "datev_adviser_number",
                    "datev_client_number",
                    "datev_account_length",
                    "fiscal_year_start_month",
                    "account_revenue_19",
                    "account_revenue_7",
                    "account_revenue_0",
                    "account_cash",
                    "account_card",
                    "account_other",
                    "account_tips",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(restaurants__staff=request.user).distinct()

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Restaurant)
class RestaurantAdmin(admin.ModelAdmin):
    list_display = ["name", "company", "city", "currency", "timezone", "qr_sheet_link", "takings_link"]
    search_fields = ["name", "company__legal_name", "city"]
    fieldsets = [
        (None, {"fields": ["name", "company", "language", "invoice_language", "currency", "timezone"]}),
        (
            _("Address (place of supply on invoices)"),
            {"fields": ["street", "postal_code", "city", "country"]},
        ),
        (_("Contact"), {"fields": ["email", "phone"]}),
        (_("Staff"), {"fields": ["staff"]}),
    ]
    filter_horizontal = ["staff"]

    def get_queryset(self, request):
        return restaurants_of(request.user)

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_readonly_fields(self, request, obj=None):
        return [] if request.user.is_superuser else ["staff", "company"]

    @admin.display(description=_("QR codes"))
    def qr_sheet_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:orders_restaurant_qr_sheet", args=[obj.pk]), _("Print QR codes")
        )

    @admin.display(description=_("Takings"))
    def takings_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:orders_restaurant_takings", args=[obj.pk]), _("Takings")
        )

    def get_urls(self):
        extra = [
            path(
                "<int:pk>/qr-codes/", self.admin_site.admin_view(self.qr_sheet_view), name="orders_restaurant_qr_sheet"
            ),
            path(
                "<int:pk>/takings/",
                self.admin_site.admin_view(partial(takings_view, self)),
                name="orders_restaurant_takings",
            ),
            path(
                "<int:pk>/takings/csv/",
                self.admin_site.admin_view(partial(takings_csv_view, self)),
                name="orders_restaurant_takings_csv",
            ),
        ]
        return extra + super().get_urls()

    def qr_sheet_view(self, request, pk):
        restaurant = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_view_permission(request, restaurant):
            raise PermissionDenied
        # Table "2" before table "10", as on the floor plan.
        active = sorted(restaurant.tables.filter(is_active=True), key=lambda table: natural_key(table.label))
        tables = [(table, mark_safe(qr_svg(table.public_url))) for table in active]
        context = {
            **self.admin_site.each_context(request),
            "restaurant": restaurant,
            "tables": tables,
            "title": gettext("QR codes – %(restaurant)s") % {"restaurant": restaurant.name},
        }
        return TemplateResponse(request, "admin/orders/qr_sheet.html", context)


@admin.register(Table)
class TableAdmin(RestaurantScopedAdmin):
    list_display = ["label", "restaurant", "is_active", "qr_small"]
    list_filter = [("restaurant", admin.RelatedOnlyFieldListFilter), "is_active"]
    search_fields = ["label"]
    readonly_fields = ["guest_url", "qr_large"]
    fields = ["restaurant", "label", "is_active", "guest_url", "qr_large"]
    actions = ["rotate_tokens"]

    class Media:
        # The QR code sizes: the Content-Security-Policy allows no style="" attributes.
        css = {"all": ["css/admin-qr.css"]}

    @admin.display(description=_("QR code"))
    def qr_small(self, obj):
        return format_html('<div class="qr-thumb">{}</div>', mark_safe(qr_svg(obj.public_url, box_size=2)))

    @admin.display(description=_("QR code"))
    def qr_large(self, obj):
        if not obj.pk:
            return _("Shown after saving.")
        return format_html('<div class="qr-preview">{}</div>', mark_safe(qr_svg(obj.public_url)))

    @admin.display(description=_("Guest URL"))
    def guest_url(self, obj):
        if not obj.pk:
            return _("Shown after saving.")
        return format_html('<a href="{0}" target="_blank" rel="noopener">{0}</a>', obj.public_url)

    @admin.action(description=_("Replace the QR code (the old printed code stops working)"), permissions=["change"])
    def rotate_tokens(self, request, queryset):
        count = 0
        for table in queryset:
            table.rotate_token()
            count += 1
        message = ngettext(
            "New QR code for %(count)s table. Print it and replace the old one.",
            "New QR codes for %(count)s tables. Print and replace them.",
            count,
        )
        self.message_user(request, message % {"count": count}, messages.SUCCESS)


def _language_fieldsets(fields: tuple[str, ...], *, first: str | None = None) -> list:
    """One fieldset per language with that language's menu texts (no script needed, unlike tabs);
    the restaurant's own language (``first``) leads when known."""
    languages = sorted(settings.LANGUAGES, key=lambda language: language[0] != first)
    return [
        (f"{label} ({code})", {"fields": [build_localized_fieldname(field, code) for field in fields]})
        for code, label in languages
    ]


def _translated(fields: tuple[str, ...]) -> list[str]:
    return [build_localized_fieldname(field, code) for field in fields for code in LANGUAGE_CODES]


class MenuTextsFormMixin:
    """Menu texts per language: only the restaurant's own language is required (its name is what staff
    read and what guests without a translation see); the other languages may stay empty."""

    translated_required: tuple[str, ...] = ("name",)

    def _menu_texts_optional(self):
        for field_name in _translated(self.translated_required):
            if field_name in self.fields:
                self.fields[field_name].required = False
        # An existing row: mark its restaurant's own language as required (bold label); a new one
        # is checked in clean(), once the restaurant is chosen.
        restaurant = getattr(self.instance, "restaurant", None) if self.instance.restaurant_id else None
        if restaurant is not None:
            for field in self.translated_required:
                field_name = build_localized_fieldname(field, restaurant.language or "en")
                if field_name in self.fields:
                    self.fields[field_name].required = True

    def _menu_texts_check(self, cleaned):
        restaurant = cleaned.get("restaurant") or getattr(self.instance, "restaurant", None)
        if restaurant is None:
            return
        own = restaurant.language or "en"
        for field in self.translated_required:
            field_name = build_localized_fieldname(field, own)
            if field_name in self.fields and not (cleaned.get(field_name) or "").strip():
                self.add_error(
                    field_name,
                    _("Enter the name in the restaurant's own language (%(language)s).")
                    % {"language": restaurant.get_language_display()},
                )


class MenuCategoryAdminForm(MenuTextsFormMixin, forms.ModelForm):
    class Meta:
        model = MenuCategory
        fields = ["restaurant", "position", *_translated(("name",))]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._menu_texts_optional()

    def clean(self):
        cleaned = super().clean()
        self._menu_texts_check(cleaned)
        return cleaned


@admin.register(MenuCategory)
class MenuCategoryAdmin(TranslationAdmin, RestaurantScopedAdmin):
    form = MenuCategoryAdminForm
    fieldsets = [(None, {"fields": ["restaurant", "position"]}), *_language_fieldsets(("name",))]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return super().get_fieldsets(request, obj)
        return [self.fieldsets[0], *_language_fieldsets(("name",), first=obj.restaurant.language)]

    list_display = ["name", "restaurant", "position"]
    list_editable = ["position"]
    list_filter = [("restaurant", admin.RelatedOnlyFieldListFilter)]
    search_fields = _translated(("name",))


class MenuItemAdminForm(MenuTextsFormMixin, forms.ModelForm):
    """Staff type prices as on the menu card ("12,90" in German); the model keeps integer minor units."""

    price = AmountField(
        label=_("Gross price"),
        min_value=0,
        max_digits=12,
        decimal_places=3,
        help_text=help_with_example(_("Including VAT, e.g. %(example)s"), "12.90"),
    )
    # One labelled checkbox per allergen; the model stores the ticked codes in one field (orders.allergens).
    allergen_codes = forms.MultipleChoiceField(
        label=_("Allergens (EU Regulation 1169/2011, Annex II)"),
        choices=ALLERGEN_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick every allergen the dish contains; guests see them on the menu."),
    )

    class Meta:
        model = MenuItem
        localized_fields = ["vat_rate"]  # "7,00" for German staff, read back with a comma or a point
        fields = [
            "restaurant",
            "category",
            *_translated(("name", "description")),
            "vat_rate",
            "is_available",
            "position",
            "is_vegetarian",
            "is_vegan",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._menu_texts_optional()
        if self.instance.pk:
            self.initial["price"] = minor_units_to_amount(self.instance.price_cents, self.instance.restaurant.currency)
        self.initial.setdefault("allergen_codes", [a.code for a in self.instance.allergen_list])

    def clean_allergen_codes(self):
        codes = self.cleaned_data["allergen_codes"]
        self.instance.allergens = allergens_join(codes)
        return codes

    def clean(self):
        cleaned = super().clean()
        self._menu_texts_check(cleaned)
        restaurant, price = cleaned.get("restaurant"), cleaned.get("price")
        if restaurant is not None and price is not None:
            try:
                self.instance.price_cents = amount_to_minor_units(price, restaurant.currency)
            except ValueError as error:
                self.add_error("price", str(error))
        return cleaned


@admin.register(MenuItem)
class MenuItemAdmin(TranslationAdmin, RestaurantScopedAdmin):
    form = MenuItemAdminForm
    fieldsets = [
        (None, {"fields": ["restaurant", "category", "price", "vat_rate", "is_available", "position"]}),
        *_language_fieldsets(("name", "description")),
        (_("Allergens and diet"), {"fields": ["allergen_codes", "is_vegetarian", "is_vegan"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return super().get_fieldsets(request, obj)
        own = obj.restaurant.language
        return [self.fieldsets[0], *_language_fieldsets(("name", "description"), first=own), self.fieldsets[-1]]

    # The price column is shown as on the card and is deliberately not list-editable: a changelist
    # input would be bound to the cents field; prices are changed on the dish's page (MenuItemAdminForm).
    list_display = ["name", "category", "price", "vat_rate", "is_available", "restaurant"]
    list_editable = ["is_available"]
    list_filter = [
        ("restaurant", admin.RelatedOnlyFieldListFilter),
        ("category", admin.RelatedOnlyFieldListFilter),
        "is_available",
        "vat_rate",
    ]
    search_fields = _translated(("name", "description"))
    list_select_related = ["category", "restaurant"]

    @admin.display(description=_("Gross price"), ordering="price_cents")
    def price(self, obj):
        return format_money(obj.price_cents, obj.restaurant.currency)


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    can_delete = False
    fields = ["quantity", "name", "unit_price", "vat_rate", "line_total"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Unit price (gross)"))
    def unit_price(self, obj):
        return format_money(obj.unit_price_cents, obj.order.currency)

    @admin.display(description=_("Line total"))
    def line_total(self, obj):
        return format_money(obj.total_cents, obj.order.currency)


@admin.register(Order)
class OrderAdmin(OrderBoardAdminMixin, OrderPaymentAdminMixin, RestaurantScopedAdmin):
    list_display = ["id", "placed_local", "table_label", "status", "total", "customer_name", "restaurant"]
    list_filter = [
        "status",
        "placed_at",
        ("table", admin.RelatedOnlyFieldListFilter),
        ("restaurant", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["=id", "claim_code", "note", "lines__name", "customer__full_name", "customer__business_name"]
    date_hierarchy = "placed_at"
    list_select_related = ["restaurant", "table", "customer"]
    inlines = [OrderLineInline]
    actions = ["mark_preparing", "mark_served", "mark_paid", "mark_cancelled", "record_payment"]
    readonly_fields = [
        "restaurant",
        "table",
        "status",
        "total",
        "currency",
        "note",
        "customer_details",
        "placed_at",
        "preparing_at",
        "served_at",
        "paid_at",
        "cancelled_at",
        "claim_code",
        "payment_info",
    ]
    fields = readonly_fields

    def get_list_display(self, request):
        columns = super().get_list_display(request)
        if not request.user.is_superuser and restaurants_of(request.user).count() <= 1:
            # One restaurant: the column would repeat its name on every row.
            return [column for column in columns if column != "restaurant"]
        return columns

    def has_add_permission(self, request):
        return False  # orders come from the tables

    def has_delete_permission(self, request, obj=None):
        return False  # an order is history; cancel it instead

    @admin.display(description=_("Placed (restaurant time)"), ordering="placed_at")
    def placed_local(self, obj):
        # Per row: a staff member of restaurants in several zones sees each on its own clock.
        return format_local_datetime(obj.placed_at, obj.restaurant.tzinfo)

    @admin.display(description=_("Table"), ordering="table__label")
    def table_label(self, obj):
        return obj.table.label

    @admin.display(description=_("Total"), ordering="total_cents")
    def total(self, obj):
        return format_money(obj.total_cents, obj.currency)

    @admin.display(description=_("Customer"))
    def customer_name(self, obj):
        return obj.customer.full_name if obj.customer else "–"

    @admin.display(description=_("Customer"))
    def customer_details(self, obj):
        c = obj.customer
        if c is None:
            return _("Guest (no account)")
        parts = [
            c.full_name,
            c.business_name,
            c.street,
            f"{c.postal_code} {c.city}".strip(),
            c.country,
            c.vat_id and gettext("VAT ID %(vat_id)s") % {"vat_id": c.vat_id},
        ]
        return ", ".join(p for p in parts if p)

    def _move(self, request, queryset, status):
        moved, refused = 0, []
        for order in queryset:
            try:
                order_set_status(order=order, status=status, actor=request.user, request=request)
                moved += 1
            except ValidationError as exc:
                refused.extend(exc.messages)
        if moved:
            message = ngettext("%(count)s order marked %(status)s.", "%(count)s orders marked %(status)s.", moved) % {
                "count": moved,
                "status": status_in_sentence(status),
            }
            self.message_user(request, message, messages.SUCCESS)
        for message in refused:
            self.message_user(request, message, messages.WARNING)

    @admin.action(description=_("Mark selected orders as preparing"), permissions=["change"])
    def mark_preparing(self, request, queryset):
        self._move(request, queryset, Order.Status.PREPARING)

    @admin.action(description=_("Mark selected orders as served"), permissions=["change"])
    def mark_served(self, request, queryset):
        self._move(request, queryset, Order.Status.SERVED)

    @admin.action(description=_("Mark selected orders as paid"), permissions=["change"])
    def mark_paid(self, request, queryset):
        self._move(request, queryset, Order.Status.PAID)

    @admin.action(description=_("Cancel selected orders"), permissions=["change"])
    def mark_cancelled(self, request, queryset):
        self._move(request, queryset, Order.Status.CANCELLED)
