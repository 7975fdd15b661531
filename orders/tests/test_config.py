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


def _manage(*args, env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET", "DJANGO_ALLOW_ASYNC"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "x7Kq2vLp9sRt4wYz8bNc3mHd6fJg1aEu5iOo0PlQzXyWvUtSrQpOnMlKjIhGf",
    "ALLOWED_HOSTS": "order.example.com",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "SITE_URL": "https://order.example.com",
}


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
