"""The /api/v1/partnerships/ and /api/v1/network/ contract: envelopes, filters, writes,
permissions, errors and query counts."""

import pytest

from videnbro.accounts.models import Role
from videnbro.core.models import AuditLog
from videnbro.partnerships import services
from videnbro.partnerships.models import Participant, Partnership
from videnbro.partnerships.taxonomy import FOCUS_AREAS

LIST = "/api/v1/partnerships/"
NETWORK = "/api/v1/network/"
RESULT_FIELDS = {
    "id",
    "cbs_number",
    "title",
    "focus_area",
    "partner_type",
    "participants",
    "period",
    "status",
    "sources",
}


def detail_url(partnership) -> str:
    return f"{LIST}{partnership.pk}/"


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.content
    return response.json()


def cbs_numbers(api, query: str) -> list[int | None]:
    body = ok(api.get(f"{LIST}?{query}&page_size=200"))
    assert body["next"] is None
    return [row["cbs_number"] for row in body["results"]]


def written() -> tuple[int, int, int]:
    return Partnership.objects.count(), Participant.objects.count(), AuditLog.objects.count()


def test_it_lists_the_cbs_partnerships_in_the_pagination_envelope(seeded, api):
    body = ok(api.get(f"{LIST}?source=cbs-2020"))
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 62
    assert body["previous"] is None
    assert "page=2" in body["next"] and "source=cbs-2020" in body["next"]
    assert [row["cbs_number"] for row in body["results"]] == list(range(1, 26))
    for row in body["results"]:
        assert RESULT_FIELDS <= set(row)
    last = ok(api.get(body["next"].replace("page=2", "page=3")))
    assert [row["cbs_number"] for row in last["results"]] == list(range(51, 63))
    assert last["next"] is None


def test_it_serialises_a_cbs_partnership_as_users_read_it(cbs, api):
    row = ok(api.get(f"{LIST}?source=cbs-2020"))["results"][0]
    number_1 = cbs(1)
    assert row["id"] == number_1.pk
    assert row["cbs_number"] == 1
    assert row["title"] == "Omstilling af industriproduktion til værnemidler"
    assert row["focus_area"] == "ppe"
    assert row["focus_area_label"] == {
        "da": "Produktion af værnemidler/håndsprit",
        "en": "Production of protective equipment/hand sanitiser",
    }
    assert row["partner_type"] == "market"
    assert row["partner_type_label"] == {"da": "Markedsaktører", "en": "Market actors"}
    assert "focus_area_slug" not in row and "partner_type_slug" not in row
    (participant,) = row["participants"]
    assert participant["organisation"]["name"] == "Dansk Industri"
    assert participant["organisation"]["id"] == number_1.participants.get().organisation_id
    assert participant["role"] == "partner"
    assert participant["note"] == "43 virksomheder"
    assert row["period"] == {
        "start": None,
        "start_precision": "day",
        "end": None,
        "end_precision": "day",
        "label": None,
    }
    assert row["status"] == "ended"
    (source,) = row["sources"]
    assert source["code"] == "cbs-2020"
    assert source["page"] == "13"


def test_it_serialises_the_focus_area_of_every_cbs_row_as_the_slug_with_the_cbs_label(seeded, api):
    body = ok(api.get(f"{LIST}?source=cbs-2020&page_size=200"))
    labels = {t.slug: t.da for t in FOCUS_AREAS}
    assert len(body["results"]) == 62
    assert all(row["focus_area_label"]["da"] == labels[row["focus_area"]] for row in body["results"])
    assert {row["partner_type"] for row in body["results"]} == {"market", "civil_society", "cross_sector"}
    assert {row["partner_type_label"]["da"] for row in body["results"]} == {
        "Markedsaktører",
        "Civilsamfundsaktører",
        "Tværsektorielt samarbejde",
    }


def test_it_searches_titles_descriptions_and_participant_names(seeded, api):
    assert cbs_numbers(api, "q=Makers Mod Corona") == [3]
    assert 54 in cbs_numbers(api, "q=Testcenter")
    assert cbs_numbers(api, "source=cbs-2020&q=Novo Nordisk Fonden") == [54]
    assert cbs_numbers(api, "q=zzzqqq-findes-ikke") == []


