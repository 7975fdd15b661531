from django.urls import include, path

app_name = "customers"

urlpatterns = [
    # MFA pages (/customer/mfa/...), owned by the MFA work.
    path("mfa/", include("customers.mfa.urls")),
]
