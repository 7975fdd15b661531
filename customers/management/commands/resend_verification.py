from datetime import timedelta
from urllib.parse import urlsplit

from allauth.account.models import EmailAddress
from allauth.core import context as allauth_context
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test import RequestFactory
from django.utils import timezone

from customers.services import ResendResult, customer_verification_resend


def site_request():
    """A request for SITE_URL, so links in the mails point at the real site."""
    url = urlsplit(settings.SITE_URL)
    secure = url.scheme == "https"
    port = url.port or (443 if secure else 80)
    request = RequestFactory().post(
        "/", secure=secure, SERVER_NAME=url.hostname, SERVER_PORT=str(port), REMOTE_ADDR="127.0.0.1"
    )
    # The host comes from our own setting, not from a client: no ALLOWED_HOSTS check needed.
    request.get_host = lambda: url.netloc
    return request


class Command(BaseCommand):
    help = (
        "Resend the email verification link to one address (--email) or to every "
        "unverified customer registered more than N hours ago (--older-than). "
        "Respects the per-address rate limits of the resend page."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", help="Send to this address only.")
        parser.add_argument(
            "--older-than", type=float, metavar="HOURS", help="Customers registered before now - HOURS."
        )
        parser.add_argument("--dry-run", action="store_true", help="Show what would be sent; send nothing.")

    def handle(self, *args, email=None, older_than=None, dry_run=False, **options):
        if bool(email) == (older_than is not None):
            raise CommandError("Give exactly one of --email or --older-than.")
        if older_than is not None and older_than < 0:
            raise CommandError("--older-than must be zero or more hours.")
        if email:
            emails = [email.strip().lower()]
        else:
            cutoff = timezone.now() - timedelta(hours=older_than)
            emails = list(
                EmailAddress.objects.filter(verified=False, user__customer__isnull=False, user__date_joined__lt=cutoff)
                .order_by("user__date_joined", "pk")
                .values_list("email", flat=True)
            )
        request = site_request()
        counts: dict[ResendResult, int] = {}
        with allauth_context.request_context(request):
            for address in emails:
                result = customer_verification_resend(request=request, email=address, dry_run=dry_run)
                counts[result] = counts.get(result, 0) + 1
                self.stdout.write(f"{address}: {result}")
        summary = ", ".join(f"{count} {result}" for result, count in counts.items()) or "nothing to do"
        prefix = "Dry run: " if dry_run else ""
        self.stdout.write(f"{prefix}{len(emails)} address(es): {summary}")
