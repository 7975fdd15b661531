from django.urls import path

from invoices import views

app_name = "invoices"

urlpatterns = [
    path("orders/<int:order_id>/invoice", views.invoice_issue, name="issue"),
    path("invoices", views.invoice_list, name="list"),
    path("invoices/<int:invoice_id>", views.invoice_detail, name="detail"),
    path("invoices/<int:invoice_id>/download", views.invoice_download, name="download"),
]
