"""DCAT-AP 3.0.1 export (validated with pyshacl against the SEMIC shapes) and the DCAT import:
round trip, idempotence, skipped datasets, the `videnbro import dcat` command."""

from __future__ import annotations

import http.server
import threading
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, SH, XSD

from videnbro.datamap import dcat
from videnbro.datamap.dcat import (
    ACCESS_RIGHT,
    DATA_THEME,
    DCAT,
    DCT,
    HEALTHDCATAP,
    MEDIA_TYPES,
    catalogue_document,
    catalogue_graph,
    import_catalogue,
    serialize,
)
from videnbro.datamap.models import AccessRoute, Dataset, Sandbox, Variable
from videnbro.registry.models import Organisation

pytestmark = pytest.mark.django_db

BASE = "https://videnbro.example"
SHAPES = Path(__file__).resolve().parents[1] / "standards" / "dcat-ap-3.0.1"


@pytest.fixture(scope="module")
def shapes() -> Graph:
    graph = Graph()
    graph.parse(SHAPES / "shapes.ttl", format="turtle")
    graph.parse(SHAPES / "range.ttl", format="turtle")
    return graph


def assert_valid(data: Graph, shapes: Graph) -> None:
    """Fail on any sh:Violation (shapes.ttl also has a few sh:Warning constraints)."""
    from pyshacl import validate

    _conforms, results, text = validate(
        data, shacl_graph=shapes, inference="none", allow_warnings=True, advanced=False
    )
    violations = list(results.subjects(SH.resultSeverity, SH.Violation))
    assert not violations, f"{len(violations)} DCAT-AP violation(s):\n{text}"


def snapshot() -> dict[str, dict]:
    """Everything the DCAT mapping carries, per dataset key (lists as sets: RDF has no order)."""
    result = {}
    for d in Dataset.objects.select_related("custodian", "publisher", "access_route__organisation"):
        route = d.access_route
        result[d.key] = {
            "title": d.title,
            "title_en": d.title_en,
            "acronym": d.acronym,
            "description": d.description,
            "description_en": d.description_en,
            # No publisher means the custodian publishes it; the export says so explicitly.
            "custodian": d.custodian.key,
            "publisher": (d.publisher or d.custodian).key,
            "contact_point": d.contact_point,
            "themes": set(d.themes),
            "keywords": set(d.keywords),
            "coding_systems": set(d.coding_systems),
            "population_coverage": d.population_coverage,
            "time_coverage_from": d.time_coverage_from,
            "update_frequency": d.update_frequency,
            "number_of_records": d.number_of_records,
            "unique_individuals": d.unique_individuals,
            "legal_basis": d.legal_basis,
            "personal_data": d.personal_data,
            "landing_page": d.landing_page,
            "source_url": d.source_url,
            "source_note": d.source_note,
            "access_route": route
            and (
                route.key,
                route.name,
                route.name_en,
                route.url,
                route.organisation_id,
                route.steps,
                route.steps_en,
            ),
            "variables": [
                (v.name, v.label, v.label_en, v.type, v.coding_system, v.source_url)
                for v in d.variables.order_by("pk")
            ],
        }
    return result


def test_it_whole_catalogue_validates_against_dcat_ap_3(shapes):
    graph = catalogue_graph(base_url=BASE)
    assert len(set(graph.subjects(RDF.type, DCAT.Dataset))) == Dataset.objects.count() >= 40
    assert_valid(graph, shapes)


def test_it_one_dataset_validates_too(shapes):
    dataset = Dataset.objects.get(key="landspatientregisteret")
    graph = catalogue_graph([dataset], base_url=BASE)
    assert set(graph.subjects(RDF.type, DCAT.Dataset)) == {
        URIRef(f"{BASE}/datalandkort/landspatientregisteret/")
    }
    assert_valid(graph, shapes)


