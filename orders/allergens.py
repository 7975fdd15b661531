"""The 14 allergens of Regulation (EU) No 1169/2011, Annex II, and the diet marks.

A dish keeps its allergens as one compact text field of codes ("gluten,milk"):
a single column instead of fourteen booleans, readable in the database and in
exports, and stable when this list is reordered or relabelled. The codes are
the contract; labels and short marks are presentation.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Allergen:
    code: str  # stored in MenuItem.allergens
    mark: str  # the short mark printed next to a dish; the legend explains it
    label: str


# Annex II order, which the legend and every dish follow.
ALLERGENS: tuple[Allergen, ...] = (
    Allergen("gluten", "GL", _("Cereals containing gluten")),
    Allergen("crustaceans", "CR", _("Crustaceans")),
    Allergen("eggs", "EG", _("Eggs")),
    Allergen("fish", "FI", _("Fish")),
    Allergen("peanuts", "PN", _("Peanuts")),
    Allergen("soybeans", "SO", _("Soybeans")),
    Allergen("milk", "MI", _("Milk")),
    Allergen("nuts", "NU", _("Nuts")),
    Allergen("celery", "CE", _("Celery")),
    Allergen("mustard", "MU", _("Mustard")),
    Allergen("sesame", "SE", _("Sesame seeds")),
    Allergen("sulphites", "SU", _("Sulphur dioxide and sulphites")),
    Allergen("lupin", "LU", _("Lupin")),
    Allergen("molluscs", "MO", _("Molluscs")),
)
ALLERGENS_BY_CODE = {allergen.code: allergen for allergen in ALLERGENS}
ALLERGEN_CHOICES = [(allergen.code, allergen.label) for allergen in ALLERGENS]
# Long enough for all fourteen codes joined with commas.
ALLERGENS_MAX_LENGTH = sum(len(a.code) + 1 for a in ALLERGENS)

DIET_MARKS = {"vegetarian": ("V", _("Vegetarian")), "vegan": ("VG", _("Vegan"))}


def allergens_join(codes) -> str:
    """Codes as stored: known ones only, once each, in Annex II order."""
    chosen = set(codes)
    return ",".join(allergen.code for allergen in ALLERGENS if allergen.code in chosen)


def allergens_split(value: str) -> list[Allergen]:
    """The stored text as allergens in Annex II order."""
    return [ALLERGENS_BY_CODE[code] for code in value.split(",") if code in ALLERGENS_BY_CODE]


def validate_allergens(value: str) -> None:
    unknown = [code for code in value.split(",") if code and code not in ALLERGENS_BY_CODE]
    if unknown:
        raise ValidationError(_("Unknown allergen code: %(codes)s"), params={"codes": ", ".join(unknown)})
