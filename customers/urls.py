from django.urls import include, path

from customers import views

app_name = "customers"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("profile", views.profile, name="profile"),
    path("resend-verification", views.resend_verification, name="resend_verification"),
    # MFA pages (/customer/mfa/...), owned by the MFA work.
    path("mfa/", include("customers.mfa.urls")),
]
