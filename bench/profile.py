"""Profile the benchmarked endpoints in-process with pyinstrument: ``python -m bench.profile [name ...]``.

Loads the benchmark data into its own database (``bench_profile``), then runs
each endpoint ``--repeat`` times through Django's test client (full
middleware, DEBUG=0 settings of the benchmark servers) under pyinstrument and
prints where the time goes. Names: menu, order, history, detail, invoice, download.
"""

import argparse
import os
import sys
import tempfile

from bench import server

NAMES = ["menu", "order", "history", "detail", "invoice", "download"]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", default=NAMES, choices=NAMES)
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1/x")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/15")
    parser.add_argument("--html", help="also write the last profile as HTML to this file")
    args = parser.parse_args(argv)
    database_url = server.database_url_with_name(args.database_url, "bench_profile")
    env = server.app_env(
        database_url=database_url,
        redis_url=args.redis_url,
        media_root=tempfile.mkdtemp(prefix="bench-profile-"),
        settings="bench.settings",
        extra={
            "ALLOWED_HOSTS": "testserver",
            "INVOICE_ISSUE_RATE": "1000000/m",
            "INVOICE_DOWNLOAD_RATE": "1000000/m",
            "ORDER_RATE_PER_IP": "1000000/m",
            "ORDER_RATE_PER_TABLE": "1000000/m",
            # As the benchmark's in-request rows: the PDF and the mail are made in the request.
            "CELERY_TASK_ALWAYS_EAGER": "1",
        },
    )
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from pyinstrument import Profiler

    from bench import data

    server.database_recreate(database_url)
    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    fixture = data.load()
    from customers.models import User
    from invoices.models import Invoice

    guest, customer = Client(), Client()
    customer.force_login(User.objects.get(email=fixture["customer_email"]))
    token = fixture["table_tokens"][0]
    item = fixture["menu_item_ids"][0]
    invoiceable = iter(fixture["invoiceable_order_ids"])
    detail_id = fixture["customer_order_ids"][-1]

    def issue():
        return customer.post(f"/customer/orders/{next(invoiceable)}/invoice")

    issue()
    invoice_id = Invoice.objects.order_by("pk").values_list("pk", flat=True).first()
    calls = {
        "menu": lambda: guest.get(f"/menu/{token}/"),
        "order": lambda: Client(REMOTE_ADDR="10.1.2.3").post(f"/menu/{token}/order", {f"qty_{item}": "2"}),
        "history": lambda: customer.get("/customer/orders"),
        "detail": lambda: customer.get(f"/customer/orders/{detail_id}"),
        "invoice": issue,
        "download": lambda: customer.get(f"/customer/invoices/{invoice_id}/download"),
    }
    try:
        for name in args.names:
            call = calls[name]
            response = call()  # warm-up (template loading, connections)
            print(f"== {name}: status {response.status_code}, {response.get('X-Bench-Queries')} queries", flush=True)
            profiler = Profiler(interval=0.0005)
            repeat = min(args.repeat, 20) if name == "invoice" else args.repeat
            with profiler:
                for _ in range(repeat):
                    call()
            sys.stdout.write(profiler.output_text(unicode=True, color=False, show_all=False))
            if args.html:
                with open(args.html, "w") as fh:
                    fh.write(profiler.output_html())
    finally:
        from django.db import connections

        connections.close_all()
        server.database_drop(database_url)


if __name__ == "__main__":
    main()
