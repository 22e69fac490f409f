"""Synthetic health datasets (`videnbro synth datasets`): labelled, idempotent, exportable,
removable."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from rdflib import URIRef
from rdflib.namespace import RDF

from videnbro.datamap.dcat import DCAT, DCT, parse
from videnbro.datamap.models import AccessRoute, Dataset, Theme, Variable
from videnbro.datamap.synthetic import CODING_SYSTEMS, synthetic_datasets_create
from videnbro.registry.models import Organisation

pytestmark = pytest.mark.django_db


def synth(*args: str) -> str:
    out = StringIO()
    call_command("synth", *args, "--no-index", stdout=out, stderr=StringIO())
    return out.getvalue()


def test_it_creates_labelled_synthetic_datasets_with_variables(seeded):
    real = set(Dataset.objects.values_list("key", flat=True))
    synth("datasets", "--count", "30")
    synthetic = Dataset.objects.filter(is_synthetic=True).select_related("custodian")
    assert synthetic.count() == 30
    assert set(Dataset.objects.filter(is_synthetic=False).values_list("key", flat=True)) == real
    routes = set(AccessRoute.objects.values_list("pk", flat=True))
    for dataset in synthetic:
        assert dataset.key.startswith("synth-") and dataset.title.startswith("[SYNTETISK]")
        assert dataset.custodian.key.startswith("synth-")
        assert dataset.custodian.source.code == "synthetic"
        assert dataset.themes and set(dataset.themes) <= set(Theme.values)
        assert set(dataset.coding_systems) <= set(CODING_SYSTEMS)
        assert dataset.access_route_id in routes
        assert dataset.variables.count() == 4
    assert not Dataset.objects.filter(key__startswith="synth-", is_synthetic=False).exists()


def test_it_does_not_duplicate_when_run_again(seeded):
    synth("datasets", "--count", "20")
    before = dict(Dataset.objects.filter(is_synthetic=True).values_list("key", "pk"))
    custodians = Organisation.objects.filter(key__startswith="synth-").count()
    assert "0 created, 20 already there" in synth("datasets", "--count", "20")
    assert dict(Dataset.objects.filter(is_synthetic=True).values_list("key", "pk")) == before
    assert Variable.objects.filter(dataset__is_synthetic=True).count() == 80
    assert Organisation.objects.filter(key__startswith="synth-").count() == custodians
    synth("datasets", "--count", "25")
    after = dict(Dataset.objects.filter(is_synthetic=True).values_list("key", "pk"))
    assert len(after) == 25 and before.items() <= after.items()


def test_it_needs_a_synthetic_custodian(seeded):
    with pytest.raises(ValueError, match="custodian"):
        synthetic_datasets_create(count=3, custodians=[], progress=False)
    assert not Dataset.objects.filter(is_synthetic=True).exists()


def test_it_keeps_the_catalogue_export_working(client, seeded):
    synth("datasets", "--count", "15")
    response = client.get("/api/v1/catalogue.ttl")
    assert response.status_code == 200
    graph = parse(response.content, "turtle")
    exported = set(graph.subjects(RDF.type, DCAT.Dataset))
    assert len(exported) == Dataset.objects.count()
    node = URIRef("http://testserver/datalandkort/synth-datasaet-00001/")
    assert node in exported
    assert str(graph.value(node, DCT.identifier)) == "synth-datasaet-00001"
    listed = client.get("/api/v1/datasets/?page_size=200").json()
    assert listed["count"] == Dataset.objects.count()


def test_it_they_are_indexed_as_synthetic_unless_told_not_to_and_leave_with_delete(seeded):
    from videnbro.search.models import DocType, SearchDocument

    synth("datasets", "--count", "3")
    assert not SearchDocument.objects.filter(doc_type=DocType.DATASET, is_synthetic=True).exists()
    call_command("synth", "datasets", "--count", "5", stdout=StringIO(), stderr=StringIO())
    indexed = SearchDocument.objects.filter(doc_type=DocType.DATASET, is_synthetic=True)
    assert indexed.count() == 5
    assert all(doc.title.startswith("[SYNTETISK]") for doc in indexed)
    call_command("synth", "--delete", stdout=StringIO())
    assert not SearchDocument.objects.filter(is_synthetic=True).exists()


def test_it_synth_delete_removes_them_and_their_custodians(seeded):
    real = Dataset.objects.filter(is_synthetic=False).count()
    synth("datasets", "--count", "10")
    out = StringIO()
    call_command("synth", "--delete", stdout=out)
    assert "10 synthetic datasets" in out.getvalue()
    assert not Dataset.objects.filter(is_synthetic=True).exists()
    assert not Dataset.history.filter(is_synthetic=True).exists()
    assert not Organisation.objects.filter(key__startswith="synth-").exists()
    assert Dataset.objects.count() == real


def test_it_lists_many_datasets_in_a_fixed_number_of_queries(client, seeded, django_assert_num_queries):
    """The list selects only its serializer's columns: a field added to the serializer but not
    to `DatasetViewSet.list_fields` would cost one query per dataset here."""
    synth("datasets", "--count", "60")
    with django_assert_num_queries(3):  # count, the page, the page's variables
        body = client.get("/api/v1/datasets/?page_size=200").json()
    assert len(body["results"]) == Dataset.objects.count()
    assert all(len(d["variables"]) == 4 for d in body["results"] if d["key"].startswith("synth-"))
