"""The partnership seed: the 62 CBS partnerships as CBS coded them, the seed-001/002/004
partnerships with their governance, and a second run that writes nothing."""

import csv
import io
from collections import Counter
from datetime import date

import pytest

from videnbro.core.audit import SystemActor
from videnbro.core.models import AuditLog
from videnbro.core.text import normalise_name
from videnbro.partnerships import services
from videnbro.partnerships.models import (
    Contribution,
    Evaluation,
    GovernanceBody,
    GovernanceMember,
    Output,
    Participant,
    Partnership,
    PartnershipSource,
)
from videnbro.partnerships.seeding import seed_partnerships
from videnbro.partnerships.taxonomy import FOCUS_AREA_BY_SLUG, PARTNER_TYPE_BY_SLUG
from videnbro.registry.models import Organisation

from .conftest import CBS_ROWS, read_seed

COUNTED = [
    Partnership,
    PartnershipSource,
    Participant,
    GovernanceBody,
    GovernanceMember,
    Contribution,
    Output,
    Evaluation,
    AuditLog,
    Organisation,
    Partnership.history.model,
    Participant.history.model,
    GovernanceBody.history.model,
    Contribution.history.model,
    Output.history.model,
]


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def test_it_seeds_exactly_62_cbs_partnerships_numbered_1_to_62(seeded):
    numbers = list(
        Partnership.objects.exclude(cbs_number=None)
        .order_by("cbs_number")
        .values_list("cbs_number", flat=True)
    )
    assert numbers == list(range(1, 63))
    assert len(CBS_ROWS) == 62


def test_it_cites_cbs_bilag_1_as_the_source_of_every_cbs_partnership(seeded):
    cbs = Partnership.objects.exclude(cbs_number=None)
    assert cbs.filter(sources__source__code="cbs-2020").distinct().count() == 62
    assert Partnership.objects.filter(sources__source__code="cbs-2020").distinct().count() == 62


def test_it_writes_nothing_when_seeded_a_second_time(seeded):
    before = counts()
    assert before["Partnership"] == 68 and before["HistoricalPartnership"] >= 68
    assert before["Participant"] > 62 and before["GovernanceBody"] > 0
    stats = seed_partnerships(progress=False)
    assert counts() == before
    assert stats == {"partnerships total": 68}, stats


def test_it_restores_a_cbs_coding_changed_by_hand_and_keeps_the_history(cbs):
    number_5 = cbs(5)
    history = number_5.history.count()
    Partnership.objects.filter(pk=number_5.pk).update(focus_area="test", partner_type="civil_society")
    stats = seed_partnerships(progress=False)
    assert stats["partnerships updated"] == 1
    number_5.refresh_from_db()
    row = next(r for r in CBS_ROWS if r["cbs_number"] == "5")
    assert FOCUS_AREA_BY_SLUG[number_5.focus_area].da == row["focus_area"]
    assert PARTNER_TYPE_BY_SLUG[number_5.partner_type].da == row["partner_type"]
    assert number_5.history.count() == history + 1
    assert number_5.sources.filter(source__code="cbs-2020").exists()


@pytest.mark.parametrize("row", CBS_ROWS, ids=lambda row: f"cbs-{row['cbs_number']}")
def test_it_stores_focus_area_and_partner_type_exactly_as_cbs_coded_them(seeded, row):
    partnership = Partnership.objects.get(cbs_number=int(row["cbs_number"]))
    assert FOCUS_AREA_BY_SLUG[partnership.focus_area].da == row["focus_area"]
    assert PARTNER_TYPE_BY_SLUG[partnership.partner_type].da == row["partner_type"]
    assert partnership.partner_type_origin == "source"
    assert partnership.title == row["title"]


def test_it_keeps_the_count_of_dansk_industri_members_as_a_note(cbs):
    (participant,) = cbs(1).participants.select_related("organisation")
    assert participant.organisation.name == "Dansk Industri"
    assert participant.note == "43 virksomheder"


def test_it_keeps_novo_nordisk_and_novo_nordisk_fonden_apart_in_cbs_54(cbs):
    participants = {
        p.organisation.key: p.organisation for p in cbs(54).participants.select_related("organisation")
    }
    assert set(participants) == {"novo-nordisk", "novo-nordisk-fonden"}
    assert participants["novo-nordisk"].name == "Novo Nordisk"
    assert participants["novo-nordisk-fonden"].name == "Novo Nordisk Fonden"
    assert participants["novo-nordisk"].pk != participants["novo-nordisk-fonden"].pk
    # "Novo Nordisk A/S" is written that way in Bilag 1 and is the same company.
    assert not Organisation.objects.filter(name__iexact="Novo Nordisk A/S").exists()


def test_it_links_no_organisation_twice_and_no_two_organisations_of_one_name(seeded):
    for partnership in Partnership.objects.exclude(cbs_number=None):
        ids = list(partnership.participants.values_list("organisation_id", flat=True))
        assert len(ids) == len(set(ids)), partnership.cbs_number
    names = Counter(
        normalise_name(name)
        for name in Organisation.objects.filter(participations__isnull=False)
        .distinct()
        .values_list("name", flat=True)
    )
    assert [name for name, n in names.items() if n > 1] == []


def test_it_resolves_every_cbs_partner_key_to_a_participant(seeded):
    for row in CBS_ROWS:
        keys = {k.strip() for k in row["partner_keys"].split("|") if k.strip()}
        stored = set(
            Partnership.objects.get(cbs_number=int(row["cbs_number"])).participants.values_list(
                "organisation__key", flat=True
            )
        )
        assert stored == keys, row["cbs_number"]


