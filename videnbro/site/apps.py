from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The site shell on top of every domain app: the home page and the commands that load the
    whole site (`videnbro seed`, `videnbro synth`). It may import every app; no app imports it."""

    name = "videnbro.site"
    label = "site"
    verbose_name = "Videnbro"
