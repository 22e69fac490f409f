"""POST /api/v1/match/, the matcher's filters and diversity, and suggested partners on
organisation pages."""

from __future__ import annotations

import re

import pytest

from videnbro.accounts.models import Role
from videnbro.core.audit import SYSTEM
from videnbro.matching.matcher import WEIGHTS, MatchRequest, match
from videnbro.partnerships.models import Participant
from videnbro.registry.models import Organisation
from videnbro.registry.services import capacity_add, organisation_create

URL = "/api/v1/match/"
VISOR_NEED = "Plejehjemmet mangler visirer til personalet"
TEST_NEED = "Vi søger partnere til at teste borgere for covid-19"


@pytest.fixture
def ask(seeded, api):
    def run(text: str, client=None, **fields) -> dict:
        response = (client or api).post(URL, {"text": text, **fields}, format="json")
        assert response.status_code == 200, response.content
        return response.json()

    return run


def keys(results: list[dict]) -> list[str]:
    by_id = dict(
        Organisation.objects.filter(pk__in=[r["organisation"]["id"] for r in results]).values_list(
            "pk", "key"
        )
    )
    return [by_id[r["organisation"]["id"]] for r in results]


def test_it_answers_with_organisations_scores_and_reasons(ask):
    body = ask(VISOR_NEED)

    assert set(body) == {"focus_area", "focus_area_label", "results"}
    assert body["focus_area"] == "ppe"
    assert body["focus_area_label"]["da"] == "Produktion af værnemidler/håndsprit"
    assert 0 < len(body["results"]) <= 10
    for result in body["results"]:
        assert {"id", "name", "kind", "sector", "region"} <= set(result["organisation"])
        organisation = Organisation.objects.get(pk=result["organisation"]["id"])
        assert result["organisation"]["name"] == organisation.name
        assert result["organisation"]["kind"] == organisation.kind
        assert result["organisation"]["sector"] == organisation.sector
        assert result["organisation"]["region"] == (
            organisation.region.slug if organisation.region_id else None
        )
        assert 0 < result["score"] <= 1
        assert result["reasons"]
        assert all(isinstance(r, str) and r.strip() for r in result["reasons"])
        assert result["signals"] and set(result["signals"]) <= set(WEIGHTS)
        assert len(result["signals_label"]) == len(result["signals"])


def test_it_finds_the_visor_makers_with_their_capacity_as_a_reason(ask):
    results = ask(VISOR_NEED)["results"]

    found = dict(zip(keys(results), results, strict=True))
    for key in ("makers-mod-corona", "smart-part-production"):
        assert key in found, keys(results)
        capacity_reasons = [r for r in found[key]["reasons"] if r.startswith("kapacitet: ")]
        assert capacity_reasons, found[key]["reasons"]
        assert any("visirer" in r for r in capacity_reasons)
    assert "kapacitet: 3.000 visirer pr. dag" in found["makers-mod-corona"]["reasons"]
    assert {"makers-mod-corona", "smart-part-production"} <= set(keys(results)[:3])


@pytest.mark.parametrize("text", [VISOR_NEED, TEST_NEED])
def test_it_orders_results_by_non_increasing_score(ask, text):
    scores = [r["score"] for r in ask(text, limit=50)["results"]]

    assert len(scores) > 5
    assert scores == sorted(scores, reverse=True)


def test_it_uses_the_given_focus_area_instead_of_the_classified_one(ask):
    body = ask(VISOR_NEED, focus_area="test")

    assert (body["focus_area"], body["focus_area_label"]["da"]) == ("test", "Test")
    assert any("inden for Test" in r for result in body["results"] for r in result["reasons"])


def test_it_keeps_only_public_organisations_when_asked_for_the_public_sector(ask):
    unfiltered = ask(TEST_NEED, limit=50)["results"]
    public = ask(TEST_NEED, limit=50, sectors=["public"])["results"]

    assert {r["organisation"]["sector"] for r in unfiltered} - {"public"}  # the filter has work
    assert public
    assert {r["organisation"]["sector"] for r in public} == {"public"}


