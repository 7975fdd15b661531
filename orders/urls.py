from django.urls import path

from orders import views

app_name = "orders"

urlpatterns = [
    path("menu/<str:table_token>/", views.menu, name="menu"),
    path("menu/<str:table_token>/order", views.order_create, name="order_create"),
    path("order/<str:order_token>/", views.confirmation, name="confirmation"),
]
