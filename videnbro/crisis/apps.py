from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrisisConfig(AppConfig):
    name = "videnbro.crisis"
    label = "crisis"
    verbose_name = _("Krise")

    def ready(self) -> None:
        from . import privacy  # noqa: F401  (registers its personal-data providers)
