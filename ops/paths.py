"""Request paths as they may appear in logs: no query string, no secrets.

The guest pages carry their credential in the path (``/menu/<table token>/``,
``/order/<order token>/``, the e-mail verification and password-reset keys),
so a path is logged with every string captured by the URL pattern replaced by
``…``; numeric ids stay, they are what one looks for when debugging. A path
that matched no pattern (a 404, the redirect that adds a slash) has no
captured values, so any long token-like segment is masked instead.
"""

import re

from django.http import HttpRequest

MASK = "…"
# secrets.token_urlsafe(16) is 22 characters; words in our URLs are shorter.
_TOKEN_LIKE = re.compile(r"[A-Za-z0-9_\-:.=]{16,}")
# Control characters and the like would let a crafted URL forge log lines in plain text logs.
# Spaces too, so a plain log line still splits into its fields.
_UNPRINTABLE = re.compile(r"[\x00-\x20\x7f-\x9f\u2028\u2029]")


def _escape(text: str) -> str:
    return _UNPRINTABLE.sub(
        lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256 else f"\\u{ord(m.group()):04x}", text
    )


def path_for_log(request: HttpRequest) -> str:
    segments = request.path.split("/")
    match = getattr(request, "resolver_match", None)
    if match is not None:
        secrets = [
            str(value)
            for value in (*match.args, *match.kwargs.values())
            if isinstance(value, str) and value and not value.isdigit()
        ]
        masked = [MASK if any(secret in segment for secret in secrets) else segment for segment in segments]
    else:
        masked = [MASK if _TOKEN_LIKE.fullmatch(segment) else segment for segment in segments]
    return _escape("/".join(masked))
