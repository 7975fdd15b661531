"""Extract the messages into locale/{de,fr}/LC_MESSAGES/django.po, then compile them.

A developer's command (extraction needs GNU gettext's xgettext); running the
app needs only the committed .mo files. Locations are left out so that two
branches adding messages rarely conflict in the catalogs.
"""

from pathlib import Path

import polib  # type: ignore[import-untyped]
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

PLURAL_FORMS = {"de": "nplurals=2; plural=(n != 1);", "fr": "nplurals=2; plural=(n > 1);"}
IGNORED = [".venv/*", "bench/*", "media/*", "*/tests/*", "conftest.py", "node_modules/*"]


class Command(BaseCommand):
    help = "makemessages for every language but English (our ignores, no locations), then compilecatalogs."

    def handle(self, *args: object, **options: object) -> None:
        languages = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
        call_command(
            "makemessages",
            locale=languages,
            ignore_patterns=IGNORED,
            no_obsolete=True,
            add_location="never",
            # One line per message: fewer merge conflicts, and a reader sees each translation whole.
            no_wrap=True,
            verbosity=options["verbosity"],
        )
        for language in languages:
            path = Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po"
            catalog = polib.pofile(str(path))
            catalog.metadata.update(
                {
                    "Project-Id-Version": "qr-table-ordering",
                    "Language": language,
                    "Plural-Forms": PLURAL_FORMS.get(language, catalog.metadata.get("Plural-Forms", "")),
                }
            )
            catalog.metadata_is_fuzzy = False
            catalog.wrapwidth = 0
            catalog.save()
        call_command("compilecatalogs", verbosity=options["verbosity"])
