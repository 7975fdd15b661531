from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Restaurants and orders")

    def ready(self):
        from orders.board import connect_signals as connect_board_signals
        from orders.menu_cache import connect_signals
        from orders.permissions import ensure_staff_group

        post_migrate.connect(ensure_staff_group, sender=self)
        connect_signals()
        connect_board_signals()