def test_it_keeps_only_companies_when_asked_for_companies(ask):
    unfiltered = ask(VISOR_NEED, limit=50)["results"]
    companies = ask(VISOR_NEED, limit=50, kinds=["company"])["results"]

    assert {r["organisation"]["kind"] for r in unfiltered} - {"company"}
    assert companies
    assert {r["organisation"]["kind"] for r in companies} == {"company"}
    assert "smart-part-production" in keys(companies)
    assert "makers-mod-corona" not in keys(companies)  # a volunteer group


def test_it_excludes_organisations_in_other_regions_but_keeps_neighbours_and_unlocated(ask):
    unfiltered = ask(TEST_NEED, limit=50)["results"]
    in_region = ask(TEST_NEED, limit=50, region="hovedstaden")["results"]

    far = {"nordjylland", "midtjylland", "syddanmark"}
    assert {r["organisation"]["region"] for r in unfiltered} & far  # the filter has work
    regions = {r["organisation"]["region"] for r in in_region}
    assert regions <= {"hovedstaden", "sjaelland", None}
    assert "hovedstaden" in regions
    assert None in regions  # national organisations without a location are kept
    for result in in_region:
        if result["organisation"]["region"] == "hovedstaden":
            assert "ligger i Region Hovedstaden" in result["reasons"]
        if result["organisation"]["region"] == "sjaelland":
            assert "ligger i nabo-regionen Region Sjælland" in result["reasons"]


def test_it_gives_location_points_only_to_organisations_in_the_region(ask):
    """Same text, with and without region: in-region organisations gain 0.12."""
    plain = {r["organisation"]["id"]: r for r in ask(TEST_NEED, limit=50)["results"]}
    regional = ask(TEST_NEED, limit=50, region="hovedstaden")["results"]

    compared = 0
    for result in regional:
        before = plain.get(result["organisation"]["id"])
        if before is None:
            continue
        compared += 1
        bonus = {"hovedstaden": 0.12, "sjaelland": 0.06, None: 0}[result["organisation"]["region"]]
        assert result["score"] == pytest.approx(min(1.0, before["score"] + bonus), abs=1e-3)
    assert compared >= 3


@pytest.mark.parametrize("limit", [1, 3])
def test_it_respects_the_limit(ask, limit):
    assert len(ask(TEST_NEED, limit=limit)["results"]) == limit


def test_it_suggests_at_most_two_organisations_of_one_parent(ask):
    parent = organisation_create(actor=SYSTEM, name="Sygehuskoncernen Vestjylland", kind="other")

    def hospital(town: str, parent=None) -> int:
        created = organisation_create(
            actor=SYSTEM,
            name=f"Sygehus {town}",
            kind="hospital",
            parent=parent,
            description="Udlåner iltkoncentratorer til patienter, der behandles i eget hjem.",
        )
        capacity_add(actor=SYSTEM, organisation=created, item="iltkoncentratorer", quantity=40, unit="stk.")
        return created.pk

    in_group = [hospital(town, parent) for town in ("Lemvig", "Ringkøbing", "Struer", "Tarm")]
    independent = hospital("Thyborøn")

    results = ask("Vi mangler iltkoncentratorer til covid-patienter i hjemmet", limit=20)["results"]

    ids = [r["organisation"]["id"] for r in results]
    assert independent in ids  # the same evidence without a shared parent is suggested
    from_group = [r for r in results if r["organisation"]["id"] in in_group]
    assert len(from_group) == 2
    for result in [*from_group, results[ids.index(independent)]]:
        assert "kapacitet: 40 iltkoncentratorer i alt" in result["reasons"]
    parents = [Organisation.objects.get(pk=pk).parent_id or pk for pk in ids]
    assert max(parents.count(p) for p in parents) <= 2


