from django.apps import AppConfig


class CommonConfig(AppConfig):
    """The bottom layer: helpers every app uses (money, QR codes, countries, dates, error pages).

    Imports no other project app (an import-linter contract in ``.ci/run`` holds it to that).
    """

    name = "common"
    verbose_name = "Shared helpers"