@pytest.mark.parametrize("value", ["test", "Test", "Testing"])
def test_it_filters_by_focus_area_slug_and_label(seeded, api, value):
    numbers = cbs_numbers(api, f"focus_area={value}")
    assert len(numbers) == 4
    assert 54 in numbers and 52 in numbers


def test_it_filters_by_partner_type(seeded, api):
    assert len(cbs_numbers(api, "source=cbs-2020&partner_type=civil_society")) == 15
    assert len(cbs_numbers(api, "source=cbs-2020&partner_type=Tværsektorielt samarbejde")) == 10


def test_it_filters_by_organisation_id_and_key(seeded, api, org):
    expected = [None, None, 18, 27, 52, 53, 54, 56]
    assert sorted(cbs_numbers(api, "organisation=novo-nordisk"), key=lambda n: n or 0) == expected
    by_id = cbs_numbers(api, f"organisation={org('novo-nordisk').pk}")
    assert sorted(by_id, key=lambda n: n or 0) == expected
    assert cbs_numbers(api, "organisation=novo-nordisk-fonden") == [54]


def test_it_filters_by_status(seeded, api):
    active = cbs_numbers(api, "status=active")
    assert len(active) == Partnership.objects.filter(status="active").count() > 0
    assert set(active) == {None}
    assert len(cbs_numbers(api, "status=ended&source=cbs-2020")) == 62


def test_it_answers_400_with_allowed_values_for_an_unknown_focus_area_filter(seeded, api):
    body = ok(api.get(f"{LIST}?focus_area=nope"), 400)
    (message,) = body["errors"]["focus_area"]
    assert "ppe (Produktion af værnemidler/håndsprit)" in message


def test_it_shows_governance_contributions_outputs_and_evaluations_in_the_detail(
    partnership, api, authority_staff
):
    drl = partnership("data-redder-liv")
    services.evaluation_add(
        actor=authority_staff,
        partnership=drl,
        kind="process",
        date="2020-06-01",
        method="Interviews med partnerne",
        findings="God forankring.",
        rating=4,
    )
    body = ok(api.get(detail_url(drl)))
    assert RESULT_FIELDS <= set(body)
    kinds = {b["kind"] for b in body["governance_bodies"]}
    assert kinds == {"steering_group", "working_group", "reference_group", "expert_group", "secretariat"}
    secretariat = next(b for b in body["governance_bodies"] if b["kind"] == "secretariat")
    assert [m["name"] for m in secretariat["members"]] == ["Copenhagen Healthtech Cluster"]
    assert len(body["contributions"]) == drl.contributions.count() > 0
    assert len(body["outputs"]) == drl.outputs.count() > 0
    assert body["evaluations"] == [
        {
            "kind": "process",
            "kind_label": {"da": "Procesevaluering", "en": "Process evaluation"},
            "date": "2020-06-01",
            "method": "Interviews med partnerne",
            "findings": "God forankring.",
            "rating": 4,
        }
    ]


def test_it_creates_a_partnership_with_participants_by_name(seeded, api_as, secretariat, org):
    response = api_as(secretariat).post(
        LIST,
        {
            "title": "Håndsprit til plejehjem",
            "focus_area": "Produktion af værnemidler/håndsprit",
            "participants": [{"name": "Grundfoss"}, {"name": "Novo Nordisk A/S", "role": "funder"}],
            "start": "2020-04-01",
            "end": "2020-09-30",
        },
        format="json",
    )
    body = ok(response, 201)
    assert body["focus_area"] == "ppe"
    assert body["partner_type"] == "market"
    assert body["partner_type_origin"] == "suggested"
    assert [(p["organisation"]["id"], p["role"]) for p in body["participants"]] == [
        (org("grundfos").pk, "partner"),
        (org("novo-nordisk").pk, "funder"),
    ]
    assert body["period"] == {
        "start": "2020-04-01",
        "start_precision": "day",
        "end": "2020-09-30",
        "end_precision": "day",
        "label": {"da": "1. april 2020 – 30. september 2020", "en": "1. April 2020 – 30. September 2020"},
    }
    created = Partnership.objects.get(pk=body["id"])
    assert created.title == "Håndsprit til plejehjem"
    assert AuditLog.objects.filter(
        action="partnerships.partnership.created", object_id=str(created.pk), actor=secretariat
    ).exists()


