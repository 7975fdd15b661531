"""templates/forms/_field.html, the one partial every form field goes through."""

import re

import pytest
from django.template.loader import render_to_string

from customers.mfa.forms import RegenerateForm, VerifyForm
from orders.forms import ClaimCodeForm


def described_ids_are_present(html: str) -> None:
    for ids in re.findall(r'aria-describedby="([^"]+)"', html):
        for element_id in ids.split():
            assert f'id="{element_id}"' in html, f"aria-describedby points at missing #{element_id}"


def test_a_field_with_help_and_an_error_is_labelled_described_and_marked_invalid():
    form = VerifyForm(data={"code": ""})
    html = render_to_string("forms/_field.html", {"field": form["code"]})
    assert '<label for="id_code">Authentication code</label>' in html
    assert 'aria-describedby="id_code_helptext id_code_error"' in html
    assert '<div class="helptext" id="id_code_helptext">The 6-digit code' in html
    assert 'aria-invalid="true"' in html
    assert '<div id="id_code_error"><p class="field-error" role="alert">This field is required.</p></div>' in html
    assert "has-error" in html
    described_ids_are_present(html)


def test_help_text_of_the_receipt_code_is_linked_to_its_input():
    # The claim page rendered the help text without an id, so the input's aria-describedby led nowhere.
    html = render_to_string("forms/_field.html", {"field": ClaimCodeForm()["code"]})
    assert "You find it on your order confirmation" in html
    described_ids_are_present(html)


def test_optional_fields_are_marked_unless_the_form_wants_one_of_them():
    form = RegenerateForm()
    assert "(optional)" in render_to_string("forms/_field.html", {"field": form["password"]})
    assert "(optional)" not in render_to_string("forms/_field.html", {"field": form["password"], "either_or": True})


@pytest.mark.django_db
def test_profile_errors_show_next_to_their_fields(customer_client):
    html = customer_client.post("/customer/profile", {"full_name": "", "country": "XX"}).content.decode()
    assert html.count('class="form-row has-error"') >= 1
    assert 'role="alert"' in html
    described_ids_are_present(html)
