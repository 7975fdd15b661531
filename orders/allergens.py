"""The 14 allergens of Regulation (EU) No 1169/2011, Annex II, and the diet marks.

A dish keeps its allergens as one compact text field of codes ("gluten,milk"):
a single column instead of fourteen booleans, readable in the database and in
exports, and stable when this list is reordered or relabelled. The codes are
the contract; labels and short marks are presentation.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


@dataclass(frozen=True)
class Allergen:
    code: str  # stored in MenuItem.allergens
    mark: str  # the short mark printed next to a dish, per language (German menus use A-R); the legend explains it
    label: str


# Annex II order, which the legend and every dish follow. The marks are translated: German menus
# use the letters customary there (A Gluten ... R Weichtiere, without I, J, K, Q), French ones
# abbreviate the French names.
ALLERGENS: tuple[Allergen, ...] = (
    Allergen("gluten", pgettext_lazy("allergen mark", "GL"), _("Cereals containing gluten")),
    Allergen("crustaceans", pgettext_lazy("allergen mark", "CR"), _("Crustaceans")),
    Allergen("eggs", pgettext_lazy("allergen mark", "EG"), _("Eggs")),
    Allergen("fish", pgettext_lazy("allergen mark", "FI"), _("Fish")),
    Allergen("peanuts", pgettext_lazy("allergen mark", "PN"), _("Peanuts")),
    Allergen("soybeans", pgettext_lazy("allergen mark", "SO"), _("Soybeans")),
    Allergen("milk", pgettext_lazy("allergen mark", "MI"), _("Milk")),
    Allergen("nuts", pgettext_lazy("allergen mark", "NU"), _("Nuts")),
    Allergen("celery", pgettext_lazy("allergen mark", "CE"), _("Celery")),
    Allergen("mustard", pgettext_lazy("allergen mark", "MU"), _("Mustard")),
    Allergen("sesame", pgettext_lazy("allergen mark", "SE"), _("Sesame seeds")),
    Allergen("sulphites", pgettext_lazy("allergen mark", "SU"), _("Sulphur dioxide and sulphites")),
    Allergen("lupin", pgettext_lazy("allergen mark", "LU"), _("Lupin")),
    Allergen("molluscs", pgettext_lazy("allergen mark", "MO"), _("Molluscs")),
)
ALLERGENS_BY_CODE = {allergen.code: allergen for allergen in ALLERGENS}
ALLERGEN_CHOICES = [(allergen.code, allergen.label) for allergen in ALLERGENS]
# Long enough for all fourteen codes joined with commas.
ALLERGENS_MAX_LENGTH = sum(len(a.code) + 1 for a in ALLERGENS)

DIET_MARKS = {
    "vegetarian": (pgettext_lazy("diet mark", "V"), _("Vegetarian")),
    "vegan": (pgettext_lazy("diet mark", "VG"), _("Vegan")),
}


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
