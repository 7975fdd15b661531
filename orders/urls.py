from django.urls import path, register_converter

from common.urlinput import TokenConverter
from orders import views

register_converter(TokenConverter, "token")

app_name = "orders"

urlpatterns = [
    path("menu/<token:table_token>/", views.menu, name="menu"),
    path("menu/<token:table_token>/order", views.order_create, name="order_create"),
    path("order/<token:order_token>/", views.confirmation, name="confirmation"),
    path("order/<token:order_token>/status", views.confirmation_status, name="confirmation_status"),
    path("order/<token:order_token>/bill", views.bill_request, name="bill_request"),
]
