"""Multi-factor authentication rules for customers (django-otp devices).

A user has MFA on when they own a *confirmed* TOTP device. Next to it lives
one static device holding the single-use backup codes. Both carry the names
django-two-factor-auth uses ("default" and "backup"), so a staff member's
devices work the same in the admin login.

Every code check goes through :func:`mfa_code_verify`: it routes a code by
its shape, locks the device row, and lets django-otp's own device logic do
the work (±1 step drift, no replay through ``last_t``, exponential
throttling after failures, backup codes deleted on use).
"""

from __future__ import annotations

import re
from base64 import b32encode
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.services import Action, audit_record
from customers.emails import email_send
from customers.models import User

TOTP_DEVICE_NAME = "default"  # two_factor's default_device() looks for this name
BACKUP_DEVICE_NAME = "backup"
BACKUP_CODE_COUNT = 10
# Fewer unused backup codes than this: the dashboard suggests making new ones.
BACKUP_CODES_LOW = 4
# The authenticator codes: set on every new device; the pages and messages show these numbers.
TOTP_DIGITS = 6
TOTP_STEP_SECONDS = 30

_TOTP_SHAPE = re.compile(rf"\d{{{TOTP_DIGITS}}}")
_SEPARATORS = re.compile(r"[\s\-]+")


class MFACodeError(Exception):
    """A submitted code was not accepted; ``str(error)`` is safe to show."""


@dataclass(frozen=True)
class MFAStatus:
    enabled: bool
    backup_codes_created_at: datetime | None
    backup_codes_remaining: int
    backup_codes_total: int

    @property
    def backup_codes_low(self) -> bool:
        return self.backup_codes_remaining < BACKUP_CODES_LOW


def mfa_is_enabled(*, user: User) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def mfa_enabled_expression(user_field: str) -> Exists:
    """:func:`mfa_is_enabled` as a query expression on ``user_field``, to read it with the row that needs it."""
    return Exists(TOTPDevice.objects.filter(user=OuterRef(user_field), confirmed=True))


def mfa_status(*, user: User) -> MFAStatus:
    """What the dashboard shows: on/off, when the backup codes were made, how many are left."""
    if not mfa_is_enabled(user=user):
        return MFAStatus(
            enabled=False, backup_codes_created_at=None, backup_codes_remaining=0, backup_codes_total=BACKUP_CODE_COUNT
        )
    backup = StaticDevice.objects.filter(user=user, confirmed=True).order_by("-created_at").first()
    if backup is None:
        return MFAStatus(
            enabled=True, backup_codes_created_at=None, backup_codes_remaining=0, backup_codes_total=BACKUP_CODE_COUNT
        )
    return MFAStatus(
        enabled=True,
        backup_codes_created_at=backup.created_at,
        backup_codes_remaining=backup.token_set.count(),
        backup_codes_total=BACKUP_CODE_COUNT,
    )


