from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DatamapConfig(AppConfig):
    name = "videnbro.datamap"
    label = "datamap"
    verbose_name = _("Datalandkort")

    def ready(self) -> None:
        from . import privacy  # noqa: F401  (registers its personal-data providers)
