from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    # Customer portal: each app mounts its own pages under /customer/.
    path("customer/", include("customers.urls")),
    path("customer/", include("orders.portal_urls")),
    path("customer/", include("invoices.urls")),
    # Guest pages reached from the table QR codes.
    path("", include("orders.urls")),
]

handler404 = "config.views.page_not_found"
