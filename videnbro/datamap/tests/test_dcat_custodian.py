"""A custodian the DCAT import creates is verified and public (issue 12, finding 6): the import
is a staff or CLI action, so the dataset's custodian is not hidden like a record made from what
the public sends in."""

from __future__ import annotations

import pytest

from videnbro.accounts.models import Role
from videnbro.datamap.dcat import import_catalogue
from videnbro.datamap.models import Dataset
from videnbro.registry.selectors import public_organisations

pytestmark = [pytest.mark.django_db, pytest.mark.regression]

CATALOGUE = """
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .

<https://data.example/catalog> a dcat:Catalog ; dcat:dataset <https://data.example/ds/q> .

<https://data.example/ds/q> a dcat:Dataset ;
    dct:identifier "https://data.example/ds/q" ;
    dct:title "Qwertykohorten for lungesygdom"@da ;
    dct:publisher <https://data.example/org/q> .

<https://data.example/org/q> a foaf:Agent ; foaf:name "Qwerty Forskningsenhed" .
"""


def test_it_an_imported_custodian_is_verified_and_public(api, client):
    report = import_catalogue(CATALOGUE.encode(), fmt="turtle")
    assert report.organisations_created == ["Qwerty Forskningsenhed"]
    custodian = Dataset.objects.get(title="Qwertykohorten for lungesygdom").custodian
    assert custodian.is_verified and custodian.verified_at is not None
    assert public_organisations().filter(pk=custodian.pk).exists()
    assert api.get(f"/api/v1/organisations/{custodian.pk}/").status_code == 200
    assert client.get(custodian.get_absolute_url()).status_code == 200


def test_it_an_import_by_a_user_records_who_verified(make_user):
    keeper = make_user(Role.CLUSTER_SECRETARIAT)
    import_catalogue(CATALOGUE.encode(), fmt="turtle", actor=keeper)
    custodian = Dataset.objects.get(title="Qwertykohorten for lungesygdom").custodian
    assert custodian.is_verified and custodian.verified_by == keeper
