from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operating the service: health probes, request ids, log formatting.

    Sits at the bottom with ``common``: it imports no product app. Apps that
    own something readiness depends on register a check here from their own
    ``AppConfig.ready`` (see ``ops.health.readiness_check_register``).
    """

    name = "ops"
    verbose_name = "Operations"
