"""Account security events into the audit log, from the signals Django and allauth send.

One module for every sign-in door (customer login, staff login) and account
change; MFA changes are recorded by ``customers.mfa.services`` and the staff
MFA pages, which have no signals. Nothing secret is recorded: not the
password of a failed attempt, not the email addresses involved (an entry
must stop naming an account once the account is deleted).
"""

from allauth.account import signals as allauth_signals
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from audit.services import Action, audit_record

STAFF_LOGIN_VIEW = "two_factor:login"


def _door(request) -> str:
    """Which login the request went through: "staff" (the admin's) or "customer"."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    return "staff" if match.view_name == STAFF_LOGIN_VIEW else "customer"


@receiver(user_logged_in, dispatch_uid="audit_login")
def _record_login(sender, request, user, **kwargs):
    audit_record(action=Action.LOGIN, request=request, actor=user, subject=user, data={"login": _door(request)})


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _record_login_failed(sender, credentials, request=None, **kwargs):
    # Django has already blanked the password in ``credentials``; only the account is looked at.
    email = credentials.get("email") or credentials.get("username") or ""
    account = None
    if isinstance(email, str) and email and "\x00" not in email:
        account = get_user_model().objects.filter(email__iexact=email.strip()).first()
    audit_record(action=Action.LOGIN_FAILED, request=request, subject=account, data={"login": _door(request)})


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _record_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action=Action.LOGOUT, request=request, actor=user, subject=user)


@receiver(allauth_signals.password_changed, dispatch_uid="audit_password_changed")
def _record_password_changed(sender, request, user, **kwargs):
    audit_record(action=Action.PASSWORD_CHANGED, request=request, actor=user, subject=user)


@receiver(allauth_signals.password_set, dispatch_uid="audit_password_set")
def _record_password_set(sender, request, user, **kwargs):
    audit_record(action=Action.PASSWORD_CHANGED, request=request, actor=user, subject=user, data={"first": True})


@receiver(allauth_signals.password_reset, dispatch_uid="audit_password_reset")
def _record_password_reset(sender, request, user, **kwargs):
    # Reset through the emailed link: nobody is signed in yet, the account is the actor.
    audit_record(action=Action.PASSWORD_RESET, request=request, actor=user, subject=user)


@receiver(allauth_signals.email_changed, dispatch_uid="audit_email_changed")
def _record_email_changed(sender, request, user, **kwargs):
    audit_record(action=Action.EMAIL_CHANGED, request=request, actor=user, subject=user)
