from django.contrib.admin.apps import AdminConfig


class StaffAdminConfig(AdminConfig):
    """``django.contrib.admin`` with the MFA-aware site as ``admin.site``."""

    default_site = "customers.mfa.admin_site.StaffAdminSite"
