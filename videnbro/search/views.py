"""The search page: facets and live results (HTMX), reachable from every page's header."""

from __future__ import annotations

from dataclasses import replace

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import get_language, override
from django.utils.translation import gettext_lazy as _

from videnbro.datamap.models import AccessRoute, Theme
from videnbro.partnerships.taxonomy import FOCUS_AREA_BY_SLUG
from videnbro.registry.models import Organisation, Region, Sector

from .models import DocType
from .services import FILTERS, search, validate_params

FACET_TITLES = {
    "type": _("Type"),
    "focus_area": _("Fokusområde"),
    "region": _("Region"),
    "sector": _("Sektor"),
    "custodian": _("Dataansvarlig"),
    "theme": _("Tema"),
    "coding_system": _("Kodesystem"),
    "access_route": _("Adgangsvej"),
    "personal_data": _("Personoplysninger"),
}
# Facets of health datasets only: shown when the results hold datasets, and then alone (with
# the type) once the results are narrowed to datasets.
DATASET_FACETS = ("custodian", "theme", "coding_system", "access_route", "personal_data")


def _facet_labels(facets: dict[str, dict[str, int]]) -> dict[str, dict[str, str]]:
    english = get_language() == "en"
    labels = {
        "type": {value: str(label) for value, label in DocType.choices},
        "focus_area": {slug: term.en if english else term.da for slug, term in FOCUS_AREA_BY_SLUG.items()},
        "region": dict(Region.objects.values_list("slug", "name")),
        "sector": {value: str(label) for value, label in Sector.choices},
        "theme": {value: str(label) for value, label in Theme.choices},
        "personal_data": {"yes": str(_("Ja")), "no": str(_("Nej"))},
    }
    # Names are read only for the keys that are counted.
    if keys := facets.get("custodian"):
        labels["custodian"] = {
            key: (name_en if english and name_en else name)
            for key, name, name_en in Organisation.objects.filter(key__in=keys).values_list(
                "key", "name", "name_en"
            )
        }
    if keys := facets.get("access_route"):
        labels["access_route"] = {
            key: (name_en if english and name_en else name)
            for key, name, name_en in AccessRoute.objects.filter(key__in=keys).values_list(
                "key", "name", "name_en"
            )
        }
    return labels


def _shown_facets(facets: dict[str, dict[str, int]], doc_type: str | None) -> list[str]:
    if doc_type == DocType.DATASET:
        return ["type", *DATASET_FACETS]
    shown = [name for name in facets if name not in DATASET_FACETS]
    if facets.get("type", {}).get(DocType.DATASET):
        shown += DATASET_FACETS
    return shown


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
        results = replace(
            results, results=[replace(r, url=_localise(r.url, language)) for r in results.results]
        )
    labels = _facet_labels(results.facets)
    facets = []
    for name in _shown_facets(results.facets, filters.get("doc_type")):
        chosen = filters.get(FILTERS[name])
        facets.append(
            (
                name,
                FACET_TITLES[name],
                [
                    (value, labels.get(name, {}).get(value, value), n, value == chosen)
                    for value, n in results.facets[name].items()
                ],
            )
        )
    base = request.GET.copy()
    base.pop("page", None)
    context = {
        "q": q,
        "results": results,
        "facets": facets,
        "errors": errors,
        "params": request.GET,
        "query": base.urlencode(),
        "filtered": any(request.GET.get(name) for name in FILTERS),
        "listed": bool(q or filters),
    }
    template = "search/_results.html" if request.htmx else "search/search.html"
    return render(request, template, context)
