"""The DCAT-AP 3.0.1 export of the data map (with the HealthDCAT-AP properties the data has):
`catalogue_graph()` gives the catalogue as an rdflib graph (validation), `catalogue_document()`
as Turtle or JSON-LD text for the API. Decision 0008 explains every mapping choice."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from django.db.models import Max, QuerySet, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import override
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from videnbro.registry.models import Organisation

from ..models import AccessRoute, Dataset, Theme, Variable
from .vocabulary import (
    ACCESS_RIGHT,
    ACCESS_RIGHT_LABELS,
    COUNTRY,
    CSVW,
    CSVW_NAME,
    CUSTODIAN_ROLE,
    DATA_THEME,
    DCAT,
    DCATAP,
    DCT,
    DPV,
    EHDS_REGULATION,
    ELI,
    EMAIL,
    EU_AUTHORITY,
    EU_THEME_LABELS,
    EU_THEMES,
    FOAF,
    FREQUENCIES,
    FREQUENCY,
    HEALTHDCATAP,
    LANGUAGE,
    PREFIXES,
    PROV,
    PUBLISHER_TYPE,
    PUBLISHER_TYPES,
    THEME_LABELS_EN,
    THEMES,
    VARIABLE_DATATYPES,
    VCARD,
    WIKIDATA_CODING_SYSTEMS,
    to_iri,
)
from .writers import Triples, format_name, write


class _Builder:
    def __init__(self, base_url: str) -> None:
        self.base = base_url.rstrip("/")
        self.doc = f"{self.base}/api/v1/catalogue.ttl"
        # subject → predicate → objects (dicts as ordered sets): grouped for the writers,
        # without the cost of an rdflib store for catalogues of thousands of datasets.
        self.data: Triples = {}
        self._seen: set[Node] = set()

    def add(self, s: Node, p: Node, o: Node) -> None:
        predicates = self.data.get(s)
        if predicates is None:
            predicates = self.data[s] = {}
        objects = predicates.get(p)
        if objects is None:
            objects = predicates[p] = {}
        objects[o] = None

    def text(self, s: Node, p: Node, value: str, lang: str | None = None) -> None:
        if value:
            self.add(s, p, Literal(value, lang=lang))

    def triples(self) -> Iterator[tuple[Node, Node, Node]]:
        for s, predicates in self.data.items():
            for p, objects in predicates.items():
                for o in objects:
                    yield s, p, o

    def graph(self) -> Graph:
        graph = Graph()
        for prefix, namespace in PREFIXES.items():
            graph.bind(prefix, namespace)
        graph.addN((s, p, o, graph) for s, p, o in self.triples())
        return graph

    def once(self, node: Node) -> bool:
        """True the first time a shared node (a concept, an agent …) is described."""
        if node in self._seen:
            return False
        self._seen.add(node)
        return True

    def local(self, name: str) -> URIRef:
        return URIRef(f"{self.doc}#{name}")

    def dataset_iri(self, dataset: Dataset) -> URIRef:
        return URIRef(f"{self.base}/datalandkort/{dataset.key}/")

    def document(self, url: str) -> URIRef:
        node = to_iri(url)
        if self.once(node):
            self.add(node, RDF.type, FOAF.Document)
        return node

    def concept(
        self, iri: URIRef, labels: dict[str, str], scheme: URIRef | None = None, types: Iterable[URIRef] = ()
    ) -> URIRef:
        if self.once(iri):
            self.add(iri, RDF.type, SKOS.Concept)
            for extra in types:
                self.add(iri, RDF.type, extra)
            for lang, label in labels.items():
                self.text(iri, SKOS.prefLabel, label, lang)
            if scheme is not None:
                self.add(iri, SKOS.inScheme, scheme)
        return iri

    def scheme(self, iri: URIRef, titles: dict[str, str]) -> URIRef:
        if self.once(iri):
            self.add(iri, RDF.type, SKOS.ConceptScheme)
            for lang, title in titles.items():
                self.text(iri, DCT.title, title, lang)
        return iri

    def agent(self, organisation: Organisation) -> URIRef:
        iri = URIRef(f"{self.base}/organisationer/{organisation.key}/")
        if self.once(iri):
            self.add(iri, RDF.type, FOAF.Agent)
            self.add(iri, RDF.type, FOAF.Organization)
            self.text(iri, FOAF.name, organisation.name)
            if organisation.name_en and organisation.name_en != organisation.name:
                self.text(iri, FOAF.name, organisation.name_en, "en")
            if organisation.website:
                self.add(iri, FOAF.homepage, self.document(organisation.website))
            if organisation.kind in PUBLISHER_TYPES:
                code, label = PUBLISHER_TYPES[organisation.kind]
                scheme = self.scheme(
                    URIRef("http://purl.org/adms/publishertype/1.0"), {"en": "Publisher type"}
                )
                self.add(iri, DCT.type, self.concept(PUBLISHER_TYPE[code], {"en": label}, scheme))
        return iri

    def theme(self, key: str) -> URIRef:
        scheme = self.scheme(
            self.local("temaer"), {"da": "Videnbros sundhedstemaer", "en": "Videnbro health themes"}
        )
        iri = self.local(f"tema-{key}")
        if self.once(iri):
            with override("da"):
                label_da = str(Theme(key).label)
            self.concept(iri, {"da": label_da, "en": THEME_LABELS_EN.get(key, key)}, scheme)
            self.text(iri, SKOS.notation, key)
        return iri

    def eu_theme(self, code: str) -> URIRef:
        scheme = self.scheme(URIRef(EU_AUTHORITY + "data-theme"), {"en": "Data theme"})
        return self.concept(DATA_THEME[code], {"en": EU_THEME_LABELS[code]}, scheme)

    def coding_system(self, code: str) -> URIRef:
        iri = URIRef(WIKIDATA_CODING_SYSTEMS.get(code) or self.local(f"kodesystem-{_iri_safe(code)}"))
        if self.once(iri):
            self.add(iri, RDF.type, DCT.Standard)
            self.text(iri, DCT.identifier, code)
            self.text(iri, DCT.title, code)
        return iri

    def access_right(self, code: str) -> URIRef:
        iri = ACCESS_RIGHT[code]
        if self.once(iri):
            self.add(iri, RDF.type, DCT.RightsStatement)
            self.concept(
                iri,
                {"en": ACCESS_RIGHT_LABELS[code]},
                self.scheme(URIRef(EU_AUTHORITY + "access-right"), {"en": "Access right"}),
            )
        return iri

    def frequency(self, value: str) -> URIRef:
        code, label = FREQUENCIES[value]
        return self.concept(
            FREQUENCY[code],
            {"en": label},
            self.scheme(URIRef(EU_AUTHORITY + "frequency"), {"en": "Frequency"}),
            types=(DCT.Frequency,),
        )

    def legislation(self) -> URIRef:
        if self.once(EHDS_REGULATION):
            self.add(EHDS_REGULATION, RDF.type, ELI.LegalResource)
            self.text(
                EHDS_REGULATION,
                RDFS.label,
                "Regulation (EU) 2025/327 on the European Health Data Space",
                "en",
            )
        return EHDS_REGULATION

    def language(self, code: str) -> URIRef:
        iri = LANGUAGE[code]
        if self.once(iri):
            self.add(iri, RDF.type, DCT.LinguisticSystem)
        return iri

    def denmark(self) -> URIRef:
        iri = COUNTRY["DNK"]
        if self.once(iri):
            self.add(iri, RDF.type, DCT.Location)
        return iri

    def access_service(self, route: AccessRoute) -> URIRef:
        iri = self.local(f"adgangsvej-{route.key}")
        if self.once(iri):
            self.add(iri, RDF.type, DCAT.DataService)
            self.text(iri, DCT.identifier, route.key)
            self.text(iri, DCT.title, route.name, "da")
            self.text(iri, DCT.title, route.name_en, "en")
            self.add(iri, DCAT.endpointURL, to_iri(route.url))
            self.add(iri, DCAT.landingPage, self.document(route.url))
            self.text(iri, DCT.description, _numbered(route.steps), "da")
            self.text(iri, DCT.description, _numbered(route.steps_en), "en")
            if route.organisation is not None:
                self.add(iri, DCT.publisher, self.agent(route.organisation))
                contact = URIRef(f"{iri}-kontakt")
                self.add(iri, DCAT.contactPoint, contact)
                self.add(contact, RDF.type, VCARD.Kind)
                self.add(contact, RDF.type, VCARD.Organization)
                self.text(contact, VCARD.fn, route.organisation.name)
                self.add(contact, VCARD.hasURL, to_iri(route.url))
        return iri

    def variables(self, dataset: Dataset, node: URIRef, variables: list[Variable]) -> None:
        schema = URIRef(f"{node}#variabler")
        self.add(node, DCT.conformsTo, schema)
        self.add(schema, RDF.type, DCT.Standard)
        self.add(schema, RDF.type, CSVW.Schema)
        self.text(schema, DCT.title, f"Nøglevariable i {dataset.title}", "da")
        self.text(schema, DCT.title, f"Key variables in {dataset.title_en}" if dataset.title_en else "", "en")
        columns = []
        for number, variable in enumerate(variables, start=1):
            column = URIRef(f"{node}#variabel-{number}")
            columns.append(column)
            self.add(column, RDF.type, CSVW.Column)
            self.text(column, DCT.identifier, variable.name)
            if CSVW_NAME.match(variable.name):
                self.text(column, CSVW.name, variable.name)
            self.text(column, CSVW.title, variable.label, "da")
            self.text(column, CSVW.title, variable.label_en, "en")
            if variable.type in VARIABLE_DATATYPES:
                self.text(column, CSVW.datatype, VARIABLE_DATATYPES[variable.type])
            elif variable.type == Variable.Type.CODE:
                self.add(column, CSVW.datatype, self.code_datatype())
            if variable.coding_system:
                self.add(column, DCT.conformsTo, self.coding_system(variable.coding_system))
            if variable.source_url:
                self.add(column, RDFS.seeAlso, to_iri(variable.source_url))
        nodes = [BNode() for _ in columns]
        self.add(schema, CSVW.column, nodes[0])
        for position, (item, column) in enumerate(zip(nodes, columns, strict=True)):
            self.add(item, RDF.first, column)
            self.add(item, RDF.rest, nodes[position + 1] if position + 1 < len(nodes) else RDF.nil)

    def code_datatype(self) -> URIRef:
        iri = self.local("datatype-code")
        if self.once(iri):
            self.add(iri, RDF.type, CSVW.Datatype)
            self.text(iri, CSVW.base, "string")
            self.text(iri, DCT.identifier, Variable.Type.CODE.value)
            self.text(iri, RDFS.label, "kode (fra kodesystemet)", "da")
            self.text(iri, RDFS.label, "code (from the coding system)", "en")
        return iri

    def dataset(self, catalogue: URIRef, dataset: Dataset) -> None:
        node = self.dataset_iri(dataset)
        self.add(catalogue, DCAT.dataset, node)
        self.add(node, RDF.type, DCAT.Dataset)
        self.text(node, DCT.identifier, dataset.key)
        self.text(node, DCT.title, dataset.title, "da")
        self.text(node, DCT.title, dataset.title_en, "en")
        self.text(node, DCT.alternative, dataset.acronym)
        # dct:description is mandatory in DCAT-AP: fall back to the title.
        self.text(node, DCT.description, dataset.description or dataset.title, "da")
        self.text(node, DCT.description, dataset.description_en, "en")
        custodian = self.agent(dataset.custodian)
        self.add(node, DCT.publisher, self.agent(dataset.publisher) if dataset.publisher else custodian)
        attribution = URIRef(f"{node}#dataansvarlig")
        self.add(node, PROV.qualifiedAttribution, attribution)
        self.add(attribution, RDF.type, PROV.Attribution)
        self.add(attribution, PROV.agent, custodian)
        self.add(
            attribution, DCAT.hadRole, self.concept(CUSTODIAN_ROLE, {"en": "Custodian"}, types=(DCAT.Role,))
        )
        contact = URIRef(f"{node}#kontakt")
        self.add(node, DCAT.contactPoint, contact)
        self.add(contact, RDF.type, VCARD.Kind)
        self.add(contact, RDF.type, VCARD.Organization)
        if dataset.contact_point and EMAIL.match(dataset.contact_point):
            self.text(contact, VCARD.fn, dataset.custodian.name)
            self.add(contact, VCARD.hasEmail, to_iri(f"mailto:{dataset.contact_point}"))
        else:
            self.text(contact, VCARD.fn, dataset.contact_point or dataset.custodian.name)
        if dataset.landing_page:
            self.add(contact, VCARD.hasURL, to_iri(dataset.landing_page))
            self.add(node, DCAT.landingPage, self.document(dataset.landing_page))
        if dataset.source_url:
            self.add(node, FOAF.page, self.document(dataset.source_url))
        if dataset.source_note:
            provenance = URIRef(f"{node}#kilde")
            self.add(node, DCT.provenance, provenance)
            self.add(provenance, RDF.type, DCT.ProvenanceStatement)
            self.text(provenance, RDFS.label, dataset.source_note, "da")
        for keyword in dataset.keywords:
            self.text(node, DCAT.keyword, keyword, "da")
        eu_codes: list[str] = []
        for key in dataset.themes:
            if key not in THEMES:
                continue
            self.add(node, HEALTHDCATAP.healthTheme, self.theme(key))
            for code in EU_THEMES.get(key, ("HEAL",)):
                if code not in eu_codes:
                    eu_codes.append(code)
        for code in eu_codes:
            self.add(node, DCAT.theme, self.eu_theme(code))
        if dataset.update_frequency in FREQUENCIES:
            self.add(node, DCT.accrualPeriodicity, self.frequency(dataset.update_frequency))
        if dataset.time_coverage_from:
            period = URIRef(f"{node}#tidsperiode")
            self.add(node, DCT.temporal, period)
            self.add(period, RDF.type, DCT.PeriodOfTime)
            self.add(period, DCAT.startDate, Literal(f"{dataset.time_coverage_from:04d}", datatype=XSD.gYear))
        access = (
            "NON_PUBLIC" if dataset.personal_data else "RESTRICTED" if dataset.access_route_id else "PUBLIC"
        )
        self.add(node, DCT.accessRights, self.access_right(access))
        self.add(node, DCATAP.applicableLegislation, self.legislation())
        self.add(node, DCT.language, self.language("DAN"))
        self.add(node, DCT.spatial, self.denmark())
        for code in dataset.coding_systems:
            self.add(node, HEALTHDCATAP.hasCodingSystem, self.coding_system(code))
        if dataset.number_of_records is not None:
            self.add(
                node,
                HEALTHDCATAP.numberOfRecords,
                Literal(dataset.number_of_records, datatype=XSD.nonNegativeInteger),
            )
        if dataset.unique_individuals is not None:
            self.add(
                node,
                HEALTHDCATAP.numberOfUniqueIndividuals,
                Literal(dataset.unique_individuals, datatype=XSD.nonNegativeInteger),
            )
        self.text(node, HEALTHDCATAP.populationCoverage, dataset.population_coverage, "da")
        if dataset.legal_basis:
            basis = URIRef(f"{node}#hjemmel")
            self.add(node, DPV.hasLegalBasis, basis)
            self.add(basis, RDF.type, DPV.LegalBasis)
            self.text(basis, RDFS.label, dataset.legal_basis, "da")
        if dataset.personal_data:
            self.add(node, DPV.hasPersonalData, DPV.PersonalData)
        route = dataset.access_route
        if route is not None:
            if route.organisation is not None:
                self.add(node, HEALTHDCATAP.hdab, self.agent(route.organisation))
            if route.url:
                service = self.access_service(route)
                self.add(catalogue, DCAT.service, service)
                self.add(service, DCAT.servesDataset, node)
                distribution = URIRef(f"{node}#adgang")
                self.add(node, DCAT.distribution, distribution)
                self.add(distribution, RDF.type, DCAT.Distribution)
                self.add(distribution, DCAT.accessURL, to_iri(route.url))
                self.add(distribution, DCAT.accessService, service)
                self.text(distribution, DCT.title, f"Adgang via {route.name}", "da")
                self.text(
                    distribution, DCT.title, f"Access through {route.name_en}" if route.name_en else "", "en"
                )
                self.text(
                    distribution,
                    DCT.description,
                    "Data kan ikke hentes her. Der søges "
                    "om adgang gennem adgangsvejen; trinene står i dens beskrivelse.",
                    "da",
                )
                self.text(
                    distribution,
                    DCT.description,
                    "The data cannot be downloaded here. "
                    "Access is applied for through the access route; its description "
                    "lists the steps.",
                    "en",
                )
        variables = list(dataset.variables.all())
        if variables:
            self.variables(dataset, node, variables)


def _numbered(steps: list[str]) -> str:
    return "\n".join(f"{n}. {step}" for n, step in enumerate(steps, start=1))


def _iri_safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-") or "x"


def _with_relations(datasets: Iterable[Dataset] | QuerySet[Dataset] | None) -> list[Dataset]:
    related = ("custodian", "publisher", "access_route__organisation")
    if datasets is None:
        datasets = Dataset.objects.all()
    if isinstance(datasets, QuerySet):
        return list(datasets.select_related(*related).prefetch_related("variables").order_by("key"))
    rows = list(datasets)
    prefetch_related_objects(rows, *related, "variables")
    return rows


def _build(datasets: Iterable[Dataset] | QuerySet[Dataset] | None, base_url: str) -> _Builder:
    builder = _Builder(base_url)
    rows = _with_relations(datasets)
    catalogue = URIRef(builder.doc)
    add, text = builder.add, builder.text
    add(catalogue, RDF.type, DCAT.Catalog)
    text(catalogue, DCT.title, "Videnbro – Datalandkort over danske sundhedsdata", "da")
    text(catalogue, DCT.title, "Videnbro – Danish health data map", "en")
    text(
        catalogue,
        DCT.description,
        "Danske sundhedsregistre, kliniske kvalitetsdatabaser, "
        "biobanker og befolkningsregistre: hvad de indeholder, hvem der er dataansvarlig, og "
        "hvordan man søger om adgang. Kataloget beskriver data; det indeholder ingen "
        "personhenførbare data.",
        "da",
    )
    text(
        catalogue,
        DCT.description,
        "Danish health registries, clinical quality databases, "
        "biobanks and population registers: what they hold, who the custodian is and how to "
        "apply for access. The catalogue describes data; it holds no patient-level data.",
        "en",
    )
    publisher = builder.local("videnbro")
    add(catalogue, DCT.publisher, publisher)
    add(publisher, RDF.type, FOAF.Agent)
    add(publisher, RDF.type, FOAF.Organization)
    text(publisher, FOAF.name, "Videnbro")
    add(catalogue, FOAF.homepage, builder.document(f"{builder.base}/datalandkort/"))
    add(catalogue, DCT.language, builder.language("DAN"))
    add(catalogue, DCT.language, builder.language("ENG"))
    add(catalogue, DCT.spatial, builder.denmark())
    add(catalogue, DCATAP.applicableLegislation, builder.legislation())
    add(
        catalogue,
        DCAT.themeTaxonomy,
        builder.scheme(URIRef(EU_AUTHORITY + "data-theme"), {"en": "Data theme"}),
    )
    add(
        catalogue,
        DCAT.themeTaxonomy,
        builder.scheme(
            builder.local("temaer"), {"da": "Videnbros sundhedstemaer", "en": "Videnbro health themes"}
        ),
    )
    last = max((d.updated for d in rows if d.updated), default=None)
    if last is None:
        last = Dataset.objects.aggregate(last=Max("updated"))["last"] or timezone.now()
    add(catalogue, DCT.modified, Literal(timezone.localdate(last).isoformat(), datatype=XSD.date))
    for dataset in rows:
        builder.dataset(catalogue, dataset)
    return builder


def catalogue_graph(datasets: Iterable[Dataset] | QuerySet[Dataset] | None = None, *, base_url: str) -> Graph:
    """The catalogue (all datasets, or the given ones) as a DCAT-AP 3.0.1 rdflib graph."""
    return _build(datasets, base_url).graph()


def catalogue_document(
    datasets: Iterable[Dataset] | QuerySet[Dataset] | None = None, *, base_url: str, fmt: str = "turtle"
) -> str:
    """The catalogue (all datasets, or the given ones) as Turtle or JSON-LD text – the same
    triples as `catalogue_graph`, written without building an rdflib graph (fast enough for
    thousands of datasets). MEDIA_TYPES gives the Content-Type."""
    return write(_build(datasets, base_url).data, format_name(fmt))
