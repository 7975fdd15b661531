import re

from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail

LINK_RE = re.compile(r"https?://[^\s\"<>]+")


def link_from_mail(message, path_part: str) -> str:
    """The first link in a mail's text body whose URL contains ``path_part``."""
    body = message.body if hasattr(message, "body") else message.get_body(("plain",)).get_content()
    for url in LINK_RE.findall(body):
        if path_part in url:
            return url
    raise AssertionError(f"no link with {path_part!r} in mail {message.subject!r}")


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def last_mail_to(address: str):
    matching = [m for m in mail.outbox if address in m.to]
    assert matching, f"no mail to {address}"
    return matching[-1]


def code_for(device, *, steps_ahead: int = 0) -> str:
    """The real TOTP code of ``device`` (from its secret), optionally for a later time step."""
    from django_otp.oath import totp

    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=steps_ahead):06d}"


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


class CountingPasswordHasher(MD5PasswordHasher):
    """A real hasher that counts how often it hashes (``PASSWORD_HASHERS`` in a test)."""

    algorithm = "counting_md5"
    calls = 0

    def encode(self, password, salt):
        type(self).calls += 1
        return super().encode(password, salt)


def staff_force_login(client, user) -> None:
    """``force_login`` as the staff (admin) login does it: the admin accepts only sessions it marked."""
    from common.sessions import STAFF_SESSION_KEY

    client.force_login(user)
    session = client.session
    session[STAFF_SESSION_KEY] = True
    session.save()
