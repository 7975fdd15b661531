"""The DATEV "Buchungsstapel" file (EXTF, format version 700, category 21, version 13): the format, no rules.

What is booked is decided in ``invoices.accounting.bookings``; this module only
writes it the way DATEV reads it:

- a header line (``"EXTF";700;21;"Buchungsstapel";13;...`` with adviser and client
  number, fiscal year start, account length and the period), the column-title
  line (all 125 columns of version 13, in their order), then one booking per line
  with the same 125 fields;
- semicolon separated, CRLF line ends, Windows-1252 (cp1252 has the euro sign,
  ISO-8859-1 does not);
- text fields in double quotes, a quote inside doubled; numbers unquoted;
- amount with a decimal comma, no thousands separator, never negative: the
  direction is the S/H flag (S = debit of ``Konto``, H = credit);
- document date as DDMM (the year comes from the header's period, so a file
  never spans two fiscal years; the caller checks that).

A character cp1252 cannot hold (a CJK name, an emoji) becomes ``REPLACEMENT``,
one per character, after NFC normalisation (so a decomposed umlaut stays an
umlaut). Line breaks and tabs inside text become spaces. Text is cut to the
field's length after replacement. No library: none is maintained for this format.
"""

import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

ENCODING = "cp1252"
LINE_END = "\r\n"
SEPARATOR = ";"
# What an unencodable character becomes. "?" is what Windows itself writes for a character
# outside its code page, so accountants recognise it; it is allowed in every text field we fill.
REPLACEMENT = "?"

FORMAT_VERSION = 700
FORMAT_CATEGORY = 21
FORMAT_NAME = "Buchungsstapel"
FORMAT_CATEGORY_VERSION = 13

# Field lengths of the format description.
TEXT_LENGTH = 60  # Buchungstext
DOCUMENT_FIELD_LENGTH = 36  # Belegfeld 1
LABEL_LENGTH = 30  # Bezeichnung (header)
USER_LENGTH = 25  # Exportiert von (header)
# Belegfeld 1 takes only these characters (DATEV: a-z A-Z 0-9 $ & % * + - /); others become "-".
DOCUMENT_FIELD_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789$&%*+-/")

DEBIT = "S"  # Soll
CREDIT = "H"  # Haben

