from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "videnbro.matching"
    verbose_name = _("Klassifikation og matchmaking")

    def ready(self) -> None:
        # Partnerships without a focus area get the classifier's suggestion (partnership_create).
        from videnbro.partnerships.rules import register_focus_area_classifier

        from .receivers import classify_partnership_text

        register_focus_area_classifier(classify_partnership_text)

        from videnbro.registry.signals import organisation_page_sections

        from .receivers import organisation_section

        organisation_page_sections.connect(organisation_section, dispatch_uid="matching.organisation_section")
