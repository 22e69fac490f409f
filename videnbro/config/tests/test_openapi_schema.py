"""Issue 12, finding 11: the OpenAPI document describes the API as it answers – nullable
fields, the error answers of every operation, bounded page numbers, dates and the media types
of the catalogue and the exports."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.regression

ERRORS = ("400", "401", "403", "404", "409", "413", "429")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def schema():
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield f"{method.upper()} {path}", operation


def test_it_is_the_document_the_api_serves(api, db, schema):
    served = api.get("/api/v1/openapi.json").json()
    assert served["paths"].keys() == schema["paths"].keys()
    assert served["components"]["schemas"]["Error"] == schema["components"]["schemas"]["Error"]


def test_it_documents_every_error_answer_with_the_error_shape(schema):
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["errors"]
    assert error["properties"]["errors"]["additionalProperties"]["items"] == {"type": "string"}
    for name, operation in operations(schema):
        for code in ERRORS:
            answer = operation["responses"].get(code)
            assert answer, f"{name} does not document {code}"
            assert answer["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/Error"
            }, (name, code)
        assert "Retry-After" in operation["responses"]["429"]["headers"], name


@pytest.mark.parametrize(
    "component,field",
    [
        ("OrganisationList", "municipality"),
        ("OrganisationList", "municipality_label"),
        ("OrganisationList", "region_label"),
        ("OrganisationList", "region"),
        ("OrganisationDetail", "parent"),
        ("Need", "municipality"),
        ("Need", "region"),
        ("RegisterEntry", "period_from"),
        ("RegisterEntry", "period_to"),
        ("Volunteer", "municipality"),
    ],
)
def test_it_marks_the_nullable_fields(schema, component, field):
    prop = schema["components"]["schemas"][component]["properties"][field]
    assert prop.get("nullable") is True, (component, field, prop)


def test_it_bounds_page_numbers_and_gives_date_formats(schema):
    pages = [
        parameter
        for _name, operation in operations(schema)
        for parameter in operation.get("parameters", [])
        if parameter["name"] == "page"
    ]
    assert pages and all(p["schema"]["minimum"] == 1 for p in pages)
    entry = schema["components"]["schemas"]["RegisterEntry"]["properties"]
    assert entry["period_from"]["format"] == "date"
    assert entry["approved_at"]["format"] == "date-time"


def test_it_gives_the_media_types_of_the_catalogue_and_the_exports(schema):
    paths = schema["paths"]
    assert list(paths["/api/v1/catalogue.jsonld"]["get"]["responses"]["200"]["content"]) == [
        "application/ld+json"
    ]
    assert list(paths["/api/v1/catalogue.ttl"]["get"]["responses"]["200"]["content"]) == ["text/turtle"]
    for export in ("/api/v1/needs/export/", "/api/v1/offers/export/"):
        assert set(paths[export]["get"]["responses"]["200"]["content"]) == {"text/csv", XLSX}
