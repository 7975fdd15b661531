"""Shared test fixtures: personas, real SMTP on loopback, browser set-up."""

import os
import socket
import threading
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import translation

# Playwright's sync API runs an event loop in the test thread; Django then
# refuses ORM calls from "async" context unless told this is fine.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# The real Celery worker for the tests about tasks (fixture ``celery_workers``).
pytest_plugins = ["common.tests.worker"]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
PHONE_VIEWPORT = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters and cached sessions must not leak from one test to the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _english_by_default():
    """Each test starts in English: a request or test that activated German or French must not leak.

    Django keeps the active language per thread after a request (the next
    request's middleware sets it again), so without this a service test run
    after a French page would read French messages.
    """
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 is deliberately slow; tests that are not about hashing use MD5.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


_commit_emulation = {"capturing": 0, "start": None}


def _request_started(**kwargs):
    _commit_emulation["start"] = len(connection.run_on_commit)


def _request_finished(**kwargs):
    """A request's after-commit hooks run when it ends, as they would in production.

    A non-transactional db test is one transaction that is never committed,
    so the hooks a view registered (mails and document tasks, which run
    eagerly without REDIS_URL) would never run. Only while nothing but the
    test's own transaction is open, and not while a test captures the hooks
    itself with ``django_capture_on_commit_callbacks``.
    """
    start, _commit_emulation["start"] = _commit_emulation["start"], None
    if start is None or _commit_emulation["capturing"] or not connection.in_atomic_block:
        return
    if not all(getattr(block, "_from_testcase", False) for block in connection.atomic_blocks):
        return
    _run_hooks(start)


def _run_hooks(start: int) -> None:
    hooks = connection.run_on_commit[start:]
    del connection.run_on_commit[start:]
    for _savepoints, hook, robust in hooks:
        if robust:
            try:
                hook()
            except Exception:  # noqa: BLE001 - as Django's robust hooks: logged, never raised
                import logging

                logging.getLogger(__name__).exception("after-commit hook failed")
        else:
            hook()


@pytest.fixture(autouse=True)
def _run_commit_hooks_after_each_request(monkeypatch):
    from django.core.signals import request_finished, request_started

    original = connection.on_commit

    def on_commit(func, robust=False):
        # Outside any block of the code's own, production runs in autocommit:
        # the hook runs at once (a management command, a view without atomic).
        only_the_tests = all(getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)
        if connection.in_atomic_block and only_the_tests and not _commit_emulation["capturing"]:
            connection.run_on_commit.append((set(), func, robust))
            _run_hooks(len(connection.run_on_commit) - 1)
            return
        original(func, robust)

    monkeypatch.setattr(connection, "on_commit", on_commit)
    request_started.connect(_request_started)
    request_finished.connect(_request_finished)
    yield
    request_started.disconnect(_request_started)
    request_finished.disconnect(_request_finished)


@pytest.fixture
def django_capture_on_commit_callbacks(django_capture_on_commit_callbacks):
    """pytest-django's fixture; while it captures, requests leave the hooks to it."""
    from contextlib import contextmanager

    @contextmanager
    def capture(**kwargs):
        _commit_emulation["capturing"] += 1
        try:
            with django_capture_on_commit_callbacks(**kwargs) as callbacks:
                yield callbacks
        finally:
            _commit_emulation["capturing"] -= 1

    return capture


@pytest.fixture(autouse=True)
def _celery_eager_in_tests():
    """Tests run tasks in-process unless they start a real worker (``celery_worker`` fixture)."""
    from config.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = True


def pytest_collection_modifyitems(config, items):
    if connection.vendor != "postgresql" if settings.configured else True:
        skip = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://... (as .ci/run does)")
        for item in items:
            if "postgres" in item.keywords:
                item.add_marker(skip)


# --- Browser -------------------------------------------------------------------
@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


