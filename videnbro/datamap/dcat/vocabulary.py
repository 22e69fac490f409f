"""The DCAT-AP vocabulary of the data map: namespaces, the EU code lists and how our codes
(themes, frequencies, organisation kinds, variable types) map onto them (decision 0008).
Shared by the export and the harvest."""

from __future__ import annotations

import re

from django.utils.translation import override
from rdflib import Namespace, URIRef
from rdflib.namespace import RDFS, SKOS, XSD

from videnbro.registry.models import Kind

from ..models import Frequency, Theme, Variable

# Plain namespaces (rdflib's DefinedNamespace classes warn on terms they do not know).
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCT = Namespace("http://purl.org/dc/terms/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
PROV = Namespace("http://www.w3.org/ns/prov#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
HEALTHDCATAP = Namespace("http://healthdataportal.eu/ns/health#")
DPV = Namespace("https://w3id.org/dpv#")
CSVW = Namespace("http://www.w3.org/ns/csvw#")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
SCHEMA = Namespace("http://schema.org/")

EU_AUTHORITY = "http://publications.europa.eu/resource/authority/"
DATA_THEME = Namespace(EU_AUTHORITY + "data-theme/")
FREQUENCY = Namespace(EU_AUTHORITY + "frequency/")
ACCESS_RIGHT = Namespace(EU_AUTHORITY + "access-right/")
LANGUAGE = Namespace(EU_AUTHORITY + "language/")
COUNTRY = Namespace(EU_AUTHORITY + "country/")
PUBLISHER_TYPE = Namespace("http://purl.org/adms/publishertype/")
CUSTODIAN_ROLE = URIRef("http://inspire.ec.europa.eu/metadata-codelist/ResponsiblePartyRole/custodian")
# Regulation (EU) 2025/327 on the European Health Data Space.
EHDS_REGULATION = URIRef("http://data.europa.eu/eli/reg/2025/327/oj")

PREFIXES = {
    "dcat": DCAT,
    "dct": DCT,
    "foaf": FOAF,
    "vcard": VCARD,
    "prov": PROV,
    "dcatap": DCATAP,
    "healthdcatap": HEALTHDCATAP,
    "dpv": DPV,
    "csvw": CSVW,
    "eli": ELI,
    "skos": SKOS,
    "rdfs": RDFS,
    "xsd": XSD,
}

FORMATS = {"turtle": "turtle", "ttl": "turtle", "json-ld": "json-ld", "jsonld": "json-ld"}
MEDIA_TYPES = {"turtle": "text/turtle; charset=utf-8", "json-ld": "application/ld+json"}

# Our themes → the EU data-theme vocabulary (dcat:theme). Every health theme is HEAL; the
# population and socioeconomic registers are SOCI (and ECON). Our own themes are kept as
# healthdcatap:healthTheme in a concept scheme of the catalogue.
EU_THEMES: dict[str, tuple[str, ...]] = {Theme.POPULATION: ("SOCI",), Theme.SOCIOECONOMIC: ("SOCI", "ECON")}
EU_THEME_LABELS = {"HEAL": "Health", "SOCI": "Population and society", "ECON": "Economy and finance"}
THEME_LABELS_EN: dict[str, str] = {
    Theme.HOSPITAL_CARE: "Hospital care",
    Theme.PRIMARY_CARE: "General practice and primary care",
    Theme.MEDICINES: "Medicines",
    Theme.CANCER: "Cancer",
    Theme.MORTALITY: "Deaths",
    Theme.BIRTHS: "Births",
    Theme.INFECTIOUS_DISEASE: "Infectious diseases",
    Theme.MENTAL_HEALTH: "Mental illness",
    Theme.CHRONIC_DISEASE: "Chronic diseases",
    Theme.QUALITY: "Clinical quality",
    Theme.BIOBANK: "Biobank",
    Theme.GENOMICS: "Genomic data",
    Theme.POPULATION: "Population",
    Theme.SOCIOECONOMIC: "Socioeconomics",
    Theme.VACCINATION: "Vaccination",
    Theme.LABORATORY: "Laboratory",
    Theme.PATHOLOGY: "Pathology",
    Theme.DENTAL: "Dental care",
    Theme.CARDIOVASCULAR: "Cardiovascular",
    Theme.SURGERY: "Surgery",
}
FREQUENCIES: dict[str, tuple[str, str]] = {
    Frequency.DAILY: ("DAILY", "daily"),
    Frequency.WEEKLY: ("WEEKLY", "weekly"),
    Frequency.MONTHLY: ("MONTHLY", "monthly"),
    Frequency.QUARTERLY: ("QUARTERLY", "quarterly"),
    Frequency.ANNUAL: ("ANNUAL", "annual"),
    Frequency.IRREGULAR: ("IRREG", "irregular"),
}
ACCESS_RIGHT_LABELS = {"PUBLIC": "public", "RESTRICTED": "restricted", "NON_PUBLIC": "non-public"}
# Registry kinds → the ADMS publisher types (dct:type of a foaf:Agent); kinds without a fitting
# type (hospitals, GTS institutes, groupings, other) get none.
PUBLISHER_TYPES: dict[str, tuple[str, str]] = {
    Kind.NATIONAL_AUTHORITY: ("NationalAuthority", "National authority"),
    Kind.REGION: ("RegionalAuthority", "Regional authority"),
    Kind.MUNICIPALITY: ("LocalAuthority", "Local authority"),
    Kind.UNIVERSITY: ("Academia-ScientificOrganisation", "Academia/Scientific organisation"),
    Kind.UNIVERSITY_COLLEGE: ("Academia-ScientificOrganisation", "Academia/Scientific organisation"),
    Kind.RESEARCH_INSTITUTE: ("Academia-ScientificOrganisation", "Academia/Scientific organisation"),
    Kind.COMPANY: ("Company", "Company"),
    Kind.BUSINESS_ASSOCIATION: ("IndustryConsortium", "Industry consortium"),
    Kind.CIVIL_SOCIETY: ("NonProfitOrganisation", "Non-profit organisation"),
    Kind.FOUNDATION: ("NonProfitOrganisation", "Non-profit organisation"),
    Kind.VOLUNTEER_GROUP: ("NonProfitOrganisation", "Non-profit organisation"),
}
# When the import creates an organisation: only kinds that need nothing else (no region,
# municipality …) are derived from the publisher type; the rest become "other".
KIND_FROM_PUBLISHER_TYPE: dict[str, str] = {
    "NationalAuthority": Kind.NATIONAL_AUTHORITY,
    "Academia-ScientificOrganisation": Kind.RESEARCH_INSTITUTE,
    "Company": Kind.COMPANY,
    "NonProfitOrganisation": Kind.CIVIL_SOCIETY,
    "NonGovernmentalOrganisation": Kind.CIVIL_SOCIETY,
}
# Coding systems with a Wikidata identifier property (what HealthDCAT-AP recommends for
# healthdcatap:hasCodingSystem); the others get an IRI in the catalogue document.
WIKIDATA_CODING_SYSTEMS = {
    "ICD-10": "http://www.wikidata.org/entity/P494",
    "ATC": "http://www.wikidata.org/entity/P267",
}
VARIABLE_DATATYPES: dict[str, str] = {
    Variable.Type.STRING: "string",
    Variable.Type.DATE: "date",
    Variable.Type.INTEGER: "integer",
    Variable.Type.DECIMAL: "decimal",
    Variable.Type.BOOLEAN: "boolean",
}
THEMES = frozenset(Theme.values)
VARIABLE_TYPES = frozenset(Variable.Type.values)
CSVW_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]*$")
SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
STEP_NUMBER = re.compile(r"^\s*\d+[.)]\s*")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_DOWNLOAD_BYTES = 50 * 1024 * 1024
# Characters an IRI may not hold (RFC 3987), percent-encoded when a stored URL has them.
IRI_ESCAPES = str.maketrans({c: f"%{ord(c):02X}" for c in '<>"{}|^`\\ \t\n\r'})


def to_iri(url: str) -> URIRef:
    """A stored URL as an IRI, with the characters an IRI may not hold percent-encoded."""
    return URIRef(url.strip().translate(IRI_ESCAPES))


def theme_by_label() -> dict[str, str]:
    """Our theme code by its Danish or English label (case-folded), for concepts a foreign
    catalogue names only by label."""
    labels = {}
    for theme in Theme:
        with override("da"):
            labels[str(theme.label).casefold()] = theme.value
        labels[THEME_LABELS_EN[theme].casefold()] = theme.value
    return labels