# --- Set-up ------------------------------------------------------------------------
def mfa_setup_device(*, user: User) -> TOTPDevice:
    """The unconfirmed TOTP device the set-up page shows.

    Reloading the page keeps the same secret (someone may already have
    scanned it); the device only counts once :func:`mfa_setup_confirm` has
    seen a code from it.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name=TOTP_DEVICE_NAME, confirmed=False, digits=TOTP_DIGITS, step=TOTP_STEP_SECONDS
        )
    return device


def mfa_secret_base32(*, device: TOTPDevice) -> str:
    return b32encode(device.bin_key).decode("ascii")


def mfa_secret_groups(*, device: TOTPDevice) -> list[str]:
    """The secret in groups of four for typing into an authenticator app by hand."""
    secret = mfa_secret_base32(device=device)
    return [secret[i : i + 4] for i in range(0, len(secret), 4)]


def mfa_setup_confirm(*, user: User, code: str, request: HttpRequest | None = None) -> tuple[TOTPDevice, list[str]]:
    """Confirm the set-up device with one code from the app; MFA is on afterwards.

    Returns the confirmed device and the new plain backup codes (shown once).
    A wrong code raises :class:`MFACodeError` and changes nothing except the
    device's throttle counter. Sends the "enabled" mail after commit and
    records it in the audit log (``request`` gives the address).
    """
    code = _normalize(code)
    if not _TOTP_SHAPE.fullmatch(code):
        raise MFACodeError(_("Enter the %(digits)d-digit code from your authenticator app.") % {"digits": TOTP_DIGITS})
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("-pk").first()
        if device is None:
            raise MFACodeError(_("The set-up has expired. Please start again."))
        _raise_if_throttled(device)
        # A failed check must commit its throttle counter, so raise only after the block.
        accepted = device.verify_token(code)
        if accepted:
            _setup_finish(user=user, device=device)
            codes = _backup_codes_replace(user=user)
            audit_record(action=Action.MFA_ENABLED, request=request, actor=user, subject=user)
            transaction.on_commit(lambda: _security_mail(user=user, name="mfa_enabled"))
    if not accepted:
        raise MFACodeError(_("That code is not correct. Check the time on your phone and try the current code."))
    return device, codes


def _setup_finish(*, user: User, device: TOTPDevice) -> None:
    # One authenticator per account: a confirmed device replaces any leftovers.
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.name = TOTP_DEVICE_NAME
    device.save(update_fields=["confirmed", "name"])


# --- Verification ---------------------------------------------------------------------
def mfa_code_verify(*, user: User, code: str) -> Device:
    """Check a TOTP or backup code for ``user``; returns the device that accepted it.

    Six digits go to the authenticator device, anything else to the backup
    codes (``django_otp.match_token`` would try TOTP first and count a backup
    code as a failed TOTP attempt). The device row is locked so two requests
    with the same code cannot both pass. Raises :class:`MFACodeError`.
    """
    code = _normalize(code)
    if not code:
        raise MFACodeError(_("Enter a code."))
    model = TOTPDevice if _TOTP_SHAPE.fullmatch(code) else StaticDevice
    with transaction.atomic():
        device = model.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk").first()
        if device is None:
            if model is StaticDevice:
                raise MFACodeError(_("That backup code is not valid."))
            raise MFACodeError(_("Two-factor authentication is not set up for this account."))
        _raise_if_throttled(device)
        # A failed check must commit its throttle counter, so raise only after the block.
        accepted = device.verify_token(code)
    if not accepted:
        if model is StaticDevice:
            raise MFACodeError(_("That backup code is not valid or has already been used."))
        raise MFACodeError(_("That code is not correct or has already been used. Wait for the next code."))
    if model is StaticDevice:
        remaining = device.token_set.count()
        transaction.on_commit(
            lambda: _security_mail(user=user, name="mfa_backup_code_used", context={"remaining": remaining})
        )
    return device


def mfa_password_check(*, user: User, password: str) -> bool:
    return bool(password) and user.check_password(password)


# --- Backup codes and disabling ------------------------------------------------------
def mfa_backup_codes_regenerate(*, user: User, request: HttpRequest | None = None) -> list[str]:
    """Replace all backup codes with 10 new ones; the old ones stop working at once.

    The caller has checked the password or a fresh code. Sends a security
    mail and records it in the audit log.
    """
    if not mfa_is_enabled(user=user):
        raise MFACodeError(_("Two-factor authentication is not on."))
    with transaction.atomic():
        codes = _backup_codes_replace(user=user)
        audit_record(action=Action.MFA_BACKUP_CODES, request=request, actor=user, subject=user)
        transaction.on_commit(lambda: _security_mail(user=user, name="mfa_backup_codes_regenerated"))
    return codes


def mfa_disable(*, user: User, request: HttpRequest | None = None) -> None:
    """Remove every OTP device of the user (authenticator and backup codes).

    The caller has checked the password and a current code. Sends a security
    mail and records it in the audit log.
    """
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        audit_record(action=Action.MFA_DISABLED, request=request, actor=user, subject=user)
        transaction.on_commit(lambda: _security_mail(user=user, name="mfa_disabled"))


def mfa_devices_remove_by_admin(
    *, devices: Iterable[Device], admin_user: User, request: HttpRequest | None = None
) -> None:
    """An administrator removes OTP devices (e.g. for a customer who lost their phone).

    The only thing the admin may do with a device: secrets are never shown or
    edited there. Per account concerned, one audit entry (what was removed,
    by whom) and, after commit, a mail telling the owner.
    """
    by_user: dict[int, list[Device]] = {}
    for device in devices:
        by_user.setdefault(device.user_id, []).append(device)
    with transaction.atomic():
        for owned in by_user.values():
            user = owned[0].user
            removed = [{"type": device._meta.model_name, "name": device.name} for device in owned]
            for device in owned:
                device.delete()
            audit_record(
                action=Action.MFA_DEVICES_REMOVED,
                request=request,
                actor=admin_user,
                subject=user,
                data={"devices": removed},
            )
            still_on = mfa_is_enabled(user=user)
            transaction.on_commit(
                partial(_security_mail, user=user, name="mfa_devices_removed", context={"mfa_still_on": still_on})
            )


def mfa_backup_codes_text(*, user: User, codes: list[str]) -> str:
    """The downloadable .txt file with the backup codes."""
    lines = [
        _("%(issuer)s – backup codes for %(email)s") % {"issuer": settings.OTP_TOTP_ISSUER, "email": user.email},
        _("Created %(when)s") % {"when": f"{timezone.localtime():%Y-%m-%d %H:%M %Z}"},
        "",
        _("Each code works once. Keep this file somewhere safe (not on the phone with your authenticator app)."),
        "",
        *codes,
        "",
    ]
    return "\n".join(lines)


def mfa_backup_code_format(code: str) -> str:
    """``abcd2345`` -> ``abcd-2345``: easier to read out and type; the dash is optional on input."""
    return f"{code[:4]}-{code[4:]}" if len(code) == 8 else code


# --- Internals ----------------------------------------------------------------------------
def _normalize(code: str) -> str:
    return _SEPARATORS.sub("", code or "").lower()


def _raise_if_throttled(device: Device) -> None:
    allowed, data = device.verify_is_allowed()
    if allowed:
        return
    locked_until = (data or {}).get("locked_until")
    if locked_until:
        seconds = max(1, int((locked_until - timezone.now()).total_seconds()) + 1)
        raise MFACodeError(
            ngettext(
                "Too many wrong codes. Please wait %(seconds)d second before trying again.",
                "Too many wrong codes. Please wait %(seconds)d seconds before trying again.",
                seconds,
            )
            % {"seconds": seconds}
        )
    raise MFACodeError(_("Too many wrong codes. Please wait a moment before trying again."))


def _backup_codes_replace(*, user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
    codes: list[str] = []
    while len(codes) < BACKUP_CODE_COUNT:
        token = StaticToken.random_token()
        if token not in codes and not _TOTP_SHAPE.fullmatch(token):
            codes.append(token)
    StaticToken.objects.bulk_create([StaticToken(device=device, token=token) for token in codes])
    return [mfa_backup_code_format(code) for code in codes]


def _security_mail(*, user: User, name: str, context: dict | None = None) -> None:
    email_send(
        name=name,
        to=user.email,
        context={"user": user, "when": timezone.now(), **(context or {})},
    )
