import logging
import time

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.core.internal import ratelimit as allauth_ratelimit
from django.conf import settings

logger = logging.getLogger(__name__)

# Session keys (read by customers.middleware and the banner tag).
SESSION_LAST_SEEN = "customer_last_seen"
SESSION_EMAIL_VERIFIED = "customer_email_verified"


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
        try:
            message = self.render_mail(template_prefix, email, {"request": request, **ctx})
            message.send()
        except Exception:
            logger.exception("Could not send %s mail to %s", template_prefix.rsplit("/", 1)[-1], email)
            if template_prefix.startswith("account/email/email_confirmation") and request is not None:
                # The cooldown was spent on a mail that never left: let the
                # customer ask for a new one right away.
                allauth_ratelimit.clear(request, app="allauth.account", action="confirm_email", key=email.lower())
            return False
        return True

    def login(self, request, user) -> None:
        super().login(request, user)
        from customers.models import Customer
        from customers.services import customer_email_verified

        # Only customer sessions get the idle timeout and the banner state;
        # staff signing in here get neither (and never a profile).
        if Customer.objects.filter(user=user).exists():
            request.session[SESSION_LAST_SEEN] = int(time.time())
            request.session[SESSION_EMAIL_VERIFIED] = customer_email_verified(user=user)

    def get_login_stages(self) -> list[str]:
        # Customer MFA runs after allauth's own stages (email verification etc.),
        # so every way allauth logs someone in passes through it.
        stages = super().get_login_stages()
        stages.append("customers.mfa.stages.MFAStage")
        return stages
