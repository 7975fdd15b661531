from django.contrib import admin
from django.urls import include, path

from common.i18n import set_language
from common.views import home
from staff.urls import urlpatterns as staff_urls

urlpatterns = [
    # Staff sign in through django-two-factor-auth (/admin/login/, /admin/mfa/...),
    # listed first so it replaces the admin's own login page.
    path("admin/", include(staff_urls)),
    path("admin/", admin.site.urls),
    # Customer portal: each app mounts its own pages under /customer/.
    path("customer/", include("customers.urls")),
    path("customer/", include("customers.account_urls")),  # allauth, un-namespaced
    path("customer/", include("orders.portal_urls")),
    path("customer/", include("invoices.urls")),
    path("customer/", include("privacy.urls")),
    path("language/", set_language, name="set_language"),
    path("", home, name="home"),
    # Guest pages reached from the table QR codes.
    path("", include("orders.urls")),
]

handler400 = "common.views.bad_request"
handler403 = "common.views.permission_denied"
handler404 = "common.views.page_not_found"
# handler500 stays Django's: it renders templates/500.html without a request, so it works with the database down.
