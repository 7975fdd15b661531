"""One log line per request with a request id; JSON lines; nothing secret in any log line."""

import io
import json
import logging
import re

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured

from customers.tests.factories import DEFAULT_PASSWORD
from ops.logs import JsonFormatter, RequestIdFilter, RequestPathFilter
from ops.requestid import request_id_bound, request_id_current
from orders.models import Order
from orders.tests.factories import MenuItemFactory, TableFactory

pytestmark = pytest.mark.django_db


class Captured:
    def __init__(self, stream: io.StringIO):
        self.stream = stream

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    def json_lines(self) -> list[dict]:
        return [json.loads(line) for line in self.text.splitlines()]


def _capture(formatter: logging.Formatter):
    """A handler built like the console handler of settings.LOGGING, on the root logger, at DEBUG."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.addFilter(RequestPathFilter())
    handler.setFormatter(formatter)
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    return Captured(stream), lambda: (root.removeHandler(handler), root.setLevel(old_level))


@pytest.fixture
def plain_log():
    captured, undo = _capture(logging.Formatter(django_settings.LOGGING["formatters"]["plain"]["format"]))
    yield captured
    undo()


@pytest.fixture
def json_log():
    captured, undo = _capture(JsonFormatter())
    yield captured
    undo()


def test_a_valid_request_id_is_echoed_and_logged(client, plain_log):
    response = client.get("/customer/login", HTTP_X_REQUEST_ID="lb-2f1c9a7e-0001")
    assert response["X-Request-ID"] == "lb-2f1c9a7e-0001"
    assert re.search(r"INFO ops\.request \[lb-2f1c9a7e-0001\] GET /customer/login 200 [\d.]+ms user=-", plain_log.text)


@pytest.mark.parametrize(
    "bad",
    [
        "abc\nINFO forged line",  # log injection
        "x" * 129,  # too long
        "short",  # too short to be an id
        "id with spaces 123",
        '"quoted-id-123"',
        "",
    ],
)
def test_an_invalid_request_id_is_replaced_by_a_new_one(client, plain_log, bad):
    response = client.get("/customer/login", HTTP_X_REQUEST_ID=bad)
    new_id = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", new_id)
    if bad:
        assert bad not in plain_log.text
    assert f"[{new_id}] GET /customer/login 200" in plain_log.text


def test_each_request_gets_its_own_id(client):
    assert client.get("/customer/login")["X-Request-ID"] != client.get("/customer/login")["X-Request-ID"]


def test_every_line_logged_during_a_request_carries_its_id(client, settings, tmp_path, json_log):
    # A failing readiness check logs a warning inside the request, then the request line follows.
    blocker = tmp_path / "file"
    blocker.write_text("")
    settings.STORAGES = {
        **settings.STORAGES,
        "invoices": {"BACKEND": "invoices.storage.PrivateFileSystemStorage", "OPTIONS": {"location": str(blocker)}},
    }
    response = client.get("/readyz", HTTP_X_REQUEST_ID="probe-000000001")
    assert response.status_code == 503
    lines = json_log.json_lines()
    by_logger = {line["logger"]: line for line in lines}
    assert {"ops.health", "ops.request", "django.request"} <= set(by_logger)
    assert {line["request_id"] for line in lines} == {"probe-000000001"}


def test_json_lines_parse_and_hold_the_request_fields(client, customer, json_log):
    client.force_login(customer.user)
    client.get("/customer/invoices?page=2&secret=xyz", HTTP_X_REQUEST_ID="req-1234567890")
    (line,) = [line for line in json_log.json_lines() if line["logger"] == "ops.request"]
    assert line["request_id"] == "req-1234567890"
    assert line["method"] == "GET"
    assert line["path"] == "/customer/invoices"  # no query string
    assert line["status"] == 200
    assert line["user_id"] == customer.user.pk
    assert isinstance(line["duration_ms"], float)
    assert line["level"] == "INFO"
    assert "xyz" not in json_log.text


def test_log_lines_outside_a_request_have_no_id(json_log):
    logging.getLogger("anything").warning("a %s", "b")
    (line,) = json_log.json_lines()
    assert line["message"] == "a b"
    assert line["request_id"] is None


def test_exceptions_are_kept_in_one_json_line(json_log):
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("anything").exception("failed")
    (line,) = json_log.json_lines()
    assert "ValueError: boom" in line["exc_info"]


def test_a_task_can_carry_the_id_of_the_request_that_enqueued_it():
    with request_id_bound("req-abcdef123") as outer:
        carried = request_id_current()
    assert request_id_current() is None
    with request_id_bound(carried) as inner:
        assert inner == outer == request_id_current() == "req-abcdef123"


def test_control_characters_in_the_path_cannot_forge_a_log_line(client, plain_log):
    client.get("/nothing%0A2026-01-01 INFO ops.request [x] GET /admin/ 200")
    (line,) = [line for line in plain_log.text.splitlines() if "ops.request" in line]
    assert "\\x0a" in line


def test_no_email_token_or_password_reaches_the_log_in_a_login_menu_order_flow(client, customer, plain_log, json_log):
    table = TableFactory()
    dish = MenuItemFactory(restaurant=table.restaurant, name="Soup")
    email = customer.user.email

    client.post("/customer/login", {"login": email, "password": "wrong password 123"})
    client.post("/customer/login", {"login": email, "password": DEFAULT_PASSWORD})
    menu = client.get(f"/menu/{table.token}/?utm_source=qr")
    key = re.search(r'name="submission" value="([0-9a-f-]{36})"', menu.content.decode()).group(1)
    placed = client.post(f"/menu/{table.token}/order", {f"qty_{dish.pk}": "2", "submission": key})
    client.get(placed["Location"])
    client.get(f"/menu/{table.token}")  # the slash redirect: no URL pattern matched yet
    client.get(f"/order/{table.token}/nothing-here")  # 404
    client.get("/customer/verify-email/MQ:1tJq3x:abcdefghijklmnopqrstuvwxyz")
    order = Order.objects.get()

    json_log.json_lines()  # every line is JSON
    text = plain_log.text + json_log.text
    assert plain_log.text.count("INFO ops.request") == 8
    for secret in (
        email,
        email.split("@")[0],
        DEFAULT_PASSWORD,
        "wrong password 123",
        table.token,
        order.public_token,
        "abcdefghijklmnopqrstuvwxyz",
        "utm_source",
    ):
        assert secret not in text, secret
    assert "/menu/…/" in text and "/order/…/" in text
    assert f"user={customer.user.pk}" in plain_log.text
    assert f'"user_id": {customer.user.pk}' in json_log.text


def _load_settings(monkeypatch, value):
    import runpy
    from pathlib import Path

    monkeypatch.setenv("LOG_FORMAT", value)
    return runpy.run_path(str(Path(__file__).resolve().parents[2] / "config" / "settings.py"))


def test_log_format_json_switches_the_console_handler(monkeypatch):
    assert _load_settings(monkeypatch, "JSON")["LOGGING"]["handlers"]["console"]["formatter"] == "json"


def test_an_unknown_log_format_stops_the_start(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="LOG_FORMAT"):
        _load_settings(monkeypatch, "xml")