def test_it_a_sparse_dataset_validates():
    """No description, landing page, variables or access route: still valid DCAT-AP."""
    from pyshacl import validate

    custodian = Organisation.objects.get(key="sundhedsdatastyrelsen")
    dataset = Dataset.objects.create(
        key="sparse", title="Sparsomt register", custodian=custodian, personal_data=False
    )
    graph = catalogue_graph([dataset], base_url=BASE)
    shapes_graph = Graph().parse(SHAPES / "shapes.ttl").parse(SHAPES / "range.ttl")
    _conforms, results, text = validate(graph, shacl_graph=shapes_graph, allow_warnings=True)
    assert not list(results.subjects(SH.resultSeverity, SH.Violation)), text
    node = URIRef(f"{BASE}/datalandkort/sparse/")
    assert (node, DCT.accessRights, ACCESS_RIGHT.PUBLIC) in graph


def test_it_export_carries_the_healthdcat_ap_properties():
    graph = catalogue_graph(base_url=BASE)
    lpr = URIRef(f"{BASE}/datalandkort/landspatientregisteret/")
    assert (lpr, DCT.identifier, Literal("landspatientregisteret")) in graph
    assert (lpr, DCT.title, Literal("Landspatientregisteret", lang="da")) in graph
    assert (lpr, DCT.title, Literal("Danish National Patient Registry", lang="en")) in graph
    assert (lpr, DCAT.theme, DATA_THEME.HEAL) in graph
    assert (lpr, DCT.accessRights, ACCESS_RIGHT.NON_PUBLIC) in graph
    assert (
        lpr,
        HEALTHDCATAP.numberOfUniqueIndividuals,
        Literal(8085603, datatype=XSD.nonNegativeInteger),
    ) in graph
    assert (
        lpr,
        HEALTHDCATAP.hasCodingSystem,
        URIRef("http://www.wikidata.org/entity/P494"),
    ) in graph  # ICD-10
    assert (lpr, HEALTHDCATAP.hdab, URIRef(f"{BASE}/organisationer/sundhedsdatastyrelsen/")) in graph
    assert len(list(graph.objects(lpr, HEALTHDCATAP.healthTheme))) == 3
    period = graph.value(lpr, DCT.temporal)
    assert graph.value(period, DCAT.startDate) == Literal("1977", datatype=XSD.gYear)
    distribution = graph.value(lpr, DCAT.distribution)
    service = graph.value(distribution, DCAT.accessService)
    assert graph.value(service, DCT.identifier) == Literal("sds_forskerservice")
    assert (URIRef(f"{BASE}/api/v1/catalogue.ttl"), DCAT.service, service) in graph
    # Statistics Denmark's income register is a population/socioeconomic source, not HEAL.
    income = URIRef(f"{BASE}/datalandkort/personindkomster/")
    if (income, RDF.type, DCAT.Dataset) in graph:
        assert (income, DCAT.theme, DATA_THEME.SOCI) in graph
        assert (income, DCAT.theme, DATA_THEME.HEAL) not in graph


def test_it_turtle_and_json_ld_hold_the_same_graph():
    graph = catalogue_graph(base_url=BASE)
    turtle = catalogue_document(base_url=BASE, fmt="turtle")
    json_ld = catalogue_document(base_url=BASE, fmt="json-ld")
    from_turtle = dcat.parse(turtle, "turtle")
    from_json = dcat.parse(json_ld, "json-ld")
    assert len(from_turtle) == len(from_json) == len(graph)
    assert isomorphic(from_turtle, graph) and isomorphic(from_json, graph)
    # serialize() writes any rdflib graph the same way.
    assert len(dcat.parse(serialize(from_json, "ttl"), "turtle")) == len(graph)
    assert len(dcat.parse(serialize(from_turtle, "jsonld"), "json-ld")) == len(graph)
    assert set(MEDIA_TYPES) == {"turtle", "json-ld"}
    with pytest.raises(ValueError):
        catalogue_document(base_url=BASE, fmt="csv")


