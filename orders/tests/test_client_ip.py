import pytest
from django.urls import reverse

from orders.models import Order
from orders.tests.factories import MenuItemFactory, TableFactory


@pytest.mark.parametrize("proxies, limited", [(0, True), (1, False)])
def test_order_rate_limit_counts_guests_behind_a_proxy_separately(client, db, settings, proxies, limited):
    """Behind a load balancer, each guest has their own bucket (X-Forwarded-For), not the balancer's."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = proxies
    settings.ORDER_RATE_PER_IP = "10/h"
    table = TableFactory()
    item = MenuItemFactory(restaurant=table.restaurant)
    url = reverse("orders:order_create", args=[table.token])
    for n in range(10):
        client.post(url, {f"qty_{item.pk}": 1}, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    response = client.post(url, {f"qty_{item.pk}": 1}, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert (response.status_code == 429) is limited
    assert Order.objects.count() == (10 if limited else 11)
