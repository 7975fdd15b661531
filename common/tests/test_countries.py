"""The one country list: every ISO 3166-1 code has a name, and every place that asks for a country uses it."""

import pytest
from django.core.exceptions import ValidationError

from common.countries import country_choices, country_name
from customers.forms import ProfileForm
from orders.models import Restaurant
from orders.tests.factories import RestaurantFactory


def test_every_iso_3166_code_has_an_english_name():
    choices = country_choices()
    codes = [code for code, _ in choices]
    assert len(codes) == len(set(codes)) == 249
    assert all(len(code) == 2 and code.isupper() for code in codes)
    assert all(name and name != code for code, name in choices)
    assert ("BR", "Brazil") in choices and ("DE", "Germany") in choices


def test_names_for_addresses():
    assert country_name("BR") == "Brazil"
    assert country_name(" br ") == "Brazil"
    assert country_name("XX") == "XX"  # outside the list: printed as stored, still a valid address line
    assert country_name("") == ""


def test_the_profile_and_the_restaurant_offer_the_same_list():
    profile_codes = [code for code, _ in ProfileForm().fields["country"].choices if code]
    restaurant_codes = [code for code, _ in Restaurant._meta.get_field("country").choices]
    assert profile_codes == restaurant_codes == [code for code, _ in country_choices()]


@pytest.mark.django_db
def test_a_restaurant_refuses_a_code_outside_the_list():
    restaurant = RestaurantFactory.build(country="XX")
    with pytest.raises(ValidationError) as error:
        restaurant.full_clean(exclude=["timezone", "company"])
    assert "country" in error.value.message_dict
    restaurant.country = "BR"
    restaurant.full_clean(exclude=["timezone", "company"])
