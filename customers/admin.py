from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from customers.mfa import admin as mfa_admin  # noqa: F401 - replaces django-otp's device admins
from customers.models import Customer, User


class SuperuserOnlyAdmin(admin.ModelAdmin):
    """Accounts are personal data: restaurant staff never browse them."""

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(User)
class UserAdmin(SuperuserOnlyAdmin, DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "is_staff", "is_superuser", "is_active", "language", "date_joined"]
    search_fields = ["email"]
    list_filter = ["is_staff", "is_superuser", "is_active"]
    fieldsets = [
        (None, {"fields": ["email", "password", "language"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2", "is_staff"]})]
    filter_horizontal = ["groups"]


@admin.register(Customer)
class CustomerAdmin(SuperuserOnlyAdmin):
    list_display = ["full_name", "user", "business_name", "city", "created_at"]
    search_fields = ["full_name", "business_name", "user__email"]
