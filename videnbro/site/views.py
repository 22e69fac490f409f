"""The home page: the front door to every part of the platform."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from videnbro.registry.selectors import key_figures


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "site/home.html", {"figures": key_figures()})
