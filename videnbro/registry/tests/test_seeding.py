"""The seed data: idempotent, and the counts and facts users rely on."""

import csv
from collections import Counter

from django.db import models
from django.db.models import Q

from videnbro.core.models import AuditLog
from videnbro.registry.models import (
    Capacity,
    Kind,
    Membership,
    Municipality,
    Organisation,
    OrganisationAlias,
    OrganisationSite,
    Region,
    Source,
)
from videnbro.registry.seeding import SEED_DIR, seed_registry

COUNTED = [
    Organisation,
    OrganisationAlias,
    Membership,
    Capacity,
    OrganisationSite,
    Source,
    Region,
    Municipality,
    AuditLog,
    Organisation.history.model,
    OrganisationAlias.history.model,
    Membership.history.model,
    Capacity.history.model,
]


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def test_it_writes_nothing_when_seeded_a_second_time(seeded):
    before = counts()
    assert before["Organisation"] > 0 and before["HistoricalOrganisation"] > 0
    stats = seed_registry(progress=False)
    assert counts() == before
    assert not any(name.endswith("created") for name in stats), stats
    # The data map's seed adds a few organisations of its own (conftest seeds it too).
    assert stats["organisations unchanged"] == before["Organisation"] - len(datamap_only_keys())
    assert "organisations updated" not in stats


def datamap_only_keys() -> set[str]:
    from videnbro.datamap.seeding import SEED_DIR as DATAMAP_SEED_DIR

    def keys(path) -> set[str]:
        with path.open(encoding="utf-8", newline="") as handle:
            return {row["key"] for row in csv.DictReader(handle)}

    registry = set().union(*(keys(p) for p in SEED_DIR.glob("organisations.*.csv")))
    return keys(DATAMAP_SEED_DIR / "organisations.csv") - registry


def test_it_restores_a_seeded_value_changed_by_hand(seeded):
    Organisation.objects.filter(key="grundfos").update(website="https://example.invalid")
    stats = seed_registry(progress=False)
    assert stats["organisations updated"] == 1
    assert Organisation.objects.get(key="grundfos").website != "https://example.invalid"


def test_it_seeds_five_regions(seeded):
    assert Region.objects.count() == 5
    assert Organisation.objects.filter(kind=Kind.REGION).count() == 5
    assert set(Region.objects.values_list("slug", flat=True)) == {
        "hovedstaden",
        "sjaelland",
        "syddanmark",
        "midtjylland",
        "nordjylland",
    }


def test_it_seeds_98_municipalities_in_the_right_regions(seeded):
    assert Municipality.objects.count() == 98
    assert Organisation.objects.filter(kind=Kind.MUNICIPALITY).count() == 98
    per_region = {r.slug: r.municipalities.count() for r in Region.objects.all()}
    assert per_region == {
        "hovedstaden": 29,
        "sjaelland": 17,
        "syddanmark": 22,
        "midtjylland": 19,
        "nordjylland": 11,
    }
    # Each municipality's organisation sits in its municipality and region.
    for org in Organisation.objects.filter(kind=Kind.MUNICIPALITY).select_related("municipality"):
        assert org.municipality is not None, org
        assert org.region_id == org.municipality.region_id, org
    assert Municipality.objects.get(code="101").name == "København"


def test_it_seeds_at_least_250_organisations(seeded):
    assert Organisation.objects.count() >= 250


def test_it_seeds_exactly_21_acute_hospitals_each_with_a_collaboration(seeded):
    acute = Organisation.objects.filter(is_acute_hospital=True)
    assert acute.count() == 21
    assert set(acute.values_list("kind", flat=True)) == {Kind.HOSPITAL}
    # 21 around the acute hospitals, and Region Nordjylland's fourth cluster, Klynge SYD.
    assert Organisation.objects.filter(kind=Kind.HEALTH_COLLABORATION).count() == 22
    assert all(org.region_id for org in acute)


def _seed_keys(kind: str) -> set[str]:
    with (SEED_DIR / "organisations.seeds.csv").open(encoding="utf-8", newline="") as handle:
        return {row["key"] for row in csv.DictReader(handle) if row["kind"] == kind}


def test_it_seeds_the_14_national_clusters_and_copenhagen_healthtech_cluster(seeded):
    # The 14 clusters designated under Innovationskraft 2021-2024 (source klynger-2021).
    national = set(
        Organisation.objects.filter(kind=Kind.CLUSTER, source__code="klynger-2021").values_list(
            "key", flat=True
        )
    )
    assert national == {
        "clean",
        "energy-cluster-denmark",
        "food-og-bio-cluster-denmark",
        "maritime-og-logistics-innovation-denmark",
        "danish-life-science-cluster",
        "klyngen-for-byggeri-og-anlaeg",
        "lifestyle-og-design-cluster",
        "klyngen-for-avanceret-produktion",
        "digitallead",
        "copenhagen-fintech",
        "odense-robotics",
        "vision-denmark",
        "danish-sound-cluster",
        "censec",
    }
    clusters = set(Organisation.objects.filter(kind=Kind.CLUSTER).values_list("key", flat=True))
    assert "copenhagen-healthtech-cluster" in clusters
    assert clusters == _seed_keys(Kind.CLUSTER)


