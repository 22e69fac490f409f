"""The search page: facets and live results (HTMX), reachable from every page's header."""

from __future__ import annotations

from dataclasses import replace

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import get_language, override

from videnbro.partnerships.taxonomy import FOCUS_AREA_BY_SLUG
from videnbro.registry.models import Region, Sector

from .models import DocType
from .services import search, validate_params


def _facet_labels() -> dict[str, dict[str, str]]:
    return {
        "type": {value: str(label) for value, label in DocType.choices},
        "focus_area": {slug: term.en if get_language() == "en" else term.da
                       for slug, term in FOCUS_AREA_BY_SLUG.items()},
        "region": dict(Region.objects.values_list("slug", "name")),
        "sector": {value: str(label) for value, label in Sector.choices},
    }


def _localise(url: str, language: str) -> str:
    """A Danish page URL as the same page in `language` ('/x/#a' → '/en/x/#a')."""
    path, _, fragment = url.partition("#")
    try:
        with override("da"):
            match = resolve(path)
    except Resolver404:
        return url
    name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
    with override(language):
        localised = reverse(name, args=match.args, kwargs=match.kwargs)
    return localised + (f"#{fragment}" if fragment else "")


def search_page(request):
    errors: dict[str, list[str]] = {}
    try:
        q, filters, page = validate_params(request.GET)
        results = search(q=q, filters=filters, page=page)
    except ValidationError as exc:
        errors = exc.message_dict
        q, filters, results = request.GET.get("q", "")[:500], {}, search()
    language = get_language()
    if language != "da":  # the index stores Danish (unprefixed) URLs
        results = replace(results, results=[replace(r, url=_localise(r.url, language))
                                            for r in results.results])
    labels = _facet_labels()
    facets = [
        (name, [(value, labels[name].get(value, value), n,
                 request.GET.get(name) == value) for value, n in values.items()])
        for name, values in results.facets.items()
    ]
    base = request.GET.copy()
    base.pop("page", None)
    context = {"q": q, "results": results, "facets": facets, "errors": errors,
               "params": request.GET, "query": base.urlencode(),
               "facet_titles": {"type": "Type", "focus_area": "Fokusområde",
                                "region": "Region", "sector": "Sektor"}}
    template = "search/_results.html" if request.htmx else "search/search.html"
    return render(request, template, context)
