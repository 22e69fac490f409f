"""GET /api/v1/landscape/: CBS's Figure 1 and 2 from live data, filters and bad input."""

import pytest
from django.db.models import Q

from videnbro.core.audit import SYSTEM
from videnbro.partnerships import services
from videnbro.partnerships.models import Partnership
from videnbro.partnerships.taxonomy import FOCUS_AREAS, PARTNER_TYPES
from videnbro.registry.models import Source

URL = "/api/v1/landscape/"

CBS_PARTNER_TYPES = {"Markedsaktører": 37, "Civilsamfundsaktører": 15, "Tværsektorielt samarbejde": 10}
CBS_FOCUS_AREAS = {
    "Produktion af værnemidler/håndsprit": 18,
    "Test": 4,
    "Vaccineforskning": 3,
    "Patientbehandling": 10,
    "Sundhedskommunikation": 7,
    "Hjælp til udsatte grupper": 9,
    "Arbejdskraft/organisering": 3,
    "Smittesporing": 6,
    "Sengepladser": 1,
    "Smittespredning": 1,
}


def get_ok(api, query: str) -> dict:
    response = api.get(f"{URL}?{query}")
    assert response.status_code == 200, response.content
    return response.json()


def assert_400(response, field: str) -> str:
    assert response.status_code == 400, response.content
    body = response.json()
    assert set(body) == {"errors"}, body
    (message,) = body["errors"][field]
    return message


def test_it_reproduces_all_13_cbs_counts(seeded, api):
    body = get_ok(api, "source=cbs-2020")
    assert body["total"] == 62
    assert body["partner_types"] == CBS_PARTNER_TYPES
    assert body["focus_areas"] == CBS_FOCUS_AREAS
    # Keys in CBS's order, exactly as CBS writes them.
    assert list(body["focus_areas"]) == [t.da for t in FOCUS_AREAS]
    assert sum(body["focus_areas"].values()) == sum(body["partner_types"].values()) == 62


def test_it_reproduces_figure_1_and_2_percentages(seeded, api):
    body = get_ok(api, "source=cbs-2020")
    assert round(100 * body["partner_types"]["Markedsaktører"] / body["total"]) == 60
    assert round(100 * body["focus_areas"]["Produktion af værnemidler/håndsprit"] / body["total"]) == 29


def test_it_answers_with_english_keys_for_lang_en(seeded, api):
    body = get_ok(api, "source=cbs-2020&lang=en")
    assert body["total"] == 62
    assert body["partner_types"] == {
        "Market actors": 37,
        "Civil-society actors": 15,
        "Cross-sector collaboration": 10,
    }
    assert set(body["focus_areas"]) == {t.en for t in FOCUS_AREAS}
    assert body["focus_areas"]["Production of protective equipment/hand sanitiser"] == 18
    assert body["labels"]["focus_areas"]["ppe"] == {
        "da": "Produktion af værnemidler/håndsprit",
        "en": "Production of protective equipment/hand sanitiser",
    }


def test_it_counts_every_partnership_without_a_source_filter(seeded, api):
    body = get_ok(api, "")
    assert body["total"] == 68
    assert sum(body["partner_types"].values()) + body["unclassified"]["partner_type"] == 68
    assert sum(body["focus_areas"].values()) + body["unclassified"]["focus_area"] == 68


@pytest.mark.parametrize(
    "value",
    ["ppe", "Produktion af værnemidler/håndsprit", "production of protective equipment/hand sanitiser"],
)
def test_it_filters_by_focus_area(seeded, api, value):
    body = get_ok(api, f"source=cbs-2020&focus_area={value}")
    assert body["total"] == 18
    assert body["focus_areas"]["Produktion af værnemidler/håndsprit"] == 18
    assert body["focus_areas"]["Test"] == 0


@pytest.mark.parametrize("value", ["market", "Markedsaktører"])
def test_it_filters_by_partner_type(seeded, api, value):
    body = get_ok(api, f"source=cbs-2020&partner_type={value}")
    assert body["total"] == 37
    assert body["partner_types"] == {
        "Markedsaktører": 37,
        "Civilsamfundsaktører": 0,
        "Tværsektorielt samarbejde": 0,
    }


