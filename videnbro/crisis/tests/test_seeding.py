"""The seeded historical incident: COVID-19's first wave, stood down, with the 62 CBS
partnerships as its record; seeding again changes nothing."""

from __future__ import annotations

from videnbro.crisis.models import Incident
from videnbro.crisis.seeding import seed_crisis
from videnbro.crisis.selectors import open_needs

KEY = "covid-19-foerste-boelge-2020"


def test_it_the_covid_wave_is_seeded_stood_down_with_the_cbs_partnerships(seeded):
    incident = Incident.objects.get(key=KEY)
    assert incident.title == "COVID-19, første bølge (2020)"
    assert incident.title_en == "COVID-19, first wave (2020)"
    assert (incident.kind, incident.status, incident.is_open) == ("pandemic", "stood_down", False)
    assert (str(incident.starts_on), str(incident.ends_on)) == ("2020-03-01", "2020-07-31")
    assert incident.partnerships.count() == 62
    assert set(incident.partnerships.values_list("cbs_number", flat=True)) == set(range(1, 63))
    assert incident.regions.count() == 5
    assert {o.key for o in incident.responsible.all()} == {
        "sundhedsstyrelsen",
        "statens-serum-institut",
        "laegemiddelstyrelsen",
        "styrelsen-for-patientsikkerhed",
        "region-nordjylland",
        "region-midtjylland",
        "region-syddanmark",
        "region-hovedstaden",
        "region-sjaelland",
    }
    assert incident.source.code == "cbs-2020"
    assert not open_needs().filter(incident=incident).exists()


def test_it_seeding_again_changes_nothing(seeded):
    before = Incident.objects.values().get(key=KEY)
    stats = seed_crisis(progress=False)
    assert stats == {"incidents": 1, "incident partnerships": 62}
    after = Incident.objects.values().get(key=KEY)
    assert {k: v for k, v in after.items() if k != "updated"} == {
        k: v for k, v in before.items() if k != "updated"
    }
    assert Incident.objects.filter(key=KEY).count() == 1
