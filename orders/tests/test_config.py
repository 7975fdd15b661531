import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list

ROOT = Path(__file__).resolve().parents[2]


def test_env_helpers_parse_and_refuse_typos(monkeypatch):
    monkeypatch.setenv("X_BOOL", "flase")
    with pytest.raises(ImproperlyConfigured):
        env_bool("X_BOOL", True)
    monkeypatch.setenv("X_BOOL", "Off")
    assert env_bool("X_BOOL", True) is False
    monkeypatch.setenv("X_INT", "12a")
    with pytest.raises(ImproperlyConfigured):
        env_int("X_INT", 1)
    monkeypatch.setenv("X_LIST", "a.example, b.example,")
    assert env_list("X_LIST", []) == ["a.example", "b.example"]


# Set to "" rather than removed: empty means unset to config.env's readers, and
# a developer's config.env file (loaded without override) cannot fill them in.
BLANKED = ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "SITE_URL", "ALLOW_INSECURE_SITE_URL")
BLANKED += ("SMTP_HOST", "EMAIL_BACKEND")


def _run(argv, *, env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DEBUG", "DJANGO_ALLOW_ASYNC"))}
    return subprocess.run(
        [sys.executable, *argv],
        cwd=ROOT,
        env={**clean, **dict.fromkeys(BLANKED, ""), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def _manage(*args, env):
    return _run(["manage.py", *args], env=env)


PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "x7Kq2vLp9sRt4wYz8bNc3mHd6fJg1aEu5iOo0PlQzXyWvUtSrQpOnMlKjIhGf",
    "ALLOWED_HOSTS": "order.example.com",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "SITE_URL": "https://order.example.com",
    "SMTP_HOST": "smtp.example.com",
}
REQUIRED = ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "SITE_URL", "SMTP_HOST")


def _production_problems(stderr: str) -> list[str]:
    """The keys named in the start-up error, one per '- KEY ...' line."""
    assert "ImproperlyConfigured: DEBUG=0 needs a complete production configuration" in stderr, stderr
    return [line[2:].split()[0] for line in stderr.splitlines() if line.startswith("- ")]


def _without(*keys, **extra):
    return {**{k: v for k, v in PRODUCTION_ENV.items() if k not in keys}, **extra}


def test_production_settings_pass_check_deploy():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_a_typo_in_debug_fails_loudly():
    result = _manage("check", env={"DEBUG": "flase"})
    assert result.returncode != 0
    assert "DEBUG must be one of" in result.stderr


@pytest.mark.parametrize("key", REQUIRED)
def test_production_refuses_to_start_without_each_required_key_and_names_it(key):
    result = _manage("check", env=_without(key))
    assert result.returncode != 0
    assert _production_problems(result.stderr) == [key]


def test_production_with_nothing_configured_names_every_missing_key_at_once():
    result = _manage("check", env={"DEBUG": "0"})
    assert result.returncode != 0
    assert _production_problems(result.stderr) == list(REQUIRED)


@pytest.mark.parametrize(
    ("env", "key"),
    [
        ({"DATABASE_URL": "sqlite:///db.sqlite3"}, "DATABASE_URL"),
        ({"DATABASE_URL": "mysql://root@127.0.0.1/qr"}, "DATABASE_URL"),
        ({"REDIS_URL": "memcached://127.0.0.1:11211"}, "REDIS_URL"),
        ({"SITE_URL": "http://order.example.com"}, "SITE_URL"),
        ({"SITE_URL": "order.example.com"}, "SITE_URL"),
        # The old local default: QR codes for 127.0.0.1 in production.
        ({"SITE_URL": "http://127.0.0.1:8000"}, "SITE_URL"),
        # The benchmarks' opt-in covers loopback only, never a public host over http.
        ({"SITE_URL": "http://order.example.com", "ALLOW_INSECURE_SITE_URL": "1"}, "SITE_URL"),
        ({"EMAIL_BACKEND": "console"}, "EMAIL_BACKEND"),
    ],
)
def test_production_refuses_wrong_values(env, key):
    result = _manage("check", env={**PRODUCTION_ENV, **env})
    assert result.returncode != 0
    assert _production_problems(result.stderr) == [key]


def test_the_error_shows_a_database_url_scheme_but_never_its_password():
    result = _manage("check", env=_without(DATABASE_URL="mysql://root:hunter2@db.example.com/qr"))
    assert "'mysql'" in result.stderr
    assert "hunter2" not in result.stderr


def _setting(name: str, env: dict):
    code = f"import json; from django.conf import settings; print(json.dumps(settings.{name}))"
    result = _run(["-c", code], env={"DJANGO_SETTINGS_MODULE": "config.settings", **env})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_an_explicit_email_backend_is_a_mail_configuration_and_wins():
    backend = "django.core.mail.backends.locmem.EmailBackend"
    assert _setting("EMAIL_BACKEND", _without("SMTP_HOST", EMAIL_BACKEND=backend)) == backend
    assert _setting("EMAIL_BACKEND", {**PRODUCTION_ENV, "EMAIL_BACKEND": backend}) == backend


def test_loopback_http_site_url_starts_only_with_the_explicit_opt_in():
    env = {**PRODUCTION_ENV, "SITE_URL": "http://127.0.0.1:8000", "ALLOW_INSECURE_SITE_URL": "1"}
    assert _setting("SITE_URL", env) == "http://127.0.0.1:8000"
    result = _manage("check", env={**env, "ALLOW_INSECURE_SITE_URL": "yes please"})
    assert result.returncode != 0
    assert "ALLOW_INSECURE_SITE_URL must be one of" in result.stderr


def test_production_never_silences_the_rate_limit_cache_check():
    assert _setting("SILENCED_SYSTEM_CHECKS", PRODUCTION_ENV) == []


def test_nothing_configured_is_the_local_default():
    # The demo and the test command run like this: DEBUG on, SQLite, local memory, console mail.
    result = _run(
        [
            "-c",
            "import django; django.setup(); from django.conf import settings as s; "
            "print(s.DEBUG, s.DATABASES['default']['ENGINE'], s.CACHES['default']['BACKEND'], s.EMAIL_BACKEND, s.SITE_URL)",
        ],
        env={"DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": ""},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True",
        "django.db.backends.sqlite3",
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.mail.backends.console.EmailBackend",
        "http://127.0.0.1:8000",
    ]


GUNICORN = ["-m", "gunicorn", "--print-config", "-c", str(ROOT / "config" / "gunicorn.conf.py"), "config.wsgi"]


def _gunicorn_config(env: dict) -> dict:
    result = _run(GUNICORN, env=env)
    assert result.returncode == 0, result.stderr
    pairs = (line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    return {name.strip(): value.strip() for name, value in pairs}


def test_gunicorn_config_reads_the_environment_with_the_settings_readers():
    config = _gunicorn_config({"WEB_CONCURRENCY": "3", "GUNICORN_PRELOAD": "off", "PORT": "9001"})
    assert (config["workers"], config["preload_app"], config["bind"]) == ("3", "False", "['0.0.0.0:9001']")


@pytest.mark.parametrize(
    ("env", "message"),
    [
        # Used to mean "preload on": anything but 0/false/no/off did.
        ({"GUNICORN_PRELOAD": "flase"}, "GUNICORN_PRELOAD must be one of"),
        ({"GUNICORN_CONTROL_SOCKET_DISABLE": "ja"}, "GUNICORN_CONTROL_SOCKET_DISABLE must be one of"),
        ({"GUNICORN_THREADS": "4x"}, "GUNICORN_THREADS must be an integer"),
    ],
)
def test_gunicorn_config_refuses_typos(env, message):
    result = _run(GUNICORN, env=env)
    assert result.returncode != 0
    assert message in result.stdout + result.stderr