def test_it_names_earlier_partners_of_the_asking_organisation(ask, api_as, make_user, org):
    novo = org("novo-nordisk")
    partners = set(
        Participant.objects.filter(partnership__participants__organisation=novo)
        .exclude(organisation=novo)
        .values_list("organisation_id", flat=True)
    )
    member = make_user(Role.ORGANISATION_MEMBER, organisation=novo)
    text = "Vi vil måle antistoffer og immunitet hos patienter efter covid-19"

    as_novo = ask(text, client=api_as(member), limit=20)["results"]
    anonymous = ask(text, limit=20)["results"]

    reason = "har tidligere samarbejdet med Novo Nordisk"
    with_history = [r for r in as_novo if reason in r["reasons"]]
    assert with_history
    assert {r["organisation"]["id"] for r in with_history} <= partners
    assert "rigshospitalet" in keys(with_history)
    assert novo.pk not in {r["organisation"]["id"] for r in as_novo}  # never itself
    assert not [r for r in anonymous if reason in r["reasons"]]
    score = {r["organisation"]["id"]: r["score"] for r in anonymous}
    for result in with_history:
        if result["organisation"]["id"] in score:
            assert result["score"] == pytest.approx(
                min(1.0, score[result["organisation"]["id"]] + 0.08), abs=1e-3
            )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("focus_area", "astrologi"),
        ("region", "skaane"),
        ("kinds", ["company", "rumskib"]),
        ("sectors", ["private"]),
        ("kinds", "company"),
        ("limit", 0),
        ("limit", 51),
        ("limit", "ti"),
    ],
)
def test_it_refuses_unknown_or_out_of_range_parameters(seeded, api, field, value):
    response = api.post(URL, {"text": VISOR_NEED, field: value}, format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert response.json()["errors"][field]


@pytest.mark.parametrize(
    "body",
    [{"text": ""}, {"text": "   "}, {}, {"text": "x" * 5001}],
    ids=["empty", "whitespace", "missing", "too-long"],
)
def test_it_refuses_empty_missing_or_over_long_text(seeded, api, body):
    response = api.post(URL, body, format="json")

    assert response.status_code == 400
    assert response.json()["errors"]["text"]


def test_it_refuses_a_body_that_is_not_json(seeded, api):
    response = api.post(URL, data="text=visirer", content_type="application/json")

    assert response.status_code == 400
    assert "errors" in response.json()


@pytest.mark.parametrize("text", ['"visir', "visir* NEAR sprit", "-test: OR AND NOT", "æøå ☃ 🦠"])
def test_it_treats_search_operators_and_any_unicode_as_text(ask, text):
    body = ask(text)

    assert isinstance(body["results"], list)


def test_it_refuses_the_same_bad_input_in_the_service(seeded):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        match(MatchRequest(text=" ", focus_area="x", region="y", kinds=["z"], sectors=["w"], limit=0))

    assert set(error.value.message_dict) == {"text", "focus_area", "region", "kinds", "sectors", "limit"}


# Suggested partners on organisation pages ------------------------------------------------


def suggested_keys(html: str) -> list[str]:
    return re.findall(r'href="/organisationer/([^/"]+)/"', html)


def test_it_suggests_partners_on_the_organisation_page_except_itself_and_its_partners(client, org):
    novo = org("novo-nordisk")
    partners = set(
        Participant.objects.filter(partnership__participants__organisation=novo).values_list(
            "organisation__key", flat=True
        )
    )
    assert {"rigshospitalet", "novo-nordisk-fonden"} <= partners

    response = client.get(f"/organisationer/{novo.key}/forslag/")

    assert response.status_code == 200
    suggested = suggested_keys(response.content.decode())
    assert suggested
    assert len(suggested) <= 6
    assert "novo-nordisk" not in suggested
    assert not set(suggested) & partners


def test_it_explains_each_suggestion_on_the_organisation_page(client, org):
    response = client.get("/organisationer/makers-mod-corona/forslag/")

    html = response.content.decode()
    assert response.status_code == 200
    assert suggested_keys(html)
    assert "makers-mod-corona" not in suggested_keys(html)
    assert html.count('class="muted"') == len(suggested_keys(html))  # one line of reasons each
    assert "tidligere partnerskab" in html or "partnerskab om lignende" in html


def test_it_answers_404_for_suggestions_to_an_unknown_organisation(client, seeded):
    assert client.get("/organisationer/findes-ikke/forslag/").status_code == 404
