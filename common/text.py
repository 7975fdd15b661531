"""What free text may contain before it is stored or printed on a document.

Two kinds of invisible characters are refused, by one validator used on every
field that ends up on a menu, an order or an invoice:

- Unicode direction controls (embeddings, overrides, isolates and the marks
  LRM, RLM, ALM). In a PDF they reorder what follows them: a name typed as
  U+202E "live" prints as "evil". Names and addresses are written left to
  right or right to left without them; the renderer works out the direction.
- Control characters (NUL and the other C0/C1 codes, DEL) other than tab and
  line breaks. PostgreSQL cannot store NUL in text at all, and none of them
  prints.

The replacement character U+FFFD is refused too: Django puts it where a form
arrived with bytes that are not UTF-8, so it stands for text that was lost,
and a document would print it as a black diamond.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DIRECTION_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
_DIRECTION_CONTROL_RE = re.compile(f"[{DIRECTION_CONTROLS}]")
_CONTROL_CHARACTER_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def validate_document_text(value: str) -> None:
    """Refuse direction controls and non-printing control characters (tab and line breaks are fine)."""
    if not isinstance(value, str):
        return
    if _DIRECTION_CONTROL_RE.search(value):
        raise ValidationError(
            _("Remove the invisible text-direction characters; they can make printed text read backwards."),
            code="direction_control",
        )
    if _CONTROL_CHARACTER_RE.search(value):
        raise ValidationError(
            _("Remove the invisible control characters; they cannot be printed."),
            code="control_character",
        )
    if "\ufffd" in value:
        raise ValidationError(
            _("Part of this text could not be read (it was not sent as UTF-8). Please type it again."),
            code="unreadable",
        )
