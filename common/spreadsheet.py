"""Text cells for CSV files that people open in a spreadsheet program."""

# A spreadsheet runs a cell that starts like a formula; names in exports are typed by people.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value: str) -> str:
    """``value`` as a cell that a spreadsheet shows as text and never evaluates."""
    return f"'{value}" if value.startswith(FORMULA_START) else value
