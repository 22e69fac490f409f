"""The evaluation of an incident: offers per (Danish) day, time to first triage, acceptance and
fulfilment rates, contributors and focus areas – as figures, the API, a PDF and a workbook."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from videnbro.crisis.models import Incident, Offer
from videnbro.crisis.report import evaluate, render_pdf, render_xlsx

CPH = ZoneInfo("Europe/Copenhagen")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in March 2026, Danish time."""
    return datetime(2026, 3, day, hour, minute, tzinfo=CPH)


@pytest.fixture
def history(incident, need, submit, org):
    """Six offers to the incident over three days, in every outcome."""
    plan = [  # created, status, hours to first triage, offerer
        (at(2, 9), "accepted", 2, "Statens Serum Institut"),
        (at(2, 23, 30), "fulfilled", 4, "Statens Serum Institut"),
        (at(3, 0, 30), "declined", 10, "Grundfos"),  # after midnight in Denmark, 23:30 UTC
        (at(4, 12), "accepted", 6, "Grundfos"),
        (at(4, 13), "new", None, "Grundfos"),
        (at(4, 14), "withdrawn", None, "Ukendt Værksted ApS"),
    ]
    offers = []
    for created, status, hours, offerer in plan:
        offer = submit(for_need=need, offerer_name=offerer)
        Offer.objects.filter(pk=offer.pk).update(
            created=created,
            status=status,
            first_triaged_at=created + timedelta(hours=hours) if hours else None,
            organisation=org("statens-serum-institut")
            if offerer.startswith("Statens")
            else org("grundfos")
            if offerer == "Grundfos"
            else None,
            category="ppe" if offerer != "Grundfos" else "test",
        )
        offers.append(offer)
    return offers


def test_it_counts_offers_per_danish_day_including_empty_days(history, incident):
    ev = evaluate(incident)
    assert ev.offers_total == 6
    assert ev.offers_per_day == [(date(2026, 3, 2), 2), (date(2026, 3, 3), 1), (date(2026, 3, 4), 3)]


def test_it_computes_acceptance_and_fulfilment_rates(history, incident):
    ev = evaluate(incident)
    assert ev.by_status == {"accepted": 2, "fulfilled": 1, "declined": 1, "new": 1, "withdrawn": 1}
    assert ev.acceptance_rate == 0.75  # accepted or fulfilled (3) of decided (4)
    assert ev.fulfilment_rate == 0.333  # fulfilled (1) of accepted or fulfilled (3)
    assert ev.untriaged == 1  # the new one; a withdrawn offer is not waiting
    assert ev.median_hours_to_first_triage == 5.0
    assert ev.p90_hours_to_first_triage == 10.0


def test_it_ranks_contributors_and_focus_areas(history, incident):
    ev = evaluate(incident)
    assert ev.top_organisations[0] == ("Statens Serum Institut", 2, 2)
    assert ev.top_organisations[1] == ("Grundfos", 3, 1)
    assert set(ev.by_focus_area) == {("Test", 3, 1), ("Produktion af værnemidler/håndsprit", 3, 2)}
    assert ev.needs_total == 1


def test_it_an_incident_without_offers_has_no_rates(incident):
    ev = evaluate(incident)
    assert (
        ev.offers_total,
        ev.offers_per_day,
        ev.acceptance_rate,
        ev.fulfilment_rate,
        ev.median_hours_to_first_triage,
    ) == (0, [], None, None, None)


def test_it_the_seeded_covid_evaluation_counts_its_62_partnerships(db):
    incident = Incident.objects.get(key="covid-19-foerste-boelge-2020")
    ev = evaluate(incident)
    assert ev.partnerships_total == 62
    assert sum(n for _area, n in ev.partnerships_by_focus_area) == 62
    assert sum(n for _type, n in ev.partnerships_by_partner_type) == 62


def test_it_the_evaluation_through_the_api(api, history, incident):
    response = api.get(f"/api/v1/incidents/{incident.pk}/evaluation/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["offers_total"] == 6
    assert body["offers_per_day"] == [
        {"date": "2026-03-02", "offers": 2},
        {"date": "2026-03-03", "offers": 1},
        {"date": "2026-03-04", "offers": 3},
    ]
    assert (body["acceptance_rate"], body["fulfilment_rate"]) == (0.75, 0.333)
    # Coded values as code plus {da, en} labels (issue 13 §4).
    by_area = {row["focus_area"]: row for row in body["by_focus_area"]}
    assert set(by_area) == {"test", "ppe"}
    assert (by_area["test"]["offers"], by_area["test"]["accepted"]) == (3, 1)
    assert by_area["ppe"]["focus_area_label"]["da"] == "Produktion af værnemidler/håndsprit"
    assert by_area["ppe"]["focus_area_label"]["en"] != by_area["ppe"]["focus_area_label"]["da"]
    assert set(body["by_status_label"]) == set(body["by_status"])


def test_it_the_evaluation_as_pdf_and_workbook(history, incident):
    ev = evaluate(incident)
    pdf = render_pdf(ev)
    assert pdf.startswith(b"%PDF")
    book = load_workbook(io.BytesIO(render_xlsx(ev)))
    figures = {row[0]: row[1] for row in book.worksheets[0].values}
    assert figures["Tilbud modtaget"] == 6
    assert figures["Acceptrate"] == 0.75
    per_day = list(book.worksheets[1].values)
    assert per_day[1:] == [("2026-03-02", 2), ("2026-03-03", 1), ("2026-03-04", 3)]
