"""Scale-out proof: two gunicorn servers and one Celery worker share one PostgreSQL database and one Redis.

The servers are real subprocesses (``config/gunicorn.conf.py``, DEBUG=0,
production settings) on two loopback ports, like two app servers behind a load
balancer. They get their own database (``<name>_scaleout`` next to the one of
DATABASE_URL), migrated and loaded by subprocesses, because pytest-django's
test database lives inside this process's transactions and the servers could
not see it. The test reads results back with plain SQL.
"""

import json
import os
import re
import secrets
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import psycopg
import pytest
from django.conf import settings

from bench import server
from bench.client import Client

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL"),
        reason="needs REDIS_URL: the servers share sessions and rate-limit counters through Redis",
    ),
]

INVOICES_AT_ONCE = 40  # split evenly across the two servers
# A load balancer passes the public host name to every app server; the app
# relies on that (ALLOWED_HOSTS, and allauth keys its per-account login limit
# by site and address), so the test's clients send one name to both ports.
PUBLIC_HOST = "127.0.0.1"


@dataclass
class Cluster:
    a: server.Gunicorn
    b: server.Gunicorn
    worker: server.CeleryWorker
    fixture: dict
    database_url: str

    def sql(self, query: str, params=()) -> list[tuple]:
        with psycopg.connect(self.database_url) as conn:
            return conn.execute(query, params).fetchall()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("scaleout")
    # Named after the configured database, so runs against other databases on the
    # same server (parallel CI jobs, several developers) cannot drop this one.
    configured = urllib.parse.urlsplit(os.environ["DATABASE_URL"]).path.lstrip("/")
    database_url = server.database_url_with_name(os.environ["DATABASE_URL"], f"{configured}_scaleout")
    server.database_recreate(database_url)
    # One environment for both: the same SECRET_KEY, database, Redis and media
    # storage, as every app server behind a load balancer must have.
    env = server.app_env(
        database_url=database_url,
        redis_url=os.environ["REDIS_URL"],
        media_root=str(workdir / "media"),
        cache_prefix=f"scaleout-{secrets.token_hex(4)}",
        # One customer issues all the invoices here; the worker's queue is this test's own.
        extra={"INVOICE_ISSUE_RATE": "1000/m", "CELERY_KEY_PREFIX": f"scaleout-{secrets.token_hex(4)}:"},
    )
    # Independent steps, run side by side to keep the test short.
    with ThreadPoolExecutor() as pool:
        steps = [
            pool.submit(server.manage, env, "migrate", "--noinput"),
            pool.submit(server.manage, env, "collectstatic", "--noinput"),
        ]
        for step in steps:
            step.result()
    fixture_path = workdir / "fixture.json"
    server.python_module(
        env,
        "bench.data",
        "--out",
        str(fixture_path),
        "--customer-orders",
        str(INVOICES_AT_ONCE + 12),
        "--invoiceable",
        str(INVOICES_AT_ONCE),
        "--guest-orders",
        "0",
    )
    fixture = json.loads(fixture_path.read_text())
    a = server.Gunicorn(env, workers=1, threads=4, log_path=workdir / "a.log")
    b = server.Gunicorn(env, workers=1, threads=4, log_path=workdir / "b.log")
    worker = server.CeleryWorker(env, concurrency=2, log_path=workdir / "worker.log")
    try:
        a.spawn()
        b.spawn()
        worker.start()
        a.wait_ready()
        b.wait_ready()
        yield Cluster(a=a, b=b, worker=worker, fixture=fixture, database_url=database_url)
    finally:
        a.stop()
        b.stop()
        worker.stop()
        server.database_drop(database_url)


def login(client: Client, email: str, password: str):
    page = client.get("/customer/login")
    assert page.status == 200, page.status
    return client.post(
        "/customer/login",
        {"csrfmiddlewaretoken": client.csrf_token_from(page), "login": email, "password": password},
    )


def test_a_login_made_on_one_server_is_a_session_on_the_other(cluster):
    on_a = Client(cluster.a.base_url, host=PUBLIC_HOST)
    response = login(on_a, cluster.fixture["customer_email"], cluster.fixture["customer_password"])
    assert response.status == 302, response.text[:500]
    assert "sessionid" in on_a.cookies

    # The browser's next request lands on the other server, carrying only its cookies.
    on_b = Client(cluster.b.base_url, cookies=dict(on_a.cookies), host=PUBLIC_HOST)
    history = on_b.get("/customer/orders")
    assert history.status == 200
    newest_order = cluster.fixture["customer_order_ids"][0]
    assert f"/customer/orders/{newest_order}" in history.text

    # Control: the same page without the session is a redirect to the login.
    assert Client(cluster.b.base_url, host=PUBLIC_HOST).get("/customer/orders").status == 302

    # Logging out on B ends the session on A as well (A's browser still sends the old cookie).
    logout_page = on_b.get("/customer/logout")
    on_b.post("/customer/logout", {"csrfmiddlewaretoken": on_b.csrf_token_from(logout_page)})
    after = on_a.get("/customer/orders")
    assert after.status == 302 and "/customer/login" in after.location


