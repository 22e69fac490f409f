"""The partner-type rule (docs/partner-type-rule.md): each branch, and how far it agrees with
CBS's own coding of the 62 partnerships."""

from videnbro.partnerships.models import Partnership
from videnbro.partnerships.rules import suggest_partner_type
from videnbro.registry.models import Kind, Organisation, Sector

COMPANY = Organisation(name="Virksomhed A/S", kind=Kind.COMPANY, sector=Sector.MARKET)
OTHER_COMPANY = Organisation(name="Anden Virksomhed ApS", kind=Kind.COMPANY, sector=Sector.MARKET)
ASSOCIATION = Organisation(name="Foreningen", kind=Kind.CIVIL_SOCIETY, sector=Sector.CIVIL_SOCIETY)
FOUNDATION = Organisation(name="Fonden", kind=Kind.FOUNDATION, sector=Sector.CIVIL_SOCIETY)
VOLUNTEERS = Organisation(
    name="Frivillige mod corona", kind=Kind.VOLUNTEER_GROUP, sector=Sector.CIVIL_SOCIETY
)
REGION = Organisation(name="Region", kind=Kind.REGION, sector=Sector.PUBLIC)
MUNICIPALITY = Organisation(name="Kommune", kind=Kind.MUNICIPALITY, sector=Sector.PUBLIC)
UNIVERSITY = Organisation(name="Universitet", kind=Kind.UNIVERSITY, sector=Sector.PUBLIC)


def suggest(*participants):
    return suggest_partner_type(participants).partner_type


def test_it_suggests_market_actors_for_companies_only():
    assert suggest((COMPANY, "partner"), (OTHER_COMPANY, "lead")) == "market"


def test_it_suggests_market_actors_for_companies_with_a_public_knowledge_institution():
    assert suggest((COMPANY, "partner"), (UNIVERSITY, "partner")) == "market"


def test_it_suggests_civil_society_actors_for_civil_society_only():
    assert suggest((ASSOCIATION, "partner")) == "civil_society"


def test_it_suggests_civil_society_actors_for_civil_society_with_public_bodies():
    assert suggest((ASSOCIATION, "partner"), (MUNICIPALITY, "partner")) == "civil_society"


def test_it_suggests_cross_sector_for_market_and_civil_society_together():
    assert suggest((COMPANY, "partner"), (ASSOCIATION, "partner")) == "cross_sector"


def test_it_counts_a_volunteer_group_as_both_market_and_civil_society():
    assert suggest((VOLUNTEERS, "partner")) == "cross_sector"


def test_it_ignores_a_foundation_next_to_other_actors():
    assert suggest((COMPANY, "partner"), (FOUNDATION, "funder")) == "market"
    # On its own a foundation is what there is: a civil-society actor.
    assert suggest((FOUNDATION, "partner")) == "civil_society"


def test_it_ignores_participants_in_the_authority_role():
    assert suggest((COMPANY, "partner"), (ASSOCIATION, "authority")) == "market"
    assert suggest((REGION, "authority")) is None


def test_it_suggests_cross_sector_for_public_bodies_only():
    assert suggest((REGION, "partner"), (MUNICIPALITY, "partner")) == "cross_sector"


def test_it_suggests_nothing_without_participants():
    suggestion = suggest_partner_type([])
    assert suggestion.partner_type is None
    assert suggestion.reason


def test_it_gives_a_reason_with_every_suggestion():
    for participants in (
        [(COMPANY, "partner")],
        [(ASSOCIATION, "partner")],
        [(COMPANY, "partner"), (ASSOCIATION, "partner")],
        [(REGION, "partner")],
    ):
        assert suggest_partner_type(participants).reason


def test_it_agrees_with_cbs_on_at_least_50_of_the_62_partnerships(seeded):
    cbs = (
        Partnership.objects.exclude(cbs_number=None)
        .prefetch_related("participants__organisation")
        .order_by("cbs_number")
    )
    disagreements = []
    for partnership in cbs:
        suggestion = suggest_partner_type((p.organisation, p.role) for p in partnership.participants.all())
        if suggestion.partner_type != partnership.partner_type:
            disagreements.append((partnership.cbs_number, partnership.partner_type, suggestion.partner_type))
    total = len(cbs)
    agreement = total - len(disagreements)
    print(  # noqa: T201
        f"\npartner-type rule agrees with CBS on {agreement}/{total} "
        f"({100 * agreement / total:.0f} %); differs on {disagreements}"
    )
    assert total == 62
    assert agreement >= 50, disagreements
