"""The three-frame capacity overview: a registered capacity lands in "own" (the authority and
its units), "partners" (organisations in an active partnership with it) or "society"
(everyone else), offers and volunteers are counted where they belong, and the needed
quantity is the sum of the authority's open needs."""

from __future__ import annotations

from decimal import Decimal

import pytest

from videnbro.core.audit import SYSTEM
from videnbro.crisis import services
from videnbro.crisis.frames import capacity_frames, frames_chart, own_units
from videnbro.crisis.models import Offer
from videnbro.crisis.signing import offer_token
from videnbro.partnerships.models import Participant, Partnership, Status
from videnbro.registry.models import Capacity, Kind
from videnbro.registry.services import contact_add, organisation_create

from .factories import need_data

VISORS_PER_DAY = ("stk.", "day")


def new_company(name: str):
    # Registered contact persons, so offers from their addresses are attributed to it (not an
    # unverified claim); an address merely in the website's domain would not be enough.
    domain = name.split()[0].lower() + ".example"
    company = organisation_create(actor=SYSTEM, name=name, kind=Kind.COMPANY, website=f"https://www.{domain}")
    for mailbox in ("salg", "info"):
        contact_add(actor=SYSTEM, organisation=company, name=mailbox.title(), email=f"{mailbox}@{domain}")
    return company


def partnership_with(authority, partner, status: str, key: str) -> Partnership:
    partnership = Partnership.objects.create(
        key=key, title=f"Partnerskab {key}", status=status, focus_area="ppe"
    )
    Participant.objects.create(partnership=partnership, organisation=authority, role="authority")
    Participant.objects.create(partnership=partnership, organisation=partner, role="partner", position=1)
    return partnership


def totals(overview) -> dict[str, Decimal]:
    return {f.slug: f.totals.get(VISORS_PER_DAY, Decimal(0)) for f in overview.frames}


def entries(overview) -> dict[str, set[str]]:
    return {f.slug: {e.organisation for e in f.entries} for f in overview.frames}


@pytest.fixture
def landscape(org):
    """Region Hovedstaden, an active partner, a former partner and an unrelated company."""
    authority = org("region-hovedstaden")
    partner = new_company("Visirpartner Hovedstaden ApS")
    former = new_company("Tidligere Visirpartner ApS")
    stranger = new_company("Visirer fra Vest A/S")
    partnership_with(authority, partner, Status.ACTIVE, "test-visir-aktiv")
    partnership_with(authority, former, Status.ENDED, "test-visir-afsluttet")
    return {"authority": authority, "partner": partner, "former": former, "stranger": stranger}


def test_it_own_units_are_the_authority_and_its_descendants(org):
    units = own_units(org("region-hovedstaden"))
    assert {org("region-hovedstaden").pk, org("rigshospitalet").pk} <= units
    assert org("region-sjaelland").pk not in units
    assert org("sundhedsstyrelsen").pk not in units


def test_it_each_capacity_lands_in_its_frame(landscape, org):
    authority = landscape["authority"]
    before = totals(capacity_frames(authority, item="visors"))
    for owner, quantity in (
        (org("rigshospitalet"), 100),
        (landscape["partner"], 200),
        (landscape["former"], 400),
        (landscape["stranger"], 800),
    ):
        Capacity.objects.create(
            organisation=owner, item="ansigtsvisirer", quantity=quantity, unit="stk.", per_period="day"
        )
    Capacity.objects.create(
        organisation=landscape["partner"], item="gummihandsker", quantity=10**6, unit="stk.", per_period="day"
    )  # another item
    overview = capacity_frames(authority, item="visors")
    after = totals(overview)
    assert {slug: after[slug] - before[slug] for slug in after} == {
        "own": 100,
        "partners": 200,
        "society": 1200,
    }
    placed = entries(overview)
    assert "Rigshospitalet" in placed["own"]
    assert "Visirpartner Hovedstaden ApS" in placed["partners"]
    assert {"Tidligere Visirpartner ApS", "Visirer fra Vest A/S"} <= placed["society"]
    assert "Visirpartner Hovedstaden ApS" not in placed["society"]
    assert landscape["partner"].pk in overview.frames[1].organisations


def test_it_the_frames_depend_on_whose_overview_it_is(landscape, org):
    Capacity.objects.create(
        organisation=landscape["partner"], item="visirer", quantity=50, unit="stk.", per_period="day"
    )
    placed = entries(capacity_frames(org("region-sjaelland"), item="visors"))
    assert "Visirpartner Hovedstaden ApS" in placed["society"]
    assert "Visirpartner Hovedstaden ApS" not in placed["partners"]


