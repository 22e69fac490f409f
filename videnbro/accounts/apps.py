from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "videnbro.accounts"
    verbose_name = _("Konti")

    def ready(self) -> None:
        from . import schema  # noqa: F401  (registers the OpenAPI description of bearer tokens)
