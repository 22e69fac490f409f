"""Fixtures for the search tests: one way to ask the same question through the service and
through the API, and a way to read every result of a query across pages."""

from __future__ import annotations

from dataclasses import asdict

import pytest
from django.utils import translation

from videnbro.search import services


def service_results(q: str, *, page: int = 1, **filters: str) -> dict:
    """The service's answer in the API's shape (`type` is the API's name for `doc_type`)."""
    found = services.search(
        q=q, filters={services.FILTERS[name]: value for name, value in filters.items()}, page=page
    )
    return {
        "count": found.count,
        "pages": found.pages,
        "results": [asdict(r) for r in found.results],
        "facets": found.facets,
    }


@pytest.fixture(autouse=True)
def _danish_afterwards():
    """A request to an /en/ page leaves English active in this thread; later tests (also in other
    apps) expect the default language."""
    yield
    translation.deactivate()


@pytest.fixture(params=["service", "api"])
def ask(request, seeded, api):
    """`ask("visir", type="partnership")` → {"count", "pages", "results", "facets"}, once through
    `services.search` and once through GET /api/v1/search/."""

    def run(q: str, *, page: int = 1, **filters: str) -> dict:
        if request.param == "service":
            return service_results(q, page=page, **filters)
        response = api.get("/api/v1/search/", {"q": q, "page": page, **filters})
        assert response.status_code == 200, response.content
        return response.json()

    run.via = request.param
    return run


@pytest.fixture
def everything(seeded):
    """Every result of a query, all pages read through the service."""

    def run(q: str, **filters: str) -> list[dict]:
        first = service_results(q, **filters)
        results = list(first["results"])
        for page in range(2, first["pages"] + 1):
            results += service_results(q, page=page, **filters)["results"]
        return results

    return run