def test_it_awkward_text_survives_both_syntaxes():
    custodian = Organisation.objects.get(key="sundhedsdatastyrelsen")
    text = 'Linje 1 "citat" \\ backslash\nLinje 2 – æøå; @da ^^ <x> \r slut'
    dataset = Dataset.objects.create(
        key="awkward",
        title=text[:200],
        description=text,
        custodian=custodian,
        keywords=[text[:50]],
        landing_page="https://example.org/a b?x=<1>",
    )
    graph = catalogue_graph([dataset], base_url=BASE)
    for fmt in ("turtle", "json-ld"):
        parsed = dcat.parse(catalogue_document([dataset], base_url=BASE, fmt=fmt), fmt)
        assert len(parsed) == len(graph)
        node = URIRef(f"{BASE}/datalandkort/awkward/")
        assert parsed.value(node, DCT.description) == Literal(text, lang="da")


def test_it_round_trip_into_an_empty_map_gives_the_same_catalogue():
    before = snapshot()
    organisations = Organisation.objects.count()
    turtle = catalogue_document(base_url=BASE, fmt="turtle").encode()
    Sandbox.objects.all().delete()
    Dataset.objects.all().delete()
    AccessRoute.objects.all().delete()
    assert not Variable.objects.exists()

    report = import_catalogue(turtle)

    assert not report.skipped, report.skipped
    assert len(report.created) == len(before) and not report.updated
    assert not report.organisations_created
    assert Organisation.objects.count() == organisations
    after = snapshot()
    assert after.keys() == before.keys()
    for key, values in before.items():
        assert after[key] == values, key
    # Processing times and fees are not DCAT-AP properties: they do not travel (decision 0008).
    assert set(report.access_routes_created) == {
        v["access_route"][0] for v in before.values() if v["access_route"]
    }


def test_it_importing_twice_creates_nothing_new():
    before = snapshot()
    data = catalogue_document(base_url=BASE, fmt="json-ld").encode()
    for _ in range(2):
        report = import_catalogue(data)
        assert not report.created and not report.updated and not report.skipped
        assert len(report.unchanged) == len(before)
        assert not report.organisations_created and not report.access_routes_created
    assert snapshot() == before
    rdf_xml = catalogue_graph(base_url=BASE).serialize(format="xml").encode()
    report = import_catalogue(rdf_xml)  # the syntax is recognised from the content
    assert len(report.unchanged) == len(before) and not report.skipped


FOREIGN = """
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix healthdcatap: <http://healthdataportal.eu/ns/health#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

<https://data.example/catalog> a dcat:Catalog ;
    dcat:dataset <https://data.example/ds/1>, <https://data.example/ds/2>,
                 <https://data.example/ds/3>, <https://data.example/ds/4> .

<https://data.example/ds/1> a dcat:Dataset ;
    dct:description "A dataset that forgot its title."@en ;
    dct:publisher <https://data.example/org/x> .

<https://data.example/ds/2> a dcat:Dataset ;
    dct:identifier "https://data.example/ds/2" ;
    dct:title "Testkohorten for hjertesvigt"@da, "Heart failure test cohort"@en ;
    dct:description "En kohorte."@da ;
    dcat:keyword "hjertesvigt"@da, "heart failure"@en ;
    dct:accrualPeriodicity <http://publications.europa.eu/resource/authority/frequency/ANNUAL> ;
    healthdcatap:numberOfRecords "1200"^^xsd:nonNegativeInteger ;
    healthdcatap:hasCodingSystem <http://www.wikidata.org/entity/P494> ;
    dct:accessRights <http://publications.europa.eu/resource/authority/access-right/NON_PUBLIC> ;
    dct:publisher <https://data.example/org/x> .

<https://data.example/org/x> a foaf:Agent ;
    foaf:name "Forskningsenheden for Testkohorter" ;
    dct:type <http://purl.org/adms/publishertype/Academia-ScientificOrganisation> .

<https://data.example/ds/3> a dcat:Dataset ;
    dct:title "Landspatientregisteret"@da ;
    dct:description "The same registry under a foreign identifier."@en ;
    dct:publisher [ a foaf:Agent ; foaf:name "Sundhedsdatastyrelsen" ] .

<https://data.example/ds/4> a dcat:Dataset ;
    dct:title "Uden dataansvarlig"@da .
"""


