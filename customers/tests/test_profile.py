import pytest

from customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

PROFILE = "/customer/profile"

VALID = {
    "full_name": "  Ada   Lovelace ",
    "business_name": "Analytical Engines Ltd",
    "vat_id": "de 136 695 976",
    "street": "Hauptstraße 5",
    "postal_code": "10115",
    "city": "Berlin",
    "country": "DE",
    "phone": "+49 30 1234567",
}


def test_profile_page_shows_current_details_and_a_country_list(customer_client, customer):
    html = customer_client.get(PROFILE).content.decode()
    assert customer.full_name in html
    assert '<option value="DE" selected>Germany</option>' in html
    assert '<option value="FR">France</option>' in html


def test_valid_details_are_saved_normalised(customer_client, customer):
    response = customer_client.post(PROFILE, VALID)
    assert response.status_code == 302
    assert response["Location"] == PROFILE
    customer.refresh_from_db()
    assert customer.full_name == "Ada Lovelace"
    assert customer.vat_id == "DE136695976"
    assert customer.vat_id_checked_at is not None
    assert (customer.street, customer.postal_code, customer.city, customer.country) == (
        "Hauptstraße 5",
        "10115",
        "Berlin",
        "DE",
    )
    assert customer.has_billing_details
    assert b"Your details are saved." in customer_client.get(PROFILE).content


def test_address_may_be_left_empty_entirely(customer_client, customer):
    data = {**VALID, "street": "", "postal_code": "", "city": "", "country": "", "business_name": "", "vat_id": ""}
    response = customer_client.post(PROFILE, data)
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.missing_billing_fields == ["street address", "postal code", "city", "country"]


def test_partial_address_names_each_missing_part_and_saves_nothing(customer_client, customer):
    before = (customer.street, customer.city)
    response = customer_client.post(PROFILE, {**VALID, "city": "", "country": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Please add the city too, or leave the whole address empty." in html
    assert "Please add the country too, or leave the whole address empty." in html
    assert "nothing was saved" in html
    customer.refresh_from_db()
    assert (customer.street, customer.city) == before


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("country", "XX", "Select a valid choice."),
        ("country", "Germany", "Select a valid choice."),
        ("postal_code", "1", "Use 2 to 10 letters"),
        ("phone", "call me maybe", "Use digits, spaces and an optional leading +"),
        ("vat_id", "DE#123", "use DE + 9 digits"),
        ("vat_id", "XX12", "starts with an EU country code"),
        ("full_name", "", "This field is required."),
    ],
)
def test_invalid_values_are_explained(customer_client, customer, field, value, message):
    response = customer_client.post(PROFILE, {**VALID, field: value})
    assert response.status_code == 200
    assert message in response.content.decode()
    customer.refresh_from_db()
    assert customer.business_name == ""


def test_profile_only_ever_edits_your_own(customer_client, customer, other_customer):
    customer_client.post(PROFILE, {**VALID, "full_name": "Me Myself"})
    other_customer.refresh_from_db()
    customer.refresh_from_db()
    assert customer.full_name == "Me Myself"
    assert other_customer.full_name != "Me Myself"
    assert other_customer.full_name not in customer_client.get(PROFILE).content.decode()


def test_anonymous_is_sent_to_login_and_staff_get_the_not_a_customer_page(client, staff_a):
    assert client.get(PROFILE)["Location"] == "/customer/login?next=/customer/profile"
    client.force_login(staff_a)
    assert client.get(PROFILE).status_code == 403


def test_unverified_customer_can_edit_the_profile(client):
    customer = CustomerFactory(verified=False)
    client.force_login(customer.user)
    assert client.post(PROFILE, VALID).status_code == 302
