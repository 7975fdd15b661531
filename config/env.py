"""Typed readers for settings that come from the environment.

A typo such as ``DEBUG=flase`` must fail loudly instead of silently meaning
"on" or "off", so every helper raises ImproperlyConfigured on a value it
cannot parse. ``production_problems`` says what a DEBUG=0 configuration lacks.
Used by config/settings.py and config/gunicorn.conf.py.
"""

import os
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_str(name: str, default: str = "") -> str:
    """The variable's value; unset or empty means ``default``."""
    value = os.environ.get(name, "").strip()
    return value or default


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer; got {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


# --- What production must set ---------------------------------------------------
POSTGRES_ENGINES = {"django.db.backends.postgresql", "django.contrib.gis.db.backends.postgis"}
REDIS_SCHEMES = {"redis", "rediss", "unix"}
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


def production_problems(
    *,
    secret_key: str,
    allowed_hosts: list[str],
    database_url: str,
    redis_url: str,
    site_url: str,
    smtp_host: str,
    email_backend: str,
    allow_insecure_site_url: bool,
) -> list[str]:
    """Why these values are not a production configuration (DEBUG=0): one line per key, empty when fine.

    Every key is checked, so one start-up error names all that is missing at once
    rather than one per restart. Without these, DEBUG=0 would quietly run on the
    local defaults: SQLite, per-process rate limits, console mail and QR codes
    pointing at 127.0.0.1.
    """
    problems = []
    if not secret_key:
        problems.append("SECRET_KEY must be set (the same on every app server)")
    if not allowed_hosts:
        problems.append("ALLOWED_HOSTS must be set (comma-separated host names, e.g. order.example.com)")
    problems += _database_problems(database_url)
    if not redis_url:
        problems.append("REDIS_URL must be set (e.g. redis://host:6379/0): rate limits and sessions are shared there")
    elif _scheme(redis_url) not in REDIS_SCHEMES:
        problems.append(f"REDIS_URL must be a redis://, rediss:// or unix:// URL; got {_scheme(redis_url)!r}")
    problems += _site_url_problems(site_url, allow_insecure=allow_insecure_site_url)
    if not smtp_host and not email_backend:
        problems.append("SMTP_HOST (or an explicit EMAIL_BACKEND) must be set: production mail is not printed")
    if email_backend and ("." not in email_backend or " " in email_backend):
        problems.append(f"EMAIL_BACKEND must be a dotted path to a mail backend class; got {email_backend!r}")
    return problems


def _database_problems(url: str) -> list[str]:
    if not url:
        return ["DATABASE_URL must be set to a PostgreSQL URL (postgres://user:password@host:5432/dbname)"]
    try:
        engine = dj_database_url.parse(url)["ENGINE"]
    except ValueError:
        engine = ""
    if engine not in POSTGRES_ENGINES:
        # Row locks keep invoice numbers gapless; SQLite has none and serialises every write.
        return [f"DATABASE_URL must be a PostgreSQL URL (postgres://...); got {_scheme(url)!r}"]
    return []


def _site_url_problems(url: str, *, allow_insecure: bool) -> list[str]:
    if not url:
        return ["SITE_URL must be set to the public https:// address (printed into the QR codes and mails)"]
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:  # e.g. an unclosed [IPv6 bracket
        return [f"SITE_URL must be an https:// URL with a host name; got {url!r}"]
    if parts.scheme == "https" and host:
        return []
    if parts.scheme == "http" and host in LOOPBACK_HOSTS:
        if allow_insecure:
            return []
        return [
            "SITE_URL must be https://; http on a loopback address is only accepted with "
            "ALLOW_INSECURE_SITE_URL=1 (benchmarks and CI)"
        ]
    # Deliberately no opt-in for other hosts: QR codes printed with an http or
    # wrong address cannot be recalled from the tables.
    return [f"SITE_URL must be an https:// URL with a host name; got {url!r}"]


def _scheme(url: str) -> str:
    # Only the scheme goes into an error: the rest of the URL may hold a password.
    return url.split("://", 1)[0].lower() if "://" in url else "(no scheme)"