def test_it_foreign_catalogue_skips_with_reasons_and_never_duplicates():
    lpr = Dataset.objects.get(key="landspatientregisteret")
    count = Dataset.objects.count()
    report = import_catalogue(FOREIGN.encode(), fmt="turtle")

    reasons = dict(report.skipped)
    assert reasons["https://data.example/ds/1"] == "no dct:title"
    assert "no custodian" in reasons["https://data.example/ds/4"]
    created = Dataset.objects.get(title="Testkohorten for hjertesvigt")
    assert report.created == [created.key] and created.key == "testkohorten-for-hjertesvigt"
    assert created.title_en == "Heart failure test cohort"
    assert created.keywords == ["hjertesvigt"] and created.coding_systems == ["ICD-10"]
    assert created.update_frequency == "annual" and created.number_of_records == 1200
    assert created.personal_data is True
    custodian = created.custodian
    assert custodian.name == "Forskningsenheden for Testkohorter"
    assert custodian.is_verified is True and custodian.kind == "research_institute"
    assert report.organisations_created == [custodian.name]
    # Matched on the title: the registry is updated, not duplicated.
    assert report.updated == ["landspatientregisteret"]
    assert Dataset.objects.count() == count + 1
    lpr.refresh_from_db()
    assert lpr.custodian.key == "sundhedsdatastyrelsen" and lpr.variables.exists()

    again = import_catalogue(FOREIGN.encode())
    assert not again.created and not again.organisations_created
    assert Dataset.objects.count() == count + 1


def test_it_unreadable_sources_are_errors_not_silent():
    with pytest.raises(dcat.DcatImportError, match="Could not parse"):
        import_catalogue(b"@prefix broken", fmt="turtle")
    with pytest.raises(dcat.DcatImportError, match="No such file"):
        import_catalogue("/nonexistent/catalogue.ttl")


def test_it_import_command_on_a_file(tmp_path):
    path = tmp_path / "catalogue.ttl"
    path.write_text(catalogue_document(base_url=BASE), encoding="utf-8")
    out, err = StringIO(), StringIO()
    call_command("import", "dcat", str(path), stdout=out, stderr=err)
    assert f"unchanged {Dataset.objects.count()}" in out.getvalue()
    assert "skipped 0" in out.getvalue()

    foreign = tmp_path / "foreign.ttl"
    foreign.write_text(FOREIGN, encoding="utf-8")
    out, err = StringIO(), StringIO()
    call_command("import", "dcat", str(foreign), "--dry-run", stdout=out, stderr=err)
    assert "Dry run" in out.getvalue() and "no dct:title" in err.getvalue()
    assert not Dataset.objects.filter(title="Testkohorten for hjertesvigt").exists()

    with pytest.raises(CommandError, match="No such file"):
        call_command("import", "dcat", str(tmp_path / "missing.ttl"), stdout=StringIO())


def test_it_import_command_over_http(tmp_path):
    body = FOREIGN.encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "text/turtle")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        out = StringIO()
        call_command(
            "import", "dcat", f"http://127.0.0.1:{server.server_port}/catalog", stdout=out, stderr=StringIO()
        )
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    assert "created 1" in out.getvalue()
    assert Dataset.objects.filter(title="Testkohorten for hjertesvigt").exists()


def test_it_the_validation_would_catch_a_violation(shapes):
    """Guards the guard: a dataset without dct:description and with two publishers fails."""
    from pyshacl import validate

    graph = catalogue_graph([Dataset.objects.get(key="landspatientregisteret")], base_url=BASE)
    lpr = URIRef(f"{BASE}/datalandkort/landspatientregisteret/")
    graph.remove((lpr, DCT.description, None))
    graph.add((lpr, DCT.publisher, URIRef(f"{BASE}/organisationer/danmarks-statistik/")))
    _conforms, results, _text = validate(graph, shacl_graph=shapes, allow_warnings=True)
    paths = {results.value(r, SH.resultPath) for r in results.subjects(SH.resultSeverity, SH.Violation)}
    assert {DCT.description, DCT.publisher} <= paths