def test_it_seeds_five_regional_hubs_one_per_region(seeded):
    hubs = Organisation.objects.filter(kind=Kind.REGIONAL_HUB)
    assert hubs.count() == 5
    assert set(hubs.values_list("key", flat=True)) == _seed_keys(Kind.REGIONAL_HUB)
    assert hubs.values("region").distinct().count() == 5


def test_it_gives_every_organisation_a_source(seeded):
    unsourced = Organisation.objects.filter(source__isnull=True, source_url="")
    assert list(unsourced.values_list("key", flat=True)) == []


def test_it_keeps_novo_nordisk_and_novo_nordisk_fonden_apart(seeded):
    novo = Organisation.objects.get(key="novo-nordisk")
    fonden = Organisation.objects.get(key="novo-nordisk-fonden")
    assert novo.pk != fonden.pk
    assert novo.kind == Kind.COMPANY
    assert fonden.kind == Kind.FOUNDATION
    assert not OrganisationAlias.objects.filter(organisation=novo, name__icontains="fond")


def test_it_keeps_keys_names_and_cvr_numbers_unique(seeded):
    assert Organisation.objects.values("normalised_name").distinct().count() == Organisation.objects.count()
    with_cvr = Organisation.objects.exclude(Q(cvr__isnull=True))
    assert with_cvr.values("cvr").distinct().count() == with_cvr.count()


def test_it_links_hubs_to_danish_life_science_cluster(seeded):
    parents = set(Organisation.objects.filter(kind=Kind.REGIONAL_HUB).values_list("parent__key", flat=True))
    assert parents == {"danish-life-science-cluster"}


def test_it_gives_every_acute_hospital_collaboration_members(seeded):
    for group in Organisation.objects.filter(kind=Kind.HEALTH_COLLABORATION):
        assert Membership.objects.filter(group=group).count() >= 2, group
    for hospital in Organisation.objects.filter(is_acute_hospital=True):
        group = Organisation.objects.get(key=f"sundhedssamarbejdet-omkring-{hospital.key}")
        assert group.region_id == hospital.region_id, hospital
        assert Membership.objects.filter(group=group, organisation=hospital).exists(), hospital


def test_it_records_the_seed_in_the_audit_log_as_the_seed_actor(seeded):
    created = AuditLog.objects.filter(action="registry.organisation.created")
    assert created.count() >= Organisation.objects.count()
    assert set(created.values_list("actor_label", flat=True)) == {"seed"}


def test_it_places_every_cluster_office_in_a_municipality(seeded):
    offices = OrganisationSite.objects.filter(organisation__kind=Kind.CLUSTER)
    assert offices.count() == 51
    assert list(offices.filter(municipality__isnull=True).values_list("organisation__key", "city")) == []
    assert set(offices.filter(city="København").values_list("municipality__code", flat=True)) == {"101"}
    karup = offices.get(organisation__key="censec", city="Karup")
    assert karup.municipality.code == "791"
    assert karup.source.code == "klynger-2021" and karup.source_url


def test_it_keeps_what_the_source_says_beside_an_office(seeded, client):
    middelfart = OrganisationSite.objects.get(organisation__key="energy-cluster-denmark", city="Middelfart")
    assert middelfart.note == "rykker til Fredericia"
    page = client.get(middelfart.organisation.get_absolute_url())
    assert page.status_code == 200
    assert 'Middelfart <span class="muted">(rykker til Fredericia)</span>' in page.content.decode()


def test_it_puts_every_municipality_in_exactly_one_health_collaboration(seeded):
    in_collaborations = Membership.objects.filter(
        group__kind=Kind.HEALTH_COLLABORATION, organisation__kind=Kind.MUNICIPALITY
    )
    per_municipality = Counter(in_collaborations.values_list("organisation__key", flat=True))
    municipalities = set(Organisation.objects.filter(kind=Kind.MUNICIPALITY).values_list("key", flat=True))
    assert municipalities - set(per_municipality) == set()
    assert {key: n for key, n in per_municipality.items() if n > 1} == {}
    # Each in a collaboration of its own region.
    assert not in_collaborations.exclude(group__region=models.F("organisation__region")).exists()


def test_it_seeds_klynge_syd_with_the_three_municipalities_region_nordjylland_lists(seeded):
    members = Membership.objects.filter(group__key="klynge-syd")
    assert set(members.values_list("organisation__key", flat=True)) == {
        "vesthimmerlands-kommune",
        "rebild-kommune",
        "mariagerfjord-kommune",
        "region-nordjylland",
    }
    assert set(members.values_list("source__code", flat=True)) == {"rn-sundhedsklynger"}