# Reports every Content-Security-Policy violation of every page (and frame) the
# context opens to Python: the event fires before the console message, and the
# binding survives navigations.
_CSP_WATCH_SCRIPT = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolation(`${event.effectiveDirective} blocked ${event.blockedURI || "inline"} `
    + `on ${event.documentURI} (${event.sourceFile || ""}:${event.lineNumber || 0}) ${event.sample || ""}`);
});
"""
# What Chromium prints when a header is refused or a policy blocks something.
_CSP_CONSOLE_MARKERS = ("Content Security Policy", "Content-Security-Policy", "Permissions-Policy")


@pytest.fixture
def csp_violations():
    """The CSP violations seen by the test's browser pages; any left at the end fail the test.

    A test that provokes a violation on purpose asserts on this list and empties it.
    """
    violations: list[str] = []
    yield violations
    if violations:
        pytest.fail("Content-Security-Policy violations in the browser:\n" + "\n".join(violations), pytrace=False)


def watch_csp(context, violations: list[str]) -> None:
    context.expose_binding("__cspViolation", lambda _source, text: violations.append(text))
    context.add_init_script(_CSP_WATCH_SCRIPT)
    context.on(
        "console",
        lambda message: (
            violations.append(f"console: {message.text}")
            if any(marker in message.text for marker in _CSP_CONSOLE_MARKERS)
            else None
        ),
    )


@pytest.fixture
def page(context, csp_violations):
    """pytest-playwright's page, watched for CSP violations."""
    watch_csp(context, csp_violations)
    page = context.new_page()
    yield page
    page.close()


@pytest.fixture
def phone_page(browser, csp_violations):
    """A page at a phone-sized viewport, for guest journeys, watched for CSP violations."""
    context = browser.new_context(viewport=PHONE_VIEWPORT, device_scale_factor=2, is_mobile=True, has_touch=True)
    watch_csp(context, csp_violations)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def axe_check():
    """``axe_check(page, state="...")``: fails on serious or critical axe-core violations (common/tests/a11y.py)."""
    from common.tests.a11y import axe_check

    return axe_check


DESKTOP_VIEWPORT = {"width": 1024, "height": 768}


@pytest.fixture
def desktop_page(browser, csp_violations):
    """A page at 1024x768 (a small laptop or a tablet held sideways), watched for CSP violations."""
    context = browser.new_context(viewport=DESKTOP_VIEWPORT)
    watch_csp(context, csp_violations)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


# --- Real SMTP on loopback --------------------------------------------------------
@dataclass
class SmtpSink:
    host: str
    port: int
    messages: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_for(self, count=1, timeout=10.0):
        import time

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.messages) >= count:
                    return list(self.messages)
            time.sleep(0.05)
        raise AssertionError(f"expected {count} mail(s), got {len(self.messages)}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server (aiosmtpd) on 127.0.0.1; Django sends to it over TCP.

    ``smtp_server.messages`` holds ``email.message.EmailMessage`` objects.
    """
    from email import message_from_bytes, policy

    from aiosmtpd.controller import Controller

    sink = SmtpSink(host="127.0.0.1", port=_free_port())

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            msg = message_from_bytes(envelope.content, policy=policy.default)
            with sink.lock:
                sink.messages.append(msg)
            return "250 OK"

    controller = Controller(Handler(), hostname=sink.host, port=sink.port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = sink.host
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    try:
        yield sink
    finally:
        controller.stop()


def free_port() -> int:
    return _free_port()


# --- Personas ------------------------------------------------------------------------
@pytest.fixture
def restaurant_a(db):
    from orders.tests.factories import RestaurantFactory

    return RestaurantFactory(name="Restaurant A")


@pytest.fixture
def restaurant_b(db):
    from orders.tests.factories import RestaurantFactory

    return RestaurantFactory(name="Restaurant B")


@pytest.fixture
def staff_a(restaurant_a):
    from customers.tests.factories import StaffFactory

    return StaffFactory(restaurants=[restaurant_a])


@pytest.fixture
def staff_b(restaurant_b):
    from customers.tests.factories import StaffFactory

    return StaffFactory(restaurants=[restaurant_b])


@pytest.fixture
def superuser(db):
    from customers.tests.factories import UserFactory

    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def customer(db):
    """A verified customer with complete billing details."""
    from customers.tests.factories import CustomerFactory

    return CustomerFactory()


@pytest.fixture
def other_customer(db):
    from customers.tests.factories import CustomerFactory

    return CustomerFactory()


@pytest.fixture
def customer_client(client, customer):
    client.force_login(customer.user)
    return client
