"""The admin's view of OTP devices: who has which, and removal; never a secret.

Replaces django-otp's own registrations, which show the TOTP key and its QR
code (``config/``) and the unused backup codes in clear, and let an admin add
codes. Here a superuser sees user, name and confirmed, and may only delete
(through :func:`customers.mfa.services.mfa_devices_remove_by_admin`: audit
entry plus a mail to the owner). Restaurant staff see nothing of it.
"""

from django.contrib import admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from customers.mfa.services import mfa_devices_remove_by_admin


class OTPDeviceAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "confirmed"]
    fields = ["user", "name", "confirmed"]
    readonly_fields = fields
    list_select_related = ["user"]
    search_fields = ["user__email"]

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_deleted_objects(self, objs, request):
        # Django would list the related rows, i.e. each backup code; name the devices only.
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        return [str(obj) for obj in objs], model_count, perms_needed, protected

    def delete_model(self, request, obj):
        mfa_devices_remove_by_admin(devices=[obj], admin_user=request.user, request=request)

    def delete_queryset(self, request, queryset):
        mfa_devices_remove_by_admin(
            devices=list(queryset.select_related("user")), admin_user=request.user, request=request
        )


for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, OTPDeviceAdmin)
