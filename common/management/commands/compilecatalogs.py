"""Compile the translation catalogs (locale/*/LC_MESSAGES/*.po -> .mo) in pure Python.

Django's ``compilemessages`` needs GNU gettext's ``msgfmt``; this does the same
with polib, so a fresh machine runs the app without installing gettext. The
compiled ``.mo`` files are committed too; ``common/tests/test_catalogs.py``
fails when one is out of date.
"""

from pathlib import Path

import polib  # type: ignore[import-untyped]
from django.conf import settings
from django.core.management.base import BaseCommand


def catalog_paths() -> list[Path]:
    return sorted(path for root in settings.LOCALE_PATHS for path in Path(root).glob("*/LC_MESSAGES/*.po"))


def compile_catalog(po_path: Path) -> Path:
    catalog = polib.pofile(str(po_path))
    mo_path = po_path.with_suffix(".mo")
    # polib leaves fuzzy entries out of the .mo, as msgfmt does.
    catalog.save_as_mofile(str(mo_path))
    return mo_path


class Command(BaseCommand):
    help = "Compile locale/*/LC_MESSAGES/*.po to .mo without GNU gettext."

    def handle(self, *args: object, **options: object) -> None:
        for po_path in catalog_paths():
            mo_path = compile_catalog(po_path)
            self.stdout.write(f"compiled {mo_path.relative_to(settings.BASE_DIR)}")