def _failed_login_limit_per_account() -> int:
    """The N of allauth's "N/period/key" failed-login limit in the settings the servers run."""
    rates = settings.ACCOUNT_RATE_LIMITS["login_failed"]
    for rate in rates.split(","):
        amount, _, key = rate.strip().split("/")
        if key == "key":
            return int(amount)
    raise AssertionError(f"no per-account failed-login limit in {rates!r}")


def test_a_rate_limit_counted_on_one_server_holds_on_the_other(cluster):
    limit = _failed_login_limit_per_account()
    email, password = cluster.fixture["other_email"], cluster.fixture["customer_password"]
    clients = [Client(cluster.a.base_url, host=PUBLIC_HOST), Client(cluster.b.base_url, host=PUBLIC_HOST)]
    # Wrong passwords, alternating between the servers: neither server sees the
    # limit's worth on its own (A gets ceil(limit/2), B the rest).
    for attempt in range(limit):
        response = login(clients[attempt % 2], email, "wrong password")
        assert response.status == 200
        assert "sessionid" not in clients[attempt % 2].cookies
    # The next try, with the right password and on either server, is refused.
    for client in clients:
        response = login(client, email, password)
        assert response.status == 429, response.status
        assert "sessionid" not in client.cookies


def test_invoices_issued_through_both_servers_at_once_get_unique_gapless_numbers(cluster):
    session = Client(cluster.a.base_url, host=PUBLIC_HOST)
    assert login(session, cluster.fixture["customer_email"], cluster.fixture["customer_password"]).status == 302
    session.get("/customer/orders")  # makes sure the CSRF cookie is set
    cookies = dict(session.cookies)
    orders = cluster.fixture["invoiceable_order_ids"][:INVOICES_AT_ONCE]
    start = threading.Barrier(len(orders))
    answers: dict[int, tuple[str, int]] = {}

    def issue(order_id: int, base_url: str):
        client = Client(base_url, cookies=dict(cookies), host=PUBLIC_HOST)
        client.get("/static/css/app.css")  # connect before the barrier, so the POSTs really race
        start.wait(timeout=30)
        response = client.post(
            f"/customer/orders/{order_id}/invoice", {"csrfmiddlewaretoken": cookies.get("csrftoken", "")}
        )
        answers[order_id] = (base_url, response.status)

    threads = [
        threading.Thread(target=issue, args=(order_id, (cluster.a if n % 2 == 0 else cluster.b).base_url))
        for n, order_id in enumerate(orders)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert len(answers) == len(orders)
    assert all(status in (302, 303) for _, status in answers.values()), answers
    per_server = {
        url: sum(1 for u, _ in answers.values() if u == url) for url in (cluster.a.base_url, cluster.b.base_url)
    }
    assert per_server == {cluster.a.base_url: len(orders) // 2, cluster.b.base_url: len(orders) // 2}

    rows = cluster.sql(
        "SELECT order_id, restaurant_id, year, sequence, number FROM invoices_invoice WHERE kind = 'invoice'"
    )
    assert sorted(row[0] for row in rows) == sorted(orders)  # one invoice per order, none lost
    assert len({(row[1], row[2]) for row in rows}) == 1  # one restaurant, one year: one sequence
    assert sorted(row[3] for row in rows) == list(range(1, len(orders) + 1))  # gapless from 1
    numbers = [row[4] for row in rows]
    assert len(set(numbers)) == len(numbers)
    assert all(re.search(rf"0*{row[3]}$", row[4]) for row in rows)  # the number shows its sequence

    # The one worker renders and stores every PDF the two servers enqueued, each once.
    deadline = time.monotonic() + 180
    while cluster.sql("SELECT count(*) FROM invoices_invoice WHERE pdf_path = ''")[0][0]:
        assert time.monotonic() < deadline, "the worker did not store every PDF within 180 s"
        time.sleep(0.5)
    paths = [row[0] for row in cluster.sql("SELECT pdf_path FROM invoices_invoice WHERE kind = 'invoice'")]
    assert len(set(paths)) == len(orders)
