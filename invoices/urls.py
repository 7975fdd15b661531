from django.urls import path

from invoices import guest_views, views

app_name = "invoices"

urlpatterns = [
    path("orders/<int:order_id>/invoice", views.invoice_issue, name="issue"),
    path("invoices", views.invoice_list, name="list"),
    path("invoices/<int:invoice_id>", views.invoice_detail, name="detail"),
    path("invoices/<int:invoice_id>/download", views.invoice_download, name="download"),
    path("invoices/<int:invoice_id>/xml", views.invoice_download_xml, name="download_xml"),
    path("invoices/<int:invoice_id>/business-meal", views.business_meal, name="business_meal"),
    path("invoices/<int:invoice_id>/request-correction", views.invoice_request_correction, name="request_correction"),
    path("orders/<str:order_token>/receipt", guest_views.guest_receipt, name="guest_receipt"),
    path("receipt", guest_views.guest_receipt, name="guest_receipt_by_code"),
]
