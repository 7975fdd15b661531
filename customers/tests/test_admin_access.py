import pytest

from customers.tests.helpers import staff_force_login

pytestmark = pytest.mark.django_db

PAGES = ["/admin/customers/customer/", "/admin/customers/user/"]


@pytest.mark.parametrize("url", PAGES)
def test_restaurant_staff_cannot_browse_customer_accounts(client, staff_a, customer, url):
    staff_force_login(client, staff_a)
    assert client.get(url).status_code == 403
    assert client.get(f"{url}{customer.pk if 'customer/' in url else customer.user.pk}/change/").status_code in (
        403,
        302,
    )
    index = client.get("/admin/").content.decode()
    assert "/admin/customers/" not in index


@pytest.mark.parametrize("url", PAGES)
def test_superuser_can(client, superuser, customer, url):
    staff_force_login(client, superuser)
    response = client.get(url)
    assert response.status_code == 200
    assert customer.user.email in response.content.decode()
