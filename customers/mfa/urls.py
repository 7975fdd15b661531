from django.urls import path

from customers.mfa import views

# Included at /customer/mfa/ inside the "customers" namespace.
urlpatterns = [
    path("setup", views.setup, name="mfa_setup"),
    path("verify", views.verify, name="mfa_verify"),
    path("verify/cancel", views.verify_cancel, name="mfa_verify_cancel"),
    path("backup-codes", views.backup_codes, name="mfa_backup_codes"),
    path("backup-codes/new", views.backup_codes_new, name="mfa_backup_codes_new"),
    path("disable", views.disable, name="mfa_disable"),
]