COLUMN_TITLES = (
    "Umsatz (ohne Soll/Haben-Kz)",
    "Soll/Haben-Kennzeichen",
    "WKZ Umsatz",
    "Kurs",
    "Basis-Umsatz",
    "WKZ Basis-Umsatz",
    "Konto",
    "Gegenkonto (ohne BU-Schlüssel)",
    "BU-Schlüssel",
    "Belegdatum",
    "Belegfeld 1",
    "Belegfeld 2",
    "Skonto",
    "Buchungstext",
    "Postensperre",
    "Diverse Adressnummer",
    "Geschäftspartnerbank",
    "Sachverhalt",
    "Zinssperre",
    "Beleglink",
    "Beleginfo - Art 1",
    "Beleginfo - Inhalt 1",
    "Beleginfo - Art 2",
    "Beleginfo - Inhalt 2",
    "Beleginfo - Art 3",
    "Beleginfo - Inhalt 3",
    "Beleginfo - Art 4",
    "Beleginfo - Inhalt 4",
    "Beleginfo - Art 5",
    "Beleginfo - Inhalt 5",
    "Beleginfo - Art 6",
    "Beleginfo - Inhalt 6",
    "Beleginfo - Art 7",
    "Beleginfo - Inhalt 7",
    "Beleginfo - Art 8",
    "Beleginfo - Inhalt 8",
    "KOST1 - Kostenstelle",
    "KOST2 - Kostenstelle",
    "Kost-Menge",
    "EU-Land u. UStID",
    "EU-Steuersatz",
    "Abw. Versteuerungsart",
    "Sachverhalt L+L",
    "Funktionsergänzung L+L",
    "BU 49 Hauptfunktionstyp",
    "BU 49 Hauptfunktionsnummer",
    "BU 49 Funktionsergänzung",
    "Zusatzinformation - Art 1",
    "Zusatzinformation - Inhalt 1",
    "Zusatzinformation - Art 2",
    "Zusatzinformation - Inhalt 2",
    "Zusatzinformation - Art 3",
    "Zusatzinformation - Inhalt 3",
    "Zusatzinformation - Art 4",
    "Zusatzinformation - Inhalt 4",
    "Zusatzinformation - Art 5",
    "Zusatzinformation - Inhalt 5",
    "Zusatzinformation - Art 6",
    "Zusatzinformation - Inhalt 6",
    "Zusatzinformation - Art 7",
    "Zusatzinformation - Inhalt 7",
    "Zusatzinformation - Art 8",
    "Zusatzinformation - Inhalt 8",
    "Zusatzinformation - Art 9",
    "Zusatzinformation - Inhalt 9",
    "Zusatzinformation - Art 10",
    "Zusatzinformation - Inhalt 10",
    "Zusatzinformation - Art 11",
    "Zusatzinformation - Inhalt 11",
    "Zusatzinformation - Art 12",
    "Zusatzinformation - Inhalt 12",
    "Zusatzinformation - Art 13",
    "Zusatzinformation - Inhalt 13",
    "Zusatzinformation - Art 14",
    "Zusatzinformation - Inhalt 14",
    "Zusatzinformation - Art 15",
    "Zusatzinformation - Inhalt 15",
    "Zusatzinformation - Art 16",
    "Zusatzinformation - Inhalt 16",
    "Zusatzinformation - Art 17",
    "Zusatzinformation - Inhalt 17",
    "Zusatzinformation - Art 18",
    "Zusatzinformation - Inhalt 18",
    "Zusatzinformation - Art 19",
    "Zusatzinformation - Inhalt 19",
    "Zusatzinformation - Art 20",
    "Zusatzinformation - Inhalt 20",
    "Stück",
    "Gewicht",
    "Zahlweise",
    "Forderungsart",
    "Veranlagungsjahr",
    "Zugeordnete Fälligkeit",
    "Skontotyp",
    "Auftragsnummer",
    "Buchungstyp",
    "Ust-Schlüssel (Anzahlungen)",
    "EU-Land (Anzahlungen)",
    "Sachverhalt L+L (Anzahlungen)",
    "EU-Steuersatz (Anzahlungen)",
    "Erlöskonto (Anzahlungen)",
    "Herkunft-Kz",
    "Buchungs GUID",
    "KOST-Datum",
    "SEPA-Mandatsreferenz",
    "Skontosperre",
    "Gesellschaftername",
    "Beteiligtennummer",
    "Identifikationsnummer",
    "Zeichnernummer",
    "Postensperre bis",
    "Bezeichnung SoBil-Sachverhalt",
    "Kennzeichen SoBil-Buchung",
    "Festschreibung",
    "Leistungsdatum",
    "Datum Zuord. Steuerperiode",
    "Fälligkeit",
    "Generalumkehr (GU)",
    "Steuersatz",
    "Land",
    "Abrechnungsreferenz",
    "BVV-Position",
    "EU-Land u. UStID (Ursprung)",
    "EU-Steuersatz (Ursprung)",
    "Abw. Skontokonto",
)


@dataclass(frozen=True)
class Booking:
    """One booking line: ``amount_cents`` (positive) on ``account`` as debit (S) or credit (H), against ``contra_account``."""

    amount_cents: int
    debit_credit: str
    account: int
    contra_account: int
    document_date: date
    document_field: str
    text: str
    bu_key: str = ""

    def __post_init__(self) -> None:
        if self.amount_cents <= 0:
            raise ValueError("A DATEV amount is positive; the direction is the S/H flag.")
        if self.debit_credit not in (DEBIT, CREDIT):
            raise ValueError("debit_credit is 'S' or 'H'.")


