"""English country names for addresses on invoices (ISO 3166-1 alpha-2).

Covers the EU/EEA and the usual neighbours; an unknown code is printed as is,
which is still a valid address line.
"""

COUNTRY_NAMES = {
    "AT": "Austria", "BE": "Belgium", "BG": "Bulgaria", "CH": "Switzerland", "CY": "Cyprus",
    "CZ": "Czechia", "DE": "Germany", "DK": "Denmark", "EE": "Estonia", "ES": "Spain",
    "FI": "Finland", "FR": "France", "GB": "United Kingdom", "GR": "Greece", "HR": "Croatia",
    "HU": "Hungary", "IE": "Ireland", "IS": "Iceland", "IT": "Italy", "LI": "Liechtenstein",
    "LT": "Lithuania", "LU": "Luxembourg", "LV": "Latvia", "MT": "Malta", "NL": "Netherlands",
    "NO": "Norway", "PL": "Poland", "PT": "Portugal", "RO": "Romania", "SE": "Sweden",
    "SI": "Slovenia", "SK": "Slovakia", "TR": "Türkiye", "UA": "Ukraine", "US": "United States",
    "CA": "Canada", "AU": "Australia", "JP": "Japan", "CN": "China",
}  # fmt: skip


def country_name(code: str) -> str:
    code = (code or "").strip().upper()
    return COUNTRY_NAMES.get(code, code)
