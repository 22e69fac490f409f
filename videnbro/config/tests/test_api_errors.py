"""Error answers the schemathesis module relies on: any path under /api/v1/ and any input the
database cannot store answer the JSON error envelope, never HTML or a 500."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.regression


@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_it_answers_an_unmatched_api_path_with_the_json_404(api, db, method):
    response = getattr(api, method)("/api/v1/offers/0.5/claim/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert list(response.json()) == ["errors"]


@pytest.mark.parametrize(
    "url", ["/api/v1/catalogue.ttl?dataset=a%00b", "/api/v1/catalogue.jsonld?dataset=%00"]
)
def test_it_answers_a_nul_character_in_a_lookup_without_a_500(api, seeded, url):
    # PostgreSQL cannot store NUL (400); SQLite simply finds no such dataset (404).
    response = api.get(url)
    assert response.status_code in (400, 404)
    assert "errors" in response.json()
