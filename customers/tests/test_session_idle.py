import time

import pytest

from customers.adapter import SESSION_LAST_SEEN
from customers.tests.factories import DEFAULT_PASSWORD
from customers.tests.helpers import staff_force_login

pytestmark = pytest.mark.django_db


def log_in(client, customer):
    client.post("/customer/login", {"login": customer.user.email, "password": DEFAULT_PASSWORD})
    assert client.get("/customer/").status_code == 200


def age_session(client, seconds):
    session = client.session
    session[SESSION_LAST_SEEN] = int(time.time()) - seconds
    session.save()


def test_customer_session_ends_after_the_idle_time(client, customer, settings):
    assert settings.CUSTOMER_SESSION_IDLE_SECONDS == 30 * 60
    log_in(client, customer)
    age_session(client, 30 * 60 + 5)
    response = client.get("/customer/")
    assert response.status_code == 302
    assert response["Location"] == "/customer/login?next=/customer/"
    page = client.get(response["Location"])
    assert b"You were logged out after 30 minutes without activity." in page.content
    assert "_auth_user_id" not in client.session


def test_activity_within_the_idle_time_keeps_the_session_and_moves_the_clock(client, customer):
    log_in(client, customer)
    age_session(client, 29 * 60)
    assert client.get("/customer/").status_code == 200
    assert time.time() - client.session[SESSION_LAST_SEEN] < 60
    age_session(client, 29 * 60)
    assert client.get("/customer/profile").status_code == 200


def test_idle_time_is_a_setting(client, customer, settings):
    settings.CUSTOMER_SESSION_IDLE_SECONDS = 120
    log_in(client, customer)
    age_session(client, 121)
    assert client.get("/customer/").status_code == 302


def test_staff_sessions_are_not_cut_by_the_customer_timeout(client, staff_a, settings):
    settings.STAFF_REQUIRE_MFA = False
    staff_force_login(client, staff_a)
    session = client.session
    assert SESSION_LAST_SEEN not in session
    assert client.get("/admin/").status_code == 200
    assert SESSION_LAST_SEEN not in client.session


def test_session_cookie_is_httponly_and_samesite(client, customer, settings):
    client.post("/customer/login", {"login": customer.user.email, "password": DEFAULT_PASSWORD})
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    # A browser-session cookie: the idle timeout, not a long-lived cookie, decides.
    assert cookie["max-age"] == ""


def test_production_settings_make_cookies_secure_httponly_and_samesite():
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "order.example.com",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "SITE_URL": "https://order.example.com",
        "SMTP_HOST": "smtp.example.com",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    code = (
        "import json; from django.conf import settings as s; "
        "print(json.dumps([s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE,"
        " s.CSRF_COOKIE_SECURE, s.CUSTOMER_SESSION_IDLE_SECONDS]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == [True, True, "Lax", True, 1800]


@pytest.mark.parametrize("idle_seconds", [5, 30, 59])
def test_a_timeout_under_a_minute_keeps_an_active_visitor_signed_in(client, customer, settings, idle_seconds):
    """Requests always less than the timeout apart: the session must survive however long it lasts."""
    settings.CUSTOMER_SESSION_IDLE_SECONDS = idle_seconds
    log_in(client, customer)
    gap = idle_seconds * 2 // 3
    for _ in range(4):
        # The visitor was last active ``gap`` seconds ago: move the stamp back by what
        # really passed since it was written, as the clock would have.
        session = client.session
        session[SESSION_LAST_SEEN] -= gap
        session.save()
        assert client.get("/customer/").status_code == 200


def test_the_stamp_is_refreshed_at_least_every_tenth_of_a_short_timeout(client, customer, settings):
    settings.CUSTOMER_SESSION_IDLE_SECONDS = 30
    log_in(client, customer)
    age_session(client, 3)
    assert client.get("/customer/").status_code == 200
    assert time.time() - client.session[SESSION_LAST_SEEN] < 3


def test_a_short_timeout_is_explained_in_seconds(client, customer, settings):
    settings.CUSTOMER_SESSION_IDLE_SECONDS = 30
    log_in(client, customer)
    age_session(client, 31)
    page = client.get(client.get("/customer/")["Location"])
    assert b"You were logged out after 30 seconds without activity." in page.content
