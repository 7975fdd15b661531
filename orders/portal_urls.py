from django.urls import path

from orders import portal_views

app_name = "portal"

urlpatterns = [
    path("orders", portal_views.order_list, name="order_list"),
    path("orders/claim", portal_views.order_claim, name="order_claim"),
    path("orders/claim-session", portal_views.session_orders_claim, name="session_orders_claim"),
    path("orders/<int:order_id>", portal_views.order_detail, name="order_detail"),
]
