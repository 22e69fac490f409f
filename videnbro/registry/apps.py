from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "videnbro.registry"
    verbose_name = _("Økosystemregister")

    def ready(self) -> None:
        from . import privacy  # noqa: F401  (registers its personal-data providers)
