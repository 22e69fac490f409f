from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnershipsConfig(AppConfig):
    name = "videnbro.partnerships"
    verbose_name = _("Partnerskaber")

    def ready(self) -> None:
        # Members of organisations that share a partnership see each other's contact persons.
        from videnbro.registry.permissions import register_collaboration_checker

        from .collaboration import share_a_partnership

        register_collaboration_checker(share_a_partnership)

        from videnbro.registry.signals import organisation_page_sections

        from .receivers import organisation_section

        organisation_page_sections.connect(
            organisation_section, dispatch_uid="partnerships.organisation_section"
        )