def test_it_cites_a_source_naming_the_hospital_for_each_acute_hospital_and_region_membership(seeded):
    # KL and Danske Regioner's guiding marks name no hospital, so they cannot support these rows.
    rows = Membership.objects.filter(
        group__kind=Kind.HEALTH_COLLABORATION, note__in=["Akutsygehus", "Region"]
    )
    assert rows.count() == 43  # 21 hospitals, 21 regions, and Region Nordjylland in Klynge SYD
    assert not rows.filter(source__code="kl-dr-pejlemaerker").exists()
    for membership in rows.filter(note="Akutsygehus").select_related("organisation", "source"):
        assert membership.source.code == "sst-akutsygehuse", membership
        assert membership.source_url == membership.organisation.source_url != "", membership
    nordjylland = rows.filter(organisation__key="region-nordjylland")
    assert set(nordjylland.values_list("source__code", flat=True)) == {"rn-sundhedsklynger"}


def test_it_names_health_collaborations_officially_or_says_the_name_is_descriptive(seeded):
    descriptive = "Navnet er beskrivende og sammensat til registeret"
    official = {}
    for group in Organisation.objects.filter(kind=Kind.HEALTH_COLLABORATION).select_related("source"):
        if group.name.startswith("Sundhedssamarbejdet omkring "):
            assert descriptive in group.description, group
        else:
            assert descriptive not in group.description, group
            official[group.name] = group.source.code
    assert official == {
        "Klynge NORD": "rn-sundhedsklynger",
        "Klynge MIDT": "rn-sundhedsklynger",
        "Klynge SYD": "rn-sundhedsklynger",
        "Klynge VEST": "rn-sundhedsklynger",
    }


def test_it_seeds_kl_and_danske_regioner_as_interest_organisations_not_authorities(seeded, client):
    for key in ("kl", "danske-regioner"):
        organisation = Organisation.objects.get(key=key)
        assert organisation.kind == Kind.INTEREST_ORGANISATION, key
        assert organisation.sector == "public", key
    described = Organisation.objects.filter(description__istartswith="Interesseorganisation")
    assert not described.exclude(kind=Kind.INTEREST_ORGANISATION).exists()
    assert "Interest organisation" in client.get("/en/organisationer/kl/").content.decode()


def test_it_has_no_seed_file_that_nothing_loads():
    from fnmatch import fnmatch

    from videnbro.partnerships.seeding import SEED_DIR as PARTNERSHIPS_SEED_DIR

    # The patterns registry/seeding.py and partnerships/seeding.py read.
    loaded = {
        SEED_DIR: [
            "README.md",
            "sources*.csv",
            "regions.csv",
            "municipalities.csv",
            "municipality_centroids.csv",
            "organisations.*.csv",
            "memberships.*.csv",
            "capacities.*.csv",
            "cluster_offices.csv",
        ],
        PARTNERSHIPS_SEED_DIR: [
            "cbs_partnerships.csv",
            "partnerships.csv",
            "participants.csv",
            "governance_bodies.csv",
            "governance_members.csv",
            "contributions.csv",
            "fee_rules.csv",
            "outputs.csv",
        ],
    }
    orphans = [
        path.name
        for folder, patterns in loaded.items()
        for path in folder.iterdir()
        if not any(fnmatch(path.name, pattern) for pattern in patterns)
    ]
    assert orphans == []


# Kinds that are regional or local by nature: a region itself, its municipalities and hospitals,
# and the groupings within a region. National bodies (authorities, interest organisations,
# clusters) and companies have a region only through a known head office (`municipality`).
REGIONAL_KINDS = (Kind.REGION, Kind.MUNICIPALITY, Kind.HOSPITAL, Kind.HEALTH_COLLABORATION, Kind.REGIONAL_HUB)


def test_it_gives_every_seeded_record_its_region_and_source(seeded):
    # Every region and municipality: a region (its own) and the DST classification as source.
    assert not Region.objects.filter(source__isnull=True).exists()
    assert not Municipality.objects.filter(Q(source__isnull=True) | Q(region__isnull=True)).exists()
    # Every organisation: a source – a cited document or a public page.
    organisations = Organisation.objects.all()
    assert list(organisations.filter(source__isnull=True, source_url="").values_list("key", flat=True)) == []
    # A region where the kind is regional; the head office's region wherever it is known.
    assert (
        list(organisations.filter(kind__in=REGIONAL_KINDS, region__isnull=True).values_list("key", flat=True))
        == []
    )
    assert (
        list(
            organisations.filter(municipality__isnull=False)
            .exclude(region=models.F("municipality__region"))
            .values_list("key", flat=True)
        )
        == []
    )
    # Every membership cites its source; a membership has no region of its own.
    assert (
        list(Membership.objects.filter(source__isnull=True).values_list("organisation__key", "group__key"))
        == []
    )
