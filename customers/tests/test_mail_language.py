"""Mails in the recipient's language: saved preference, else the triggering request's, else English.

Sent through the outbox to a real SMTP server on loopback, read back as the
recipient's mail program would (subject, plain text and HTML part).
"""

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django_otp.plugins.otp_totp.models import TOTPDevice

from common.i18n import mail_language_for
from common.models import OutboundMail
from customers.mfa import services
from customers.tests.helpers import code_for

pytestmark = pytest.mark.django_db

MFA_ENABLED = {
    "en": ("Two-factor authentication enabled", "Keep your backup codes somewhere safe.", "Wasn't you?"),
    "de": (
        "Zwei-Faktor-Authentifizierung eingeschaltet",
        "Bewahren Sie Ihre Backup-Codes sicher auf.",
        "Das waren nicht Sie?",
    ),
    "fr": (
        "Authentification à deux facteurs activée",
        "Conservez vos codes de secours en lieu sûr.",
        "Ce n\u2019était pas vous\u00a0?",
    ),
}


@pytest.fixture(autouse=True)
def _no_language_left_active():
    # A test client request leaves its language active in this thread; start and end with none.
    translation.deactivate()
    yield
    translation.deactivate()


def _parts(message) -> tuple[str, str, str]:
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    return str(message["Subject"]), text, html


def _enable_mfa(user, captured):
    device = services.mfa_setup_device(user=user)
    with captured(execute=True):
        services.mfa_setup_confirm(user=user, code=code_for(device))


@pytest.mark.parametrize("language", ["de", "fr"])
def test_mfa_mail_arrives_in_the_customers_saved_language(
    customer, smtp_server, django_capture_on_commit_callbacks, language
):
    customer.user.language = language
    customer.user.save(update_fields=["language"])
    # The active language (a worker's, another request's) does not matter: the saved one wins.
    with translation.override("en"):
        _enable_mfa(customer.user, django_capture_on_commit_callbacks)
    subject, text, html = _parts(smtp_server.wait_for(1)[-1])
    title, sentence, warning = MFA_ENABLED[language]
    assert subject.endswith(title)
    assert sentence in text and warning in text
    assert sentence in html and warning in html
    assert f'<html lang="{language}">' in html
    for english in MFA_ENABLED["en"]:
        assert english not in subject + text + html
    assert OutboundMail.objects.get(kind="mfa_enabled").language == language


def test_without_a_saved_language_the_mail_follows_the_request(
    customer_client, customer, smtp_server, django_capture_on_commit_callbacks
):
    customer_client.get(reverse("customers:mfa_setup"), HTTP_ACCEPT_LANGUAGE="fr")
    device = TOTPDevice.objects.get(user=customer.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = customer_client.post(
            reverse("customers:mfa_setup"), {"code": code_for(device)}, HTTP_ACCEPT_LANGUAGE="fr"
        )
    assert response.status_code == 302
    subject, text, _html = _parts(smtp_server.wait_for(1)[-1])
    assert subject.endswith(MFA_ENABLED["fr"][0])
    assert MFA_ENABLED["fr"][1] in text


def test_without_any_language_the_mail_is_english(customer, smtp_server, django_capture_on_commit_callbacks):
    _enable_mfa(customer.user, django_capture_on_commit_callbacks)
    subject, text, html = _parts(smtp_server.wait_for(1)[-1])
    assert subject.endswith(MFA_ENABLED["en"][0])
    assert MFA_ENABLED["en"][1] in text and '<html lang="en">' in html
    assert OutboundMail.objects.get(kind="mfa_enabled").language == "en"


def test_password_reset_mail_uses_the_accounts_language_not_the_signed_out_browsers(
    client, customer, smtp_server, django_capture_on_commit_callbacks
):
    customer.user.language = "fr"
    customer.user.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_reset_password"), {"email": customer.user.email}, HTTP_ACCEPT_LANGUAGE="de"
        )
    assert response.status_code == 302
    subject, text, html = _parts(smtp_server.wait_for(1)[-1])
    assert "Réinitialisez votre mot de passe" in subject
    assert "a demandé la réinitialisation du mot de passe" in text
    assert "Choisir un nouveau mot de passe" in html
    assert "Someone (hopefully you)" not in text + html


