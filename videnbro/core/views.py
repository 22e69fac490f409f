"""Pages that belong to no single domain: the home page."""

from django.shortcuts import render

from videnbro.registry.selectors import key_figures


def home(request):
    return render(request, "core/home.html", {"figures": key_figures()})
