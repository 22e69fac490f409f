"""Pages of the health data map: browse and filter, one dataset with how to apply, compare
datasets side by side, and the sandbox catalogue."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from videnbro.core.pagination import page_of
from videnbro.core.sections import page_sections

from .filters import filter_datasets
from .models import AccessRoute, Dataset, Sandbox, Theme
from .selectors import coding_systems, dataset_queryset
from .signals import dataset_page_sections

MAX_COMPARE = 6


def dataset_list(request):
    errors = {}
    try:
        datasets = filter_datasets(dataset_queryset(), request.GET)
    except ValidationError as exc:
        errors, datasets = exc.message_dict, Dataset.objects.none()
    page, query = page_of(request, datasets, 25)
    return render(
        request,
        "datamap/dataset_list.html",
        {
            "page": page,
            "errors": errors,
            "query": query,
            "themes": Theme.choices,
            "coding_systems": coding_systems(),
            "access_routes": AccessRoute.objects.all(),
            "custodians": Dataset.objects.values_list("custodian__key", "custodian__name")
            .distinct()
            .order_by("custodian__name"),
            "total": Dataset.objects.count(),
        },
    )


def dataset_detail(request: HttpRequest, key: str) -> HttpResponse:
    dataset = get_object_or_404(dataset_queryset().prefetch_related("sandboxes"), key=key)
    return render(
        request,
        "datamap/dataset_detail.html",
        {
            "dataset": dataset,
            "themes": dict(Theme.choices),
            "sections": page_sections(
                dataset_page_sections, sender=Dataset, request=request, dataset=dataset
            ),
            "same_route": Dataset.objects.filter(access_route=dataset.access_route)
            .exclude(pk=dataset.pk)
            .order_by("title")[:8]
            if dataset.access_route_id
            else [],
        },
    )


def compare(request):
    keys = [k for k in request.GET.getlist("d") if k][:MAX_COMPARE]
    datasets = list(dataset_queryset().filter(key__in=keys))
    datasets.sort(key=lambda d: keys.index(d.key))
    rows = [
        ("custodian", [d.custodian.name for d in datasets]),
        ("population_coverage", [d.population_coverage for d in datasets]),
        ("time_coverage_from", [d.time_coverage_from or "" for d in datasets]),
        ("update_frequency", [d.get_update_frequency_display() for d in datasets]),
        ("coding_systems", [", ".join(d.coding_systems) for d in datasets]),
        ("unique_individuals", [d.unique_individuals or "" for d in datasets]),
        ("access_route", [d.access_route.name if d.access_route else "" for d in datasets]),
        ("personal_data", [d.personal_data for d in datasets]),
    ]
    return render(
        request,
        "datamap/compare.html",
        {
            "datasets": datasets,
            "rows": rows,
            "max": MAX_COMPARE,
            "too_many": len(request.GET.getlist("d")) > MAX_COMPARE,
            "all_datasets": Dataset.objects.order_by("title").only("key", "title"),
        },
    )


def sandbox_list(request):
    return render(
        request,
        "datamap/sandbox_list.html",
        {"sandboxes": Sandbox.objects.select_related("operator").prefetch_related("datasets")},
    )