def test_it_keeps_a_partner_type_given_in_the_request(seeded, api_as, secretariat):
    body = ok(
        api_as(secretariat).post(
            LIST,
            {
                "title": "Manuelt kodet",
                "partner_type": "civil_society",
                "participants": [{"name": "Grundfos"}],
            },
            format="json",
        ),
        201,
    )
    assert (body["partner_type"], body["partner_type_origin"]) == ("civil_society", "manual")


def test_it_answers_400_with_candidates_for_an_unresolvable_name(seeded, api_as, secretariat):
    client = api_as(secretariat)
    before = written()
    response = client.post(
        LIST,
        {"title": "Uklart partnerskab", "participants": [{"name": "Grundfos"}, {"name": "Region"}]},
        format="json",
    )
    body = ok(response, 400)
    assert set(body) == {"errors", "unresolved"}
    assert "Region" in body["errors"]["participants"][0]
    (unresolved,) = body["unresolved"]
    assert unresolved["name"] == "Region"
    candidates = [c["name"] for c in unresolved["candidates"]]
    assert "Region Hovedstaden" in candidates
    assert all(isinstance(c["id"], int) for c in unresolved["candidates"])
    assert written() == before


def test_it_answers_400_listing_allowed_values_for_an_unknown_focus_area(seeded, api_as, secretariat):
    client = api_as(secretariat)
    before = written()
    body = ok(client.post(LIST, {"title": "X", "focus_area": "nope"}, format="json"), 400)
    (message,) = body["errors"]["focus_area"]
    assert "»nope«" in message
    for term in FOCUS_AREAS:
        assert f"{term.slug} ({term.da})" in message
    body = ok(client.post(LIST, {"title": "X", "partner_type": "nope"}, format="json"), 400)
    assert "market (Markedsaktører)" in body["errors"]["partner_type"][0]
    assert written() == before


def test_it_answers_400_for_an_end_before_the_start(seeded, api_as, secretariat):
    client = api_as(secretariat)
    before = written()
    body = ok(
        client.post(LIST, {"title": "X", "start": "2021-02-01", "end": "2021-01-01"}, format="json"), 400
    )
    assert body["errors"]["end"]
    assert written() == before


def test_it_refuses_an_anonymous_post(seeded, api):
    before = written()
    response = api.post(LIST, {"title": "Anonym"}, format="json")
    assert response.status_code in (401, 403)
    assert "errors" in response.json()
    assert written() == before