@pytest.mark.parametrize(
    "key", ["copenhagen-healthtech-cluster", "data-redder-liv", "danish-life-science-cluster"]
)
def test_it_seeds_the_governance_bodies_of_the_seed_partnerships(partnership, key):
    expected = Counter(row["kind"] for row in read_seed("governance_bodies.csv") if row["partnership"] == key)
    assert expected
    stored = Counter(partnership(key).governance_bodies.values_list("kind", flat=True))
    assert stored == expected
    assert partnership(key).participants.exists()


def test_it_gives_data_redder_liv_its_whole_governance_structure(partnership):
    drl = partnership("data-redder-liv")
    kinds = Counter(drl.governance_bodies.values_list("kind", flat=True))
    assert kinds["steering_group"] == 1
    assert kinds["working_group"] == 5
    assert kinds["reference_group"] == 1
    assert kinds["expert_group"] >= 1
    assert kinds["secretariat"] == 1
    secretariat = drl.governance_bodies.get(kind="secretariat")
    assert list(secretariat.members.values_list("key", flat=True)) == ["copenhagen-healthtech-cluster"]
    assert secretariat.mandate
    ag1 = drl.governance_bodies.get(name="Arbejdsgruppe (AG1) – juridisk analyse")
    assert set(ag1.members.values_list("key", flat=True)) == {
        "sundhedsdatastyrelsen",
        "nationalt-genom-center",
        "danmarks-nationale-biobank",
    }


def test_it_seeds_contributions_and_outputs_for_the_seed_partnerships(seeded):
    assert Contribution.objects.count() == len(read_seed("contributions.csv")) + len(
        read_seed("fee_rules.csv")
    )
    outputs = read_seed("outputs.csv")
    assert Output.objects.count() == len(
        {(r["partnership"], r["title"], r["kind"], r["year"], r["target"][:200]) for r in outputs}
    )
    assert not Contribution.objects.filter(partnership__cbs_number__isnull=False).exists()


def test_it_maps_chcs_herlev_hospital_herlev_ringvej_75_to_the_herlev_site(partnership):
    chc = partnership("copenhagen-healthtech-cluster")
    herlev = chc.participants.get(note__contains="Herlev Ringvej 75")
    assert herlev.organisation.key == "herlev-hospital"
    assert not chc.participants.filter(organisation__key="herlev-og-gentofte-hospital").exists()


def test_it_moves_the_herlev_participant_of_a_database_seeded_before_the_correction(partnership, org):
    chc = partnership("copenhagen-healthtech-cluster")
    herlev = chc.participants.get(organisation__key="herlev-hospital", role="partner")
    herlev.organisation = org("herlev-og-gentofte-hospital")
    herlev.save()
    stats = seed_partnerships(progress=False)
    assert stats["participants moved"] == 1
    herlev.refresh_from_db()
    assert herlev.organisation.key == "herlev-hospital"
    assert seed_partnerships(progress=False) == {"partnerships total": 68}


@pytest.mark.parametrize(
    ("key", "start", "end", "label"),
    [
        # CHC 2015: "i perioden 2015-2018", "ultimo 2018".
        ("copenhagen-healthtech-cluster", ("2015-01-01", "year"), ("2018-12-31", "year"), "2015–2018"),
        # DRL 2019: established "i efteråret 2017" (a season, so the year); the 2019 contract.
        ("data-redder-liv", ("2017-01-01", "year"), ("2019-12-31", "year"), "2017–2019"),
        # DLSC strategy: "etableret i 2021"; no end.
        ("danish-life-science-cluster", ("2021-01-01", "year"), (None, "day"), "2021 – "),
    ],
)
def test_it_stores_and_shows_dates_as_precise_as_their_source(
    partnership, client, api, key, start, end, label
):
    record = partnership(key)
    assert (record.start.isoformat(), record.start_precision) == start
    assert (record.end.isoformat() if record.end else None, record.end_precision) == end
    assert record.period_label == label
    page = client.get(record.get_absolute_url())
    assert page.status_code == 200
    assert f"<dd>{label}</dd>" in page.content.decode()
    period = api.get(f"/api/v1/partnerships/{record.pk}/").json()["period"]
    assert (period["start"], period["start_precision"]) == start
    assert (period["end"], period["end_precision"]) == end
    assert period["label"] == {"da": label, "en": label}


def test_it_exports_a_date_as_precise_as_its_source(seeded, client):
    content = client.get("/partnerskaber/eksport.csv").content.decode("utf-8-sig")
    rows = {row["key"]: row for row in csv.DictReader(io.StringIO(content))}
    assert (rows["copenhagen-healthtech-cluster"]["start"], rows["copenhagen-healthtech-cluster"]["end"]) == (
        "2015",
        "2018",
    )
    assert rows["danish-life-science-cluster"]["start"] == "2021"


def test_it_makes_a_date_typed_in_a_day_and_keeps_the_precision_of_an_unchanged_one(partnership):
    chc = partnership("copenhagen-healthtech-cluster")
    services.partnership_update(
        actor=SystemActor("test"), partnership=chc, start=chc.start, end=date(2018, 11, 30), title="CHC"
    )
    chc.refresh_from_db()
    assert (chc.start_precision, chc.end_precision) == ("year", "day")
    assert chc.period_label == "2015 – 30. november 2018"
