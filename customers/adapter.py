import logging
import time

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.core.internal import ratelimit as allauth_ratelimit
from allauth.core.internal.ratelimit import RateLimitUsage
from django.conf import settings
from django.utils import translation

from common.i18n import mail_language_for
from common.mail import mail_queue, mail_queued_ok
from common.ratelimits import client_ip_key

logger = logging.getLogger(__name__)

# Session keys (read by customers.middleware and the banner tag).
SESSION_LAST_SEEN = "customer_last_seen"
SESSION_EMAIL_VERIFIED = "customer_email_verified"

# Failed customer logins (rates in ACCOUNT_RATE_LIMITS). allauth counts
# "login_failed" per IP and per *key*; we make that key the account and the
# client's address, so a stranger's guesses never lock the owner out of their
# own address. "login_failed_account" adds a slower, higher limit per account
# from anywhere, so guesses spread over many addresses still stop.
LOGIN_FAILED_ACCOUNT_ACTION = "login_failed_account"
_ALLAUTH_APP = "allauth.account"


class AccountAdapter(DefaultAccountAdapter):
    """Project hooks into allauth's customer account flows."""

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        self.send_mail_checked(template_prefix, email, context)

    def send_mail_checked(self, template_prefix: str, email: str, context: dict) -> bool:
        """Send one allauth mail (HTML + text, on our email layout); False if it failed.

        A mail server that is down must not lose a registration or turn a
        password reset into an error page: the failure is logged (recipient and
        template, never the body, which holds tokens) and the flow continues.
        """
        request = allauth_context.request
        ctx = {"email": email, "site_url": settings.SITE_URL, **context}
        # In the recipient's saved language if the address has an account (a password
        # reset comes from a signed-out browser), else in the requesting browser's.
        language = mail_language_for(user=ctx.get("user") or _account_for(email), request=request)
        with translation.override(language):
            message = self.render_mail(template_prefix, email, {"request": request, **ctx})
        html = next((body for body, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"), "")
        # Queued with the rendered text: the key and link stay in the outbox row,
        # only its id goes through the broker and into Celery's logs.
        mail = mail_queue(
            kind=template_prefix.rsplit("/", 1)[-1],
            to=email,
            subject=message.subject,
            text=message.body,
            html=html,
            language=language,
        )
        if mail_queued_ok(mail=mail):
            return True
        if template_prefix.startswith("account/email/email_confirmation") and request is not None:
            # The cooldown was spent on a mail that never left: let the
            # customer ask for a new one right away.
            allauth_ratelimit.clear(request, app="allauth.account", action="confirm_email", key=email.lower())
        return False

    def login(self, request, user) -> None:
        super().login(request, user)
        from customers.models import Customer
        from customers.services import customer_email_verified

        # Only customer sessions get the idle timeout and the banner state;
        # staff signing in here get neither (and never a profile).
        if Customer.objects.filter(user=user).exists():
            request.session[SESSION_LAST_SEEN] = int(time.time())
            request.session[SESSION_EMAIL_VERIFIED] = customer_email_verified(user=user)

    def pre_authenticate(self, request, **credentials) -> None:
        """Count this password attempt; refuse it when a failed-login limit is used up.

        Replaces allauth's own (same error, same roll-back on success through
        ``_login_failed_rl_usage``), with the keys described at the top.
        """
        counted: list = []
        for action, key in _failed_login_keys(request, credentials):
            usage = allauth_ratelimit.consume(request, app=_ALLAUTH_APP, action=action, key=key)
            if not usage:
                RateLimitUsage(usage=counted).rollback()
                raise self.validation_error("too_many_login_attempts")
            counted.extend(usage.usage)
        # allauth rolls this back when the password turns out right, so only failures count.
        self._login_failed_rl_usage = RateLimitUsage(usage=counted)

    def _delete_login_attempts_cached_email(self, request, **credentials) -> None:
        # After a successful password reset allauth clears the failure count; ours has other keys.
        for action, key in _failed_login_keys(request, credentials):
            allauth_ratelimit.clear(request, app=_ALLAUTH_APP, action=action, key=key)

    def get_login_stages(self) -> list[str]:
        # Customer MFA runs after allauth's own stages (email verification etc.),
        # so every way allauth logs someone in passes through it.
        stages = super().get_login_stages()
        stages.append("customers.mfa.stages.MFAStage")
        return stages


def _account_for(email: str):
    """The account of this address, if any (the recipient of an allauth mail without a ``user`` in its context)."""
    from allauth.account.internal.userkit import filter_users_by_email

    users = filter_users_by_email(email)
    return users[0] if users else None


def _failed_login_keys(request, credentials: dict) -> list[tuple[str, str]]:
    """(allauth rate-limit action, key) pairs that count a failed customer login."""
    account = (credentials.get("email") or credentials.get("username") or "").strip().lower()
    address = client_ip_key("login_failed", request)
    return [("login_failed", f"{account}:{address}"), (LOGIN_FAILED_ACCOUNT_ACTION, account)]