def test_it_refuses_a_post_by_a_user_without_organisation(seeded, api_as, make_user):
    response = api_as(make_user(Role.ORGANISATION_MEMBER)).post(
        LIST, {"title": "Uden organisation"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["errors"]


def test_it_lets_a_participant_patch_and_refuses_a_non_participant(
    cbs, api_as, make_user, org, grundfos_member
):
    number_54 = cbs(54)
    response = api_as(grundfos_member).patch(detail_url(number_54), {"title": "Kapret"}, format="json")
    assert response.status_code == 403
    assert response.json()["errors"]
    assert cbs(54).title == "Testcenter Danmark"
    novo = make_user(Role.ORGANISATION_MEMBER, organisation=org("novo-nordisk"))
    body = ok(api_as(novo).patch(detail_url(number_54), {"status": "active"}, format="json"))
    assert body["status"] == "active"
    assert cbs(54).status == "active"


def test_it_keeps_the_cbs_source_and_coding_when_a_cbs_record_is_patched(cbs, api_as, secretariat):
    number_54 = cbs(54)
    history = number_54.history.count()
    body = ok(
        api_as(secretariat).patch(
            detail_url(number_54),
            {
                "participants": [
                    {"name": "Novo Nordisk", "role": "partner"},
                    {"name": "Dansk Røde Kors", "role": "partner"},
                ]
            },
            format="json",
        )
    )
    assert [p["organisation"]["name"] for p in body["participants"]] == ["Novo Nordisk", "Dansk Røde Kors"]
    assert body["partner_type"] == "market"
    assert body["partner_type_origin"] == "source"
    assert [s["code"] for s in body["sources"]] == ["cbs-2020"]
    assert body["cbs_number"] == 54
    assert cbs(54).history.count() > history


def test_it_defaults_the_participant_role_to_partner_on_patch(cbs, api_as, secretariat):
    response = api_as(secretariat).patch(
        detail_url(cbs(54)),
        {"participants": [{"name": "Novo Nordisk"}, {"name": "Dansk Røde Kors"}]},
        format="json",
    )
    body = ok(response)
    assert [(p["organisation"]["name"], p["role"]) for p in body["participants"]] == [
        ("Novo Nordisk", "partner"),
        ("Dansk Røde Kors", "partner"),
    ]


@pytest.mark.parametrize("method", ["get", "patch"])
def test_it_answers_404_in_the_envelope_for_a_non_numeric_id(seeded, api_as, secretariat, method):
    client = api_as(secretariat)
    response = getattr(client, method)(
        f"{LIST}abc/", {"title": "x"} if method == "patch" else None, format="json"
    )
    assert response.status_code == 404
    assert set(response.json()) == {"errors"}
    assert response.json()["errors"]["detail"]


def test_it_answers_404_for_a_missing_id(seeded, api):
    response = api.get(f"{LIST}999999/")
    assert response.status_code == 404
    assert set(response.json()) == {"errors"}


def test_it_returns_the_collaboration_network_for_a_focus_area(seeded, api):
    body = ok(api.get(f"{NETWORK}?focus_area=ppe"))
    nodes, edges = body["nodes"], body["edges"]
    assert nodes and edges
    ppe_organisations = set(
        Participant.objects.filter(partnership__focus_area="ppe").values_list("organisation_id", flat=True)
    )
    assert {n["id"] for n in nodes} == ppe_organisations
    degree = {n["id"]: 0 for n in nodes}
    for edge in edges:
        assert {"source", "target", "weight"} <= set(edge) and edge["weight"] >= 1
        degree[edge["source"]] += 1
        degree[edge["target"]] += 1
    for node in nodes:
        assert {"id", "name", "degree", "betweenness", "partnerships"} <= set(node)
        assert node["degree"] == degree[node["id"]]
        assert 0 <= node["betweenness"] <= 1
    ranked = [n["degree"] for n in body["most_connected"]]
    assert ranked == sorted(ranked, reverse=True)
    assert ranked[0] == max(degree.values())
    assert body["stats"] == {
        "nodes": len(nodes),
        "edges": len(edges),
        "components": body["stats"]["components"],
        "betweenness_exact": True,
    }


def test_it_shows_shared_partnerships_as_edges_in_the_network(seeded, api, org):
    body = ok(api.get(f"{NETWORK}?organisation=novo-nordisk-fonden"))
    ids = {org("novo-nordisk").pk, org("novo-nordisk-fonden").pk}
    assert {n["id"] for n in body["nodes"]} == ids
    (edge,) = body["edges"]
    assert {edge["source"], edge["target"]} == ids and edge["weight"] == 1
    assert all(n["degree"] == 1 for n in body["nodes"])


def test_it_answers_400_for_an_unknown_network_focus_area(seeded, api):
    body = ok(api.get(f"{NETWORK}?focus_area=nope"), 400)
    assert "ppe" in body["errors"]["focus_area"][0]


def test_it_answers_400_for_a_non_ascii_digit_organisation(seeded, api):
    api.raise_request_exception = False
    response = api.get(f"{LIST}?organisation=²")
    assert response.status_code == 400
    assert "²" in response.json()["errors"]["organisation"][0]


def test_it_answers_readable_messages_for_an_invalid_participant(seeded, api_as, secretariat):
    response = api_as(secretariat).post(
        LIST, {"title": "X", "participants": [{"name": "Grundfos", "role": "boss"}]}, format="json"
    )
    body = ok(response, 400)
    messages = " ".join(body["errors"]["participants"])
    assert "boss" in messages
    assert "ErrorDetail" not in messages and "{0:" not in messages
