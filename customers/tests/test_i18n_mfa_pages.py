"""The MFA code step, backup codes, MFA turn-off and data-export pages in German and French: nothing left in English.

They need a session in a given state (password passed, MFA verified, recently
re-authenticated), so they are apart from ``test_i18n_pages``.
"""

import pytest
from django.urls import reverse

from customers.tests.factories import DEFAULT_PASSWORD

# The same page check and language reset as the other portal pages.
from customers.tests.test_i18n_pages import LANGUAGES, _assert_translated, _no_language_left_active  # noqa: F401
from customers.tests.test_mfa import mfa_client, mfa_customer  # noqa: F401 (fixtures)
from privacy.tests.test_export import reauthenticate

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_code_step_of_the_login_is_translated(client, mfa_customer, language):  # noqa: F811
    response = client.post(reverse("account_login"), {"login": mfa_customer.user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("customers:mfa_verify")
    # The backup-code example in the hint is a code, not a sentence.
    html = _assert_translated(client, reverse("customers:mfa_verify"), language, allowed={"abcd-2345"})
    assert {"de": "Code", "fr": "code"}[language] in html


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("url_name", ["customers:mfa_backup_codes", "customers:mfa_disable"])
def test_backup_codes_and_turn_off_pages_are_translated(mfa_client, url_name, language):  # noqa: F811
    _assert_translated(mfa_client, reverse(url_name), language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_data_export_page_is_translated(customer_client, customer, language):
    assert reauthenticate(customer_client).status_code == 302
    html = _assert_translated(customer_client, reverse("privacy:export"), language)
    assert 'method="post"' in html
