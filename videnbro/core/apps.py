from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "videnbro.core"
    verbose_name = _("Fælles")

    def ready(self) -> None:
        from .privacy_providers import register_core_providers

        register_core_providers()
