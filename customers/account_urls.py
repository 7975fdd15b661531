"""allauth's views at the product's paths, under allauth's own URL names.

Mounted without a namespace (allauth reverses ``account_login`` etc.). Every
name allauth may reverse is listed, so no page of it is left unreachable.
Paths have no trailing slash, like the rest of the portal.

The pages of a signed-in account (change email or password, reauthenticate)
are wrapped in ``customer_required``: the same rule as every portal page, so
a staff (admin) session, a staff account without a customer profile, or a
session that predates MFA cannot use them. Pages for signed-out visitors
(login, register, reset by mail, the link in the verification mail) and
logout stay open.
"""

from allauth.account import views as allauth_views
from django.urls import path, re_path

from customers import views
from customers.decorators import customer_required

urlpatterns = [
    path("register", views.RegisterView.as_view(), name="account_signup"),
    path("login", views.LoginView.as_view(), name="account_login"),
    path("logout", allauth_views.logout, name="account_logout"),
    path("inactive", allauth_views.account_inactive, name="account_inactive"),
    path("reauthenticate", customer_required(allauth_views.reauthenticate), name="account_reauthenticate"),
    # Email verification: "check your inbox" page, then the link from the mail.
    path("verify-email", allauth_views.email_verification_sent, name="account_email_verification_sent"),
    re_path(r"^verify-email/(?P<key>[-:\w]+)$", allauth_views.confirm_email, name="account_confirm_email"),
    # Change email (the new address must be verified before it replaces the old one).
    path("change-email", customer_required(allauth_views.email), name="account_email"),
    path("change-password", customer_required(allauth_views.password_change), name="account_change_password"),
    path("set-password", customer_required(allauth_views.password_set), name="account_set_password"),
    # Password reset by emailed link.
    path("forgot-password", allauth_views.password_reset, name="account_reset_password"),
    path("forgot-password/sent", allauth_views.password_reset_done, name="account_reset_password_done"),
    path(
        "reset-password/done",
        allauth_views.password_reset_from_key_done,
        name="account_reset_password_from_key_done",
    ),
    re_path(
        r"^reset-password/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)$",
        allauth_views.password_reset_from_key,
        name="account_reset_password_from_key",
    ),
]
