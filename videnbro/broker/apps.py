from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BrokerConfig(AppConfig):
    name = "videnbro.broker"
    verbose_name = _("Dataindgang")

    def ready(self) -> None:
        from . import privacy  # noqa: F401  (registers its personal-data providers)