@dataclass(frozen=True)
class Header:
    adviser_number: int
    client_number: int
    fiscal_year_start: date
    account_length: int
    date_from: date
    date_to: date
    created_at: datetime
    label: str
    exported_by: str = ""
    currency: str = "EUR"


def extf_text(value: str, *, max_length: int | None = None) -> str:
    """A quoted text field: NFC, cp1252 or ``REPLACEMENT``, no line breaks, quotes doubled, cut to ``max_length``."""
    value = unicodedata.normalize("NFC", value)
    value = " ".join(value.split()) if any(ch in value for ch in "\r\n\t") else value
    value = value.encode(ENCODING, errors="replace").decode(ENCODING)  # "replace" writes "?" = REPLACEMENT
    if max_length is not None:
        value = value[:max_length]
    return '"' + value.replace('"', '""') + '"'


def extf_document_field(value: str) -> str:
    """Belegfeld 1: the document number, in the characters DATEV allows, at most 36."""
    cleaned = "".join(ch if ch in DOCUMENT_FIELD_CHARACTERS else "-" for ch in value)
    return extf_text(cleaned, max_length=DOCUMENT_FIELD_LENGTH)


def extf_amount(cents: int) -> str:
    """1234567 -> "12345,67": decimal comma, no thousands separator, no sign."""
    whole, fraction = divmod(abs(int(cents)), 100)
    return f"{whole},{fraction:02d}"


def _line(fields: Iterable[str]) -> bytes:
    return (SEPARATOR.join(fields) + LINE_END).encode(ENCODING)


def extf_header_line(header: Header) -> bytes:
    fields = [
        extf_text("EXTF"),
        str(FORMAT_VERSION),
        str(FORMAT_CATEGORY),
        extf_text(FORMAT_NAME),
        str(FORMAT_CATEGORY_VERSION),
        header.created_at.strftime("%Y%m%d%H%M%S") + f"{header.created_at.microsecond // 1000:03d}",
        "",  # imported (set by DATEV)
        extf_text("RE"),  # origin: accounting
        extf_text(header.exported_by, max_length=USER_LENGTH),
        extf_text(""),  # imported by
        str(header.adviser_number),
        str(header.client_number),
        header.fiscal_year_start.strftime("%Y%m%d"),
        str(header.account_length),
        header.date_from.strftime("%Y%m%d"),
        header.date_to.strftime("%Y%m%d"),
        extf_text(header.label, max_length=LABEL_LENGTH),
        extf_text(""),  # dictation initials
        "1",  # booking type: financial accounting
        "0",  # accounting purpose: independent of the purpose
        "0",  # not locked: the adviser reviews and locks (Festschreibung) in DATEV
        extf_text(header.currency),
        "",  # reserved
        extf_text(""),  # derivative flag
        "",  # reserved
        "",  # reserved
        extf_text(""),  # chart of accounts (SKR): left empty, the accounts are the company's own choice
        "",  # industry solution id
        "",  # reserved
        extf_text(""),  # reserved
        extf_text(""),  # application information
    ]
    return _line(fields)


def extf_titles_line() -> bytes:
    return _line(COLUMN_TITLES)


def extf_booking_line(booking: Booking, *, currency: str = "EUR") -> bytes:
    fields = [""] * len(COLUMN_TITLES)
    fields[0] = extf_amount(booking.amount_cents)
    fields[1] = extf_text(booking.debit_credit)
    fields[2] = extf_text(currency)
    fields[6] = str(booking.account)
    fields[7] = str(booking.contra_account)
    fields[8] = extf_text(booking.bu_key)
    fields[9] = booking.document_date.strftime("%d%m")
    fields[10] = extf_document_field(booking.document_field)
    fields[13] = extf_text(booking.text, max_length=TEXT_LENGTH)
    return _line(fields)


def extf_lines(header: Header, bookings: Iterable[Booking]) -> Iterator[bytes]:
    """The file, line by line (encoded), consuming ``bookings`` lazily."""
    yield extf_header_line(header)
    yield extf_titles_line()
    for booking in bookings:
        yield extf_booking_line(booking, currency=header.currency)