def test_a_mail_to_an_unknown_address_follows_the_browser(client, db, smtp_server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "nobody@example.com"}, HTTP_ACCEPT_LANGUAGE="de")
    subject, text, _html = _parts(smtp_server.wait_for(1)[-1])
    assert "Kein Konto für diese Adresse" in subject
    assert "haben wir kein Konto" in text


def test_mail_language_for_order_of_precedence(customer):
    request = RequestFactory().get("/")
    request.LANGUAGE_CODE = "fr"
    user = customer.user
    assert mail_language_for(user=user, request=request) == "fr"
    user.language = "de"
    assert mail_language_for(user=user, request=request) == "de"
    user.language = ""
    with translation.override("de"):
        assert mail_language_for(user=user) == "de"
        assert mail_language_for(user=None, request=request) == "fr"
    with translation.override("es"):
        assert mail_language_for(user=None) == "en"


ACCOUNT_MAILS = [
    "account_already_exists",
    "email_changed",
    "email_confirm",
    "email_confirmation",
    "email_confirmation_signup",
    "email_deleted",
    "password_changed",
    "password_reset",
    "password_reset_key",
    "password_set",
    "unknown_account",
]


@pytest.mark.parametrize("name", ACCOUNT_MAILS)
def test_every_account_mail_is_translated(customer, name):
    """allauth's mails on our layout: no English sentence left in German or French (names and links aside)."""
    from django.template.loader import render_to_string
    from django.utils import timezone

    from common.tests.i18n import english_leftover_lines, english_leftovers

    context = {
        "user": customer.user,
        "email": customer.user.email,
        "from_email": "old@example.com",
        "to_email": customer.user.email,
        "deleted_email": "old@example.com",
        "activate_url": "https://example.com/a",
        "password_reset_url": "https://example.com/p",
        "signup_url": "https://example.com/s",
        "site_url": "https://example.com",
        "timestamp": timezone.now(),
        "ip": "192.0.2.1",
        "user_agent": "Firefox",
    }
    rendered = {}
    for language in ("en", "de", "fr"):
        with translation.override(language):
            rendered[language] = [
                render_to_string(f"account/email/{name}_subject.txt", context),
                render_to_string(f"account/email/{name}_message.txt", context),
                render_to_string(f"account/email/{name}_message.html", context),
            ]
    # The product name with the site address, and "Browser" (the same word in German) are not sentences.
    allowed = {
        customer.user.customer.full_name,
        "QR Table Ordering · https://example.com",
        "Browser: Firefox",
        "Browser",
        "Firefox",
    }
    for language in ("de", "fr"):
        subject, text, html = rendered[language]
        assert subject.strip() != rendered["en"][0].strip()
        assert english_leftover_lines(rendered["en"][1], text, allowed=allowed) == []
        assert english_leftovers(rendered["en"][2], html, allowed=allowed) == []


@pytest.mark.parametrize("name", ["mfa_disabled", "mfa_enabled", "mfa_backup_code_used", "privacy_data_exported"])
def test_a_security_notice_never_says_it_may_be_ignored(customer, name):
    from django.utils import timezone

    from customers.emails import email_render

    context = {"user": customer.user, "when": timezone.now(), "timestamp": timezone.now(), "remaining": 3}
    subject, text, html = email_render(name=name, context=context, language="en")
    for body in (text, html):
        assert "you can ignore it" not in body
        assert "This is a security notice about your customer account" in body
    _subject, _text, german = email_render(name=name, context=context, language="de")
    assert "Sicherheitshinweis zu Ihrem Kundenkonto" in german