def test_it_filters_by_status(seeded, api):
    active = Partnership.objects.filter(status="active").count()
    assert 0 < active < 68
    assert get_ok(api, "status=active")["total"] == active
    assert get_ok(api, "status=ended")["total"] == 68 - active
    assert get_ok(api, "source=cbs-2020&status=active")["total"] == 0


def test_it_filters_by_region_through_participants_and_geography(seeded, api):
    body = get_ok(api, "source=cbs-2020&region=hovedstaden")
    expected = (
        Partnership.objects.exclude(cbs_number=None)
        .filter(participants__organisation__region__slug="hovedstaden")
        .distinct()
        .count()
    )
    assert 0 < body["total"] == expected < 62
    everywhere = (
        Partnership.objects.filter(
            Q(regions__slug="hovedstaden") | Q(participants__organisation__region__slug="hovedstaden")
        )
        .distinct()
        .count()
    )
    assert get_ok(api, "region=hovedstaden")["total"] == everywhere > expected
    assert get_ok(api, "source=cbs-2020&region=nordjylland")["total"] < expected


def test_it_filters_by_organisation_key_and_id(seeded, api, org):
    by_key = get_ok(api, "source=cbs-2020&organisation=novo-nordisk")
    by_id = get_ok(api, f"source=cbs-2020&organisation={org('novo-nordisk').pk}")
    assert by_key == by_id
    assert by_key["total"] == 6  # CBS #18, 27, 52, 53, 54, 56
    assert by_key["focus_areas"]["Test"] == 3


@pytest.mark.parametrize(
    ("query", "field", "allowed"),
    [
        (
            "focus_area=nope",
            "focus_area",
            ["ppe (Produktion af værnemidler/håndsprit)", "spread_of_infection (Smittespredning)"],
        ),
        (
            "partner_type=nope",
            "partner_type",
            [
                "market (Markedsaktører)",
                "civil_society (Civilsamfundsaktører)",
                "cross_sector (Tværsektorielt samarbejde)",
            ],
        ),
        ("source=nope", "source", ["cbs-2020", "drl-2019"]),
    ],
)
def test_it_lists_the_allowed_values_for_an_unknown_filter_value(seeded, api, query, field, allowed):
    message = assert_400(api.get(f"{URL}?{query}"), field)
    assert "»nope«" in message
    for value in allowed:
        assert value in message


def test_it_lists_every_focus_area_when_one_is_unknown(seeded, api):
    message = assert_400(api.get(f"{URL}?focus_area=Vaccine"), "focus_area")
    for term in FOCUS_AREAS:
        assert f"{term.slug} ({term.da})" in message
    assert all(t.slug in assert_400(api.get(f"{URL}?partner_type=x"), "partner_type") for t in PARTNER_TYPES)


def test_it_refuses_an_unknown_language(seeded, api):
    message = assert_400(api.get(f"{URL}?lang=xx"), "lang")
    assert "da" in message and "en" in message


def test_it_refuses_an_unknown_status_region_and_organisation(seeded, api):
    assert_400(api.get(f"{URL}?status=paused"), "status")
    assert_400(api.get(f"{URL}?region=skaane"), "region")
    assert "ingen-saadan" in assert_400(api.get(f"{URL}?organisation=ingen-saadan"), "organisation")


def test_it_counts_live_data(seeded, api):
    before = get_ok(api, "source=cbs-2020")
    services.partnership_create(
        actor=SYSTEM,
        title="Nyt værnemiddelsamarbejde",
        focus_area="ppe",
        participants=[services.ParticipantInput(name="Grundfos")],
        sources=[{"source": Source.objects.get(code="cbs-2020"), "source_page": "99"}],
    )
    after = get_ok(api, "source=cbs-2020")
    assert after["total"] == before["total"] + 1 == 63
    assert after["focus_areas"]["Produktion af værnemidler/håndsprit"] == 19
    assert after["partner_types"]["Markedsaktører"] == 38
    assert get_ok(api, "")["total"] == 69
