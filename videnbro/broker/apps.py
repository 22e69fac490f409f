from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BrokerConfig(AppConfig):
    name = "videnbro.broker"
    verbose_name = _("Dataindgang")

    def ready(self) -> None:
        from videnbro.datamap.models import Dataset
        from videnbro.datamap.signals import dataset_page_sections

        from . import privacy  # noqa: F401  (registers its personal-data providers)
        from .receivers import approved_uses_section

        dataset_page_sections.connect(
            approved_uses_section, sender=Dataset, dispatch_uid="broker.approved_uses_section"
        )
