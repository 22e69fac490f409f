from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DatamapConfig(AppConfig):
    name = "videnbro.datamap"
    label = "datamap"
    verbose_name = _("Datalandkort")

    def ready(self) -> None:
        from videnbro.registry.importers import register_importer

        from . import privacy  # noqa: F401  (registers its personal-data providers)
        from .cli import FORMAT_HELP, FORMATS, HELP, import_dcat

        register_importer("dcat", import_dcat, help=HELP, formats=FORMATS, format_help=FORMAT_HELP, urls=True)