def test_it_open_offers_count_in_the_frame_of_their_organisation(landscape, processed, need):
    authority = landscape["authority"]
    before = totals(capacity_frames(authority, item="visors"))
    from_partner = processed(
        offerer_name="Visirpartner Hovedstaden ApS", quantity="300", contact_email="salg@visirpartner.example"
    )
    from_stranger = processed(
        offerer_name="Visirer fra Vest A/S", quantity="700", contact_email="salg@visirer.example"
    )
    withdrawn = processed(
        offerer_name="Visirer fra Vest A/S",
        quantity="5000",
        title="Endnu flere visirer",
        description="Visirer i store mængder.",
        contact_email="info@visirer.example",
    )
    services.offer_withdraw(offer=withdrawn, token=offer_token(withdrawn))
    assert from_partner.organisation == landscape["partner"]
    assert from_stranger.organisation == landscape["stranger"]
    overview = capacity_frames(authority, item="visors")
    after = totals(overview)
    assert {slug: after[slug] - before[slug] for slug in after} == {"own": 0, "partners": 300, "society": 700}
    texts = {e.text for f in overview.frames for e in f.entries if e.kind == "offer"}
    assert f"{from_partner.reference}: {from_partner.title}" in texts
    assert not any(withdrawn.reference in text for text in texts)


def test_it_the_needed_quantity_sums_the_authoritys_open_needs(
    make_need, platform_admin, incident, org, staff_of
):
    authority = org("region-hovedstaden")
    make_need(quantity="5000", unit="stk.", per_period="total")
    make_need(quantity="1000", unit="Stk.", per_period="total")
    make_need(quantity="300", unit="stk.", per_period="day")
    make_need(quantity="99999", unit="stk.", per_period="total", publish=False)  # a draft
    services.need_create(
        actor=platform_admin,
        owner=org("rigshospitalet"),
        data=need_data(incident, quantity="250", unit="stk."),
    )
    services.need_create(
        actor=staff_of("sundhedsstyrelsen"),  # another authority's
        data=need_data(incident, quantity="77777", unit="stk."),
    )
    make_need(item="masks", quantity="12345", unit="stk.")  # another item
    overview = capacity_frames(authority, item="visors")
    assert overview.needed == {("stk.", "total"): Decimal(6250), ("stk.", "day"): Decimal(300)}
    assert overview.units[0] == ("stk.", "total")  # the most needed first
    by_category = capacity_frames(authority, category="ppe")
    assert by_category.needed[("stk.", "total")] == Decimal(6250 + 12345)


def test_it_volunteers_count_as_untapped_staff_in_the_authoritys_region(org, db):
    authority = org("region-hovedstaden")
    base = {"name": "Frivillig", "email": "f@example.dk", "consent": True, "travel_radius_km": "10"}
    for municipality, skills, authorised in (
        ("101", ["nurse"], True),
        ("147", ["general"], False),
        ("101", ["doctor"], False),  # not authorised
        ("751", ["nurse"], True),
    ):  # another region
        services.volunteer_register(
            data={
                **base,
                "municipality": municipality,
                "skills": skills,
                "has_danish_authorisation": authorised,
            }
        )
    overview = capacity_frames(authority, item="staff")
    society = overview.frames[2]
    assert society.volunteers == 2
    assert capacity_frames(authority, item="visors").frames[2].volunteers == 0


def test_it_frames_through_the_api_show_the_totals(api_as, rh_staff, landscape, make_need):
    make_need(quantity="5000", unit="stk.", per_period="day")
    Capacity.objects.create(
        organisation=landscape["partner"], item="visirer", quantity=200, unit="stk.", per_period="day"
    )
    body = api_as(rh_staff).get("/api/v1/capacity-frames/?authority=region-hovedstaden&item=visors").json()
    per_day = {"da": "pr. dag", "en": "per day"}
    assert {"unit": "stk.", "per_period": "day", "per_period_label": per_day, "quantity": "5000.00"} in body[
        "needed"
    ]
    assert (
        body["item_label"]["da"] == "Visirer"
        and body["frames"][1]["frame_label"]["da"] == "Strategiske partnere"
    )
    partners = body["frames"][1]
    assert partners["frame"] == "partners" and partners["organisations"] >= 1
    assert any(
        e["organisation"] == "Visirpartner Hovedstaden ApS" and e["quantity"] == "200.00"
        for e in partners["entries"]
    )
    by_key = {(t["unit"], t["per_period"]): t["quantity"] for t in partners["totals"]}
    assert Decimal(by_key[VISORS_PER_DAY]) >= 200


def test_it_the_frames_chart_is_an_svg(org, make_need):
    make_need(quantity="5000")
    chart = frames_chart(capacity_frames(org("region-hovedstaden"), item="visors"))
    assert chart.lstrip().startswith(b"<?xml") and b"<svg" in chart


def test_it_a_duplicate_offer_is_not_counted_twice(landscape, submit, run_tasks, need):
    authority = landscape["authority"]
    before = totals(capacity_frames(authority, item="visors"))
    submit(offerer_name="Visirer fra Vest A/S", contact_email="salg@vest.example")
    submit(offerer_name="Visirer fra Vest A/S", contact_email="salg@vest.example")
    run_tasks()
    assert Offer.objects.filter(duplicate_of__isnull=False).count() == 1
    after = totals(capacity_frames(authority, item="visors"))
    assert after["society"] - before["society"] == 3000
