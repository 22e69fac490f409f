"""The API's convention for coded values (docs/api.md, "Conventions"), endpoint by endpoint:
every coded value is its code in the field named after the concept, with ``<field>_label`` =
``{"da": …, "en": …}`` beside it; no ``*_slug`` twin, no label in the code's place. And
docs/api.md lists every path of the OpenAPI document, so the documentation cannot drift."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from videnbro.core.audit import SYSTEM
from videnbro.partnerships import services as partnership_services
from videnbro.partnerships.models import Partnership
from videnbro.partnerships.taxonomy import FOCUS_AREAS, PARTNER_TYPES
from videnbro.registry import services as registry_services
from videnbro.registry.models import Organisation

CODE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")  # a code, never a label ("101", "ppe", "in_review")
API_DOC = Path(__file__).resolve().parents[3] / "docs" / "api.md"


def holders_of(body: Any, path: str) -> tuple[list[dict], str]:
    """The objects holding the last key of a dotted path; ``*`` walks a list."""
    *steps, field = path.split(".")
    nodes = [body]
    for step in steps:
        nodes = [item for node in nodes for item in (node if step == "*" else [node[step]])]
    return nodes, field


def assert_labelled(label: Any) -> None:
    assert isinstance(label, dict) and set(label) == {"da", "en"}, label
    assert all(isinstance(text, str) and text.strip() for text in label.values()), label


def assert_coded(body: Any, paths: list[str]) -> None:
    """Each path holds a code with its ``_label`` twin, filled at least once (so the check has
    something to check)."""
    for path in paths:
        holders, field = holders_of(body, path)
        assert holders, f"{path}: nothing to check"
        filled = 0
        for holder in holders:
            assert field in holder and f"{field}_label" in holder, (path, sorted(holder))
            code, label = holder[field], holder[f"{field}_label"]
            if code in (None, "", []):
                assert label in (None, []), (path, label)
                continue
            filled += 1
            codes, labels = (code, label) if isinstance(code, list) else ([code], [label])
            assert len(labels) == len(codes), (path, code, label)
            for one_code, one_label in zip(codes, labels, strict=True):
                assert isinstance(one_code, str) and CODE.match(one_code), (path, one_code)
                assert_labelled(one_label)
        assert filled, f"{path}: no example with a code"


def assert_no_strays(node: Any, where: str = "") -> None:
    """Anywhere in an answer: no ``*_slug`` field, and no ``_label`` without its code."""
    if isinstance(node, list):
        for index, item in enumerate(node):
            assert_no_strays(item, f"{where}.{index}")
    elif isinstance(node, dict):
        for key, value in node.items():
            assert not key.endswith("_slug"), f"{where}.{key}"
            if key.endswith("_label"):
                assert key.removesuffix("_label") in node, f"{where}.{key} has no code beside it"
            assert_no_strays(value, f"{where}.{key}")


def check(response, status: int, paths: list[str]) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert_no_strays(body)
    assert_coded(body, paths)
    return body


ORGANISATION = ["kind", "sector", "municipality", "region", "size_band"]
PARTNERSHIP = [
    "focus_area",
    "secondary_focus_areas",
    "partner_type",
    "partner_type_origin",
    "status",
    "participants.*.role",
]


@pytest.fixture
def organisation(seeded, api_as, secretariat) -> dict:
    """An organisation created through the API (the create endpoint's answer)."""
    response = api_as(secretariat).post(
        "/api/v1/organisations/",
        {"name": "Konventionstest ApS", "kind": "company", "municipality": "101", "size_band": "small"},
        format="json",
    )
    return check(response, 201, ORGANISATION)


@pytest.fixture
def partnership(seeded, api_as, secretariat, organisation) -> dict:
    """A partnership created through the API, with a body, an output and an evaluation."""
    response = api_as(secretariat).post(
        "/api/v1/partnerships/",
        {
            "title": "Konventionstest af værnemidler",
            "focus_area": "ppe",
            "secondary_focus_areas": ["test", "workforce"],
            "partner_type": "market",
            "regions": ["hovedstaden"],
            "participants": [{"organisation": organisation["id"], "role": "funder"}, {"name": "Grundfos"}],
        },
        format="json",
    )
    body = check(response, 201, [*PARTNERSHIP, "regions"])
    created = Partnership.objects.get(pk=body["id"])
    partnership_services.governance_body_add(
        actor=SYSTEM, partnership=created, kind="steering_group", name="Styregruppen"
    )
    partnership_services.output_add(
        actor=SYSTEM, partnership=created, kind="milestone", title="Første levering"
    )
    partnership_services.evaluation_add(
        actor=SYSTEM, partnership=created, kind="result", date="2020-09-01", method="Survey", findings="God."
    )
    return body


def test_it_labels_the_codes_of_the_organisation_list(seeded, api):
    check(
        api.get("/api/v1/organisations/", {"page_size": 200}),
        200,
        ["results.*.kind", "results.*.sector", "results.*.municipality", "results.*.region"],
    )


def test_it_labels_the_codes_of_an_organisation(api, organisation, org):
    registry_services.membership_add(
        actor=SYSTEM,
        organisation=Organisation.objects.get(pk=organisation["id"]),
        group=org("danish-life-science-cluster"),
        role="member",
    )
    registry_services.capacity_add(
        actor=SYSTEM,
        organisation=Organisation.objects.get(pk=organisation["id"]),
        item="visirer",
        quantity=100,
        per_period="day",
    )
    body = check(
        api.get(f"/api/v1/organisations/{organisation['id']}/"),
        200,
        [*ORGANISATION, "capacities.*.per_period", "memberships.*.role"],
    )
    assert (body["municipality"], body["municipality_label"]) == (
        "101",
        {"da": "København", "en": "København"},
    )
    assert body["size_band_label"] == {"da": "Lille (10–49 ansatte)", "en": "Small (10–49 employees)"}


def test_it_labels_the_codes_of_an_organisation_update_and_a_capacity(api_as, secretariat, organisation):
    client = api_as(secretariat)
    url = f"/api/v1/organisations/{organisation['id']}/"
    check(client.patch(url, {"size_band": "medium"}, format="json"), 200, ORGANISATION)
    check(
        client.post(
            f"{url}capacities/", {"item": "senge", "quantity": 4, "per_period": "week"}, format="json"
        ),
        201,
        ["per_period"],
    )


def test_it_keeps_the_resolver_free_of_labels_and_slugs(seeded, api):
    check(api.get("/api/v1/organisations/resolve/", {"name": "KU"}), 200, [])


def test_it_labels_the_codes_of_the_partnership_list(api, partnership):
    body = check(
        api.get("/api/v1/partnerships/", {"page_size": 200}), 200, [f"results.*.{p}" for p in PARTNERSHIP]
    )
    assert body["count"] == len(body["results"])  # every partnership, the created one included
    ppe = next(row for row in body["results"] if row["id"] == partnership["id"])
    assert ppe["focus_area"] == "ppe"
    assert ppe["focus_area_label"] == {
        "da": "Produktion af værnemidler/håndsprit",
        "en": "Production of protective equipment/hand sanitiser",
    }
    labels = {term.slug: {"da": term.da, "en": term.en} for term in (*FOCUS_AREAS, *PARTNER_TYPES)}
    for row in body["results"]:
        for field in ("focus_area", "partner_type"):
            assert row[f"{field}_label"] == labels.get(row[field]), (row["id"], field)


def test_it_labels_the_codes_of_a_partnership_and_its_nested_lists(api, partnership):
    body = check(
        api.get(f"/api/v1/partnerships/{partnership['id']}/"),
        200,
        [
            *PARTNERSHIP,
            "regions",
            "governance_bodies.*.kind",
            "outputs.*.kind",
            "evaluations.*.kind",
        ],
    )
    assert body["regions_label"] == [{"da": "Region Hovedstaden", "en": "Capital Region of Denmark"}]
    assert body["outputs"][0]["kind_label"] == {"da": "Milepæl", "en": "Milestone"}


def test_it_labels_the_codes_of_a_partnership_update(api_as, secretariat, partnership):
    response = api_as(secretariat).patch(
        f"/api/v1/partnerships/{partnership['id']}/", {"status": "ended"}, format="json"
    )
    body = check(response, 200, PARTNERSHIP)
    assert body["status_label"] == {"da": "Afsluttet", "en": "Ended"}


def test_it_labels_the_codes_of_the_network(seeded, api):
    paths = [f"{part}.*.{field}" for part in ("nodes", "most_connected") for field in ("kind", "sector")]
    check(api.get("/api/v1/network/"), 200, paths)


def test_it_keeps_the_landscape_keyed_by_cbs_labels(seeded, api):
    """Issue 13 §4: the landscape's label-keyed counts stay as they are."""
    response = api.get("/api/v1/landscape/")
    assert response.status_code == 200
    assert set(response.json()["focus_areas"]) == {term.da for term in FOCUS_AREAS}


def test_it_labels_the_result_types_of_a_search(seeded, api):
    body = check(api.get("/api/v1/search/", {"q": "visir"}), 200, ["results.*.type"])
    assert {"da": "Partnerskab", "en": "Partnership"} in [r["type_label"] for r in body["results"]]


def test_it_labels_the_focus_areas_of_a_classification(db, api):
    response = api.post("/api/v1/classify/", {"text": "Vi producerer 5.000 ansigtsvisirer"}, format="json")
    body = check(response, 200, ["focus_area", "alternatives.*.focus_area"])
    assert len(body["alternatives"]) == len(FOCUS_AREAS)


def test_it_labels_the_codes_of_a_match(seeded, api):
    response = api.post(
        "/api/v1/match/",
        {"text": "Vi søger partnere til at teste borgere for covid-19", "region": "hovedstaden", "limit": 50},
        format="json",
    )
    body = check(
        response,
        200,
        [
            "focus_area",
            "results.*.organisation.kind",
            "results.*.organisation.sector",
            "results.*.organisation.region",
            "results.*.signals",
        ],
    )
    signals = {code for result in body["results"] for code in result["signals"]}
    assert {"text", "focus_area", "region"} <= signals
    assert all(isinstance(reason, str) for result in body["results"] for reason in result["reasons"])


def test_it_sends_both_languages_whatever_the_request_language(seeded, api):
    danish = api.get("/api/v1/organisations/", {"kind": "university"}).json()["results"][0]
    english = api.get("/api/v1/organisations/", {"kind": "university"}, HTTP_ACCEPT_LANGUAGE="en").json()
    assert (
        english["results"][0]["kind_label"]
        == danish["kind_label"]
        == {"da": "Universitet", "en": "University"}
    )


def test_it_documents_the_labels_in_the_openapi_schema(db, api):
    components = api.get("/api/v1/openapi.json").json()["components"]["schemas"]
    for name in ("OrganisationList", "OrganisationDetail", "Capacity", "Membership", "Partnership"):
        properties = components[name]["properties"]
        assert not [field for field in properties if field.endswith("_slug")], name
        for field in properties:
            if field.endswith("_label"):
                assert field.removesuffix("_label") in properties, (name, field)
                label = properties[field]
                items = label.get("items", label)
                assert items["properties"].keys() == {"da", "en"}, (name, field)


def test_it_lists_every_path_of_the_schema_in_docs_api(db, api):
    documented = API_DOC.read_text(encoding="utf-8")
    paths = api.get("/api/v1/openapi.json").json()["paths"]
    missing = [path for path in paths if f"`{path}`" not in documented]
    assert not missing, f"docs/api.md does not list: {missing}"
