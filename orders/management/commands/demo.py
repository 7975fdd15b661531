from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "One command for newcomers: migrate, load the demo data and serve on 127.0.0.1:8000."

    def add_arguments(self, parser):
        parser.add_argument("--addrport", default="127.0.0.1:8000")
        parser.add_argument("--no-serve", action="store_true", help="Set up only; do not start the server.")

    def handle(self, *args, addrport, no_serve, **options):
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(self.style.SUCCESS("Database ready."))
        call_command("seed_demo", stdout=self.stdout)
        if no_serve:
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"\nOpen {settings.SITE_URL}/menu/<table token>/ from the list above, or the admin at {settings.SITE_URL}/admin/"
            )
        )
        call_command("runserver", addrport, use_reloader=False)
