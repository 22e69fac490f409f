"""Writes to the data map go through datamap.services: permission, validation, audit row – from
seeding, the DCAT import and editors alike; nothing is written when nothing changed."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from videnbro.accounts.models import Role
from videnbro.core.audit import SystemActor
from videnbro.core.errors import PermissionDeniedError
from videnbro.core.models import AuditLog
from videnbro.datamap import services
from videnbro.datamap.dcat import import_catalogue
from videnbro.datamap.models import AccessRoute, Dataset, Sandbox

pytestmark = pytest.mark.django_db

CATALOGUE = """
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .

<https://data.example/ds/a> a dcat:Dataset ;
    dct:title "Auditkohorten"@da ;
    dct:publisher [ a foaf:Agent ; foaf:name "Sundhedsdatastyrelsen" ] .

<https://data.example/ds/b> a dcat:Dataset ;
    dct:description "No title: skipped."@en .
"""


def rows(action, obj=None):
    found = AuditLog.objects.filter(action=action)
    if obj is not None:
        found = found.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    return list(found.order_by("pk"))


def test_it_audits_a_dataset_a_keeper_creates_and_changes(secretariat, org):
    dataset = services.dataset_create(
        actor=secretariat, title="Redaktørens datasæt", custodian=org("sundhedsdatastyrelsen")
    )
    assert dataset.key == "redaktoerens-datasaet"
    [created] = rows("datamap.dataset.created", dataset)
    assert created.actor == secretariat and created.data == {"title": "Redaktørens datasæt"}
    assert dataset.history.first().history_user == secretariat

    changed = services.dataset_update(actor=secretariat, dataset=dataset, acronym="RD", themes=["cancer"])
    assert changed == ["acronym", "themes"]
    [updated] = rows("datamap.dataset.updated", dataset)
    assert updated.data == {"fields": ["acronym", "themes"]}


def test_it_writes_nothing_when_nothing_changed(seeded, secretariat):
    lpr = Dataset.objects.get(key="landspatientregisteret")
    history, audit = lpr.history.count(), AuditLog.objects.count()
    assert services.dataset_update(actor=secretariat, dataset=lpr, title=lpr.title) == []
    assert (lpr.history.count(), AuditLog.objects.count()) == (history, audit)


def test_it_refuses_editors_who_do_not_keep_the_map(grundfos_member, make_user, org):
    lpr = Dataset.objects.get(key="landspatientregisteret")
    custodian = make_user(Role.DATA_CUSTODIAN, organisation=org("sundhedsdatastyrelsen"))
    audit = AuditLog.objects.count()
    for actor in (grundfos_member, custodian):
        with pytest.raises(PermissionDeniedError):
            services.dataset_update(actor=actor, dataset=lpr, title="Ændret")
        with pytest.raises(PermissionDeniedError):
            services.dataset_create(actor=actor, title="Nyt", custodian=lpr.custodian)
        with pytest.raises(PermissionDeniedError):
            import_catalogue(CATALOGUE.encode(), fmt="turtle", actor=actor)
    lpr.refresh_from_db()
    assert lpr.title == "Landspatientregisteret" and AuditLog.objects.count() == audit


def test_it_validates_before_writing(secretariat, org):
    audit = AuditLog.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.dataset_create(
            actor=secretariat,
            title="Ugyldig",
            custodian=org("sundhedsdatastyrelsen"),
            update_frequency="hourly",
        )
    assert "update_frequency" in caught.value.message_dict
    assert not Dataset.objects.filter(title="Ugyldig").exists() and AuditLog.objects.count() == audit
    with pytest.raises(TypeError):
        services.dataset_create(actor=secretariat, title="x", custodian=org("grundfos"), is_synthetic=True)


def test_it_sets_variables_with_one_audit_row(seeded, secretariat):
    lpr = Dataset.objects.get(key="landspatientregisteret")
    names = list(lpr.variables.values_list("name", flat=True))
    before = len(rows("datamap.dataset.variables_updated", lpr))
    kept = {"name": names[0], "label": "Ny betegnelse"}
    changes = services.dataset_variables_set(
        actor=secretariat, dataset=lpr, variables=[kept, {"name": "NY_VAR", "type": "string"}]
    )
    assert changes.added == ["NY_VAR"] and changes.changed == [names[0]]
    assert sorted(changes.removed) == sorted(names[1:])
    row = rows("datamap.dataset.variables_updated", lpr)[-1]
    assert row.actor == secretariat and row.data["added"] == ["NY_VAR"]
    again = services.dataset_variables_set(
        actor=secretariat, dataset=lpr, variables=[{"name": "NY_VAR", "type": "string"}], remove_others=False
    )
    assert not again and len(rows("datamap.dataset.variables_updated", lpr)) == before + 1


def test_it_audits_access_routes_and_sandboxes(secretariat, org):
    route = services.access_route_create(actor=secretariat, key="ny-vej", name="Ny adgangsvej")
    assert services.access_route_update(actor=secretariat, route=route, fee="Gratis") == ["fee"]
    assert (
        len(rows("datamap.access_route.created", route))
        == len(rows("datamap.access_route.updated", route))
        == 1
    )
    lpr = Dataset.objects.get(key="landspatientregisteret")
    sandbox = services.sandbox_create(
        actor=secretariat, key="ny-sandkasse", name="Ny sandkasse", operator=org("sundhedsdatastyrelsen")
    )
    assert services.sandbox_update(actor=secretariat, sandbox=sandbox, datasets=[lpr]) == ["datasets"]
    assert list(Sandbox.objects.get(key="ny-sandkasse").datasets.all()) == [lpr]
    assert len(rows("datamap.sandbox.updated", sandbox)) == 1
    assert AccessRoute.objects.filter(key="ny-vej").exists()


def test_it_audits_every_dataset_an_import_writes_and_the_run(seeded, secretariat):
    report = import_catalogue(CATALOGUE.encode(), fmt="turtle", actor=secretariat)
    dataset = Dataset.objects.get(title="Auditkohorten")
    assert report.created == [dataset.key] and len(report.skipped) == 1
    [created] = rows("datamap.dataset.created", dataset)
    assert created.actor == secretariat and created.data["source"] == "https://data.example/ds/a"
    [run] = rows("datamap.catalogue.imported")
    assert run.actor == secretariat
    assert run.data == {
        "source": "bytes",
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "skipped": 1,
        "organisations_created": 0,
        "access_routes_created": 0,
    }
    import_catalogue(CATALOGUE.encode(), fmt="turtle", actor=SystemActor("cli-import"))
    assert len(rows("datamap.dataset.created", dataset)) == 1 and not rows("datamap.dataset.updated", dataset)
    assert len(rows("datamap.catalogue.imported")) == 2


def test_it_seeded_the_map_through_the_services(seeded):
    lpr = Dataset.objects.get(key="landspatientregisteret")
    [created] = rows("datamap.dataset.created", lpr)
    assert created.actor_label == "seed" and created.data["source"] == "datasets.csv"
    assert rows("datamap.dataset.variables_updated", lpr)
    assert AuditLog.objects.filter(action="datamap.access_route.created", actor_label="seed").exists()
    assert AuditLog.objects.filter(action="datamap.sandbox.created", actor_label="seed").exists()
