"""Security settings that depend on the environment, read by running config/settings.py afresh."""

import runpy
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

SETTINGS_FILE = Path(__file__).resolve().parents[2] / "config" / "settings.py"
SMTP = {"SMTP_HOST": "smtp.example.com"}
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "x7Kq2vLp9sRt4wYz8bNc3mHd6fJg1aEu5iOo0PlQ",
    "ALLOWED_HOSTS": "order.example.com",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "SITE_URL": "https://order.example.com",
    **SMTP,
}
CLEARED = (
    *("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "SITE_URL", "ALLOW_INSECURE_SITE_URL"),
    *("EMAIL_BACKEND", "SMTP_HOST", "SMTP_PORT", "SMTP_USE_TLS", "SMTP_USE_SSL"),
)


def load_settings(monkeypatch, **env) -> dict:
    # Empty means "default" to config.env's readers, and a local config.env file
    # (loaded without override) cannot fill these in either.
    for name in CLEARED:
        monkeypatch.setenv(name, "")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


def test_production_csrf_cookie_is_out_of_reach_of_scripts(monkeypatch):
    # No template or static script reads the csrftoken cookie: forms carry the token.
    assert load_settings(monkeypatch, **PRODUCTION)["CSRF_COOKIE_HTTPONLY"] is True


def test_local_default_leaves_the_csrf_cookie_setting_alone(monkeypatch):
    assert "CSRF_COOKIE_HTTPONLY" not in load_settings(monkeypatch, DEBUG="1")


def test_smtp_with_both_tls_and_ssl_stops_the_start(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="SMTP_USE_TLS .* SMTP_USE_SSL"):
        load_settings(monkeypatch, **SMTP, SMTP_USE_TLS="1", SMTP_USE_SSL="1")


@pytest.mark.parametrize(
    ("env", "tls", "ssl"),
    [
        ({}, True, False),  # port 587: STARTTLS
        ({"SMTP_PORT": "465"}, False, True),  # implicit TLS
        ({"SMTP_PORT": "25"}, False, False),
        ({"SMTP_PORT": "465", "SMTP_USE_TLS": "1"}, True, False),  # explicit choice wins over the port
        ({"SMTP_USE_SSL": "1"}, False, True),
        ({"SMTP_USE_TLS": "0", "SMTP_USE_SSL": "0"}, False, False),
    ],
)
def test_smtp_tls_flags_default_by_port_and_explicit_ones_win(monkeypatch, env, tls, ssl):
    settings = load_settings(monkeypatch, **SMTP, **env)
    assert (settings["EMAIL_USE_TLS"], settings["EMAIL_USE_SSL"]) == (tls, ssl)
