from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DatamapConfig(AppConfig):
    name = "videnbro.datamap"
    label = "datamap"
    verbose_name = _("Datalandkort")
