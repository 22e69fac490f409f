from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "videnbro.search"
    verbose_name = _("Søgning")

    def ready(self) -> None:
        from . import receivers  # noqa: F401 - connects the index to the domain signals
