"""Dates on a restaurant's clock: the date filters and the way times are shown.

Date filters: one rule for every "from / to" date range a visitor types in.

A date range reaches the database as the restaurant's local days
(``local_day_bounds``): the first instant of ``date_from`` and of the day after
``date_to``. Python's datetimes end at year 9999 and start at year 1, so a
date near either end cannot be turned into those instants (``OverflowError``).
The form therefore accepts only dates inside ``DATE_FILTER_MIN``..``DATE_FILTER_MAX``,
far from both ends and wide enough for any real order or invoice.
"""

from datetime import date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING, Any, cast

from babel import Locale
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

DATE_FILTER_MIN = date(1900, 1, 1)
DATE_FILTER_MAX = date(2999, 12, 31)

_OUT_OF_RANGE = format_lazy(
    _("Enter a date between {first} and {last}."), first=DATE_FILTER_MIN.isoformat(), last=DATE_FILTER_MAX.isoformat()
)


def _date_filter_field(label: "StrOrPromise") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[
            MinValueValidator(DATE_FILTER_MIN, message=_OUT_OF_RANGE),
            MaxValueValidator(DATE_FILTER_MAX, message=_OUT_OF_RANGE),
        ],
        error_messages={"invalid": _("Enter a valid date, e.g. 2025-03-31.")},
    )


class DateRangeFilterForm(forms.Form):
    """``date_from`` and ``date_to`` (both optional, both inclusive) of a list filter (GET).

    Subclasses add their own fields and may relabel these two in ``__init__``.
    """

    date_from = _date_filter_field(_("From"))
    date_to = _date_filter_field(_("To"))

    def clean(self) -> dict[str, Any]:
        cleaned = cast(dict[str, Any], super().clean())
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned


def local_day_bounds(
    *, date_from: date | None, date_to: date | None, zone: tzinfo
) -> tuple[datetime | None, datetime | None]:
    """The instants ``[start, end)`` covering the calendar days ``date_from``..``date_to`` in ``zone``.

    Either end may be open (``None``). Dates must come from a ``DateRangeFilterForm``
    (inside ``DATE_FILTER_MIN``..``DATE_FILTER_MAX``), where both instants exist.
    """
    start = datetime.combine(date_from, time.min, tzinfo=zone) if date_from else None
    end = datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=zone) if date_to else None
    return start, end


class LocalDateTimeFormat:
    """Formats datetimes on a restaurant's clock in one language: "Sun 1 Jun 2025, 23:30",
    "So., 1. Juni 2025, 23:30", "dim. 1 juin 2025, 23:30".

    Day and month abbreviations come from Babel's CLDR data (as money does,
    ``common.money``), the order of the parts from ``PATTERNS``. Built once per
    language; a call is an f-string, with no format-string parser, which the
    order history would otherwise run for every row of every page view.
    """

    # The CLDR medium date with the weekday, per language; English as it always was here.
    PATTERNS = {
        "en": "{weekday} {day} {month} {year}, {time}",
        "de": "{weekday}, {day}. {month} {year}, {time}",
        "fr": "{weekday} {day} {month} {year}, {time}",
    }

    def __init__(self, language: str) -> None:
        locale = Locale.parse(language if language in self.PATTERNS else "en")
        self.pattern = self.PATTERNS[str(locale.language)]
        self.days = [locale.days["format"]["abbreviated"][day] for day in range(7)]
        self.months = [""] + [locale.months["format"]["abbreviated"][month] for month in range(1, 13)]

    def __call__(self, value: datetime, tzinfo: tzinfo) -> str:
        local = value.astimezone(tzinfo)
        return self.pattern.format(
            weekday=self.days[local.weekday()],
            day=local.day,
            month=self.months[local.month],
            year=f"{local.year:04d}",
            time=f"{local.hour:02d}:{local.minute:02d}",
        )


_formats: dict[str, LocalDateTimeFormat] = {}


def format_local_datetime(value: datetime, tzinfo: tzinfo) -> str:
    language = (get_language() or "en").split("-")[0]
    if language not in _formats:
        _formats[language] = LocalDateTimeFormat(language)
    return _formats[language](value, tzinfo)
