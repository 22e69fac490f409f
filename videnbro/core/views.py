"""Pages that belong to no single domain and need no domain app: the privacy page (its
sections come from the providers each app registers in `core.privacy`)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def privacy_page(request: HttpRequest) -> HttpResponse:
    """What personal data the platform keeps, why, on which basis, who sees it and for how
    long – one section per registered provider (core.privacy), the same registry the
    `videnbro privacy` command uses."""
    from .privacy import providers_for_page

    return render(
        request, "core/privacy.html", {"sections": [provider.describe() for provider in providers_for_page()]}
    )
