"""Pages that belong to no single domain: the home page."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from videnbro.registry.selectors import key_figures


def home(request):
    return render(request, "core/home.html", {"figures": key_figures()})


def privacy_page(request: HttpRequest) -> HttpResponse:
    """What personal data the platform keeps, why, on which basis, who sees it and for how
    long – one section per registered provider (core.privacy), the same registry the
    `videnbro privacy` command uses."""
    from .privacy import providers_for_page

    return render(
        request, "core/privacy.html", {"sections": [provider.describe() for provider in providers_for_page()]}
    )
