from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    """The bottom layer: helpers every app uses (money, QR codes, countries, dates, error pages).

    Imports no other project app (an import-linter contract in ``.ci/run`` holds it to that).
    """

    name = "common"
    verbose_name = _("Outgoing mail")  # its only model in the admin: the mail outbox
