from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class StaffConfig(AppConfig):
    """Restaurant staff: the admin and its two-factor sign-in. No models; staff are ``customers.User`` rows."""

    name = "staff"
    verbose_name = "Staff sign-in"


class StaffAdminConfig(admin_apps.AdminConfig):
    """``django.contrib.admin`` with the MFA-aware site as ``admin.site``."""

    default_site = "staff.admin_site.StaffAdminSite"
    # Named explicitly in INSTALLED_APPS; "staff" alone means StaffConfig.
    default = False
