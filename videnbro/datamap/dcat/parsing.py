"""Reading a DCAT source for the harvest: a file, an http(s) URL or bytes, in Turtle, JSON-LD,
RDF/XML or N-Triples, parsed into an rdflib graph; and the small readers that take texts,
labels, URLs and numbers out of the graph the way the harvest needs them."""

from __future__ import annotations

import re
import urllib.request
import warnings
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS, SKOS
from rdflib.term import Node

from .vocabulary import DCAT, DCT, FORMATS, MAX_DOWNLOAD_BYTES, SCHEMA, STEP_NUMBER


class DcatImportError(Exception):
    """The source could not be read or parsed; nothing was imported."""


def guess_format(data: bytes, hint: str = "") -> str:
    hint = hint.lower()
    for needle, name in (
        ("json", "json-ld"),
        ("turtle", "turtle"),
        (".ttl", "turtle"),
        ("n-triples", "nt"),
        (".nt", "nt"),
        ("rdf+xml", "xml"),
        (".rdf", "xml"),
        (".xml", "xml"),
        (".owl", "xml"),
    ):
        if needle in hint:
            return name
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head[:1] in (b"{", b"["):
        return "json-ld"
    if head.startswith((b"<?xml", b"<rdf:RDF", b"<RDF")):
        return "xml"
    return "turtle"


def read_source(source: str | bytes | Path, fmt: str | None) -> tuple[bytes, str, str]:
    """(data, rdflib format, label) from bytes, an http(s) URL or a file path."""
    if isinstance(source, bytes):
        return source, fmt or guess_format(source), "bytes"
    text = str(source)
    if re.match(r"^https?://", text, re.IGNORECASE):
        request = urllib.request.Request(  # noqa: S310 – http(s) only
            text,
            headers={
                "Accept": "text/turtle, application/ld+json;q=0.9, application/rdf+xml;q=0.8",
                "User-Agent": "Videnbro DCAT harvester",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                data = response.read(MAX_DOWNLOAD_BYTES + 1)
                content_type = response.headers.get("Content-Type", "")
        except OSError as exc:
            raise DcatImportError(f"Could not fetch {text}: {exc}") from exc
        if len(data) > MAX_DOWNLOAD_BYTES:
            raise DcatImportError(f"{text} is larger than {MAX_DOWNLOAD_BYTES} bytes.")
        return data, fmt or guess_format(data, content_type or text), text
    path = Path(text)
    if not path.is_file():
        raise DcatImportError(f"No such file: {path}")
    data = path.read_bytes()
    return data, fmt or guess_format(data, path.suffix), str(path)


def parse(data: bytes | str, fmt: str) -> Graph:
    """Parse RDF; rdflib 7's own JSON-LD parser still builds a ConjunctiveGraph, whose
    deprecation warning is rdflib's business, not the caller's."""
    graph = Graph()
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message="ConjunctiveGraph is deprecated", category=DeprecationWarning
        )
        graph.parse(data=data, format=FORMATS.get(fmt, fmt))
    return graph


def load(source: str | bytes | Path, fmt: str | None) -> Graph:
    data, name, label = read_source(source, FORMATS.get(fmt or "", fmt))
    try:
        return parse(data, name)
    except Exception as exc:  # rdflib raises many kinds of parser errors
        raise DcatImportError(f"Could not parse {label} as {name}: {exc}") from exc


def text_by_language(graph: Graph, subject: Node, *predicates: URIRef) -> dict[str, str]:
    """Language → first non-empty text ('' for no language tag), over the predicates in order."""
    found: dict[str, str] = {}
    for predicate in predicates:
        for value in graph.objects(subject, predicate):
            if isinstance(value, Literal) and str(value).strip():
                found.setdefault((value.language or "").lower(), str(value).strip())
    return found


def danish_of(texts: dict[str, str]) -> str:
    return texts.get("da") or texts.get("") or texts.get("en") or next(iter(texts.values()), "")


def english_of(texts: dict[str, str]) -> str:
    return texts.get("en", "")


def first_object(graph: Graph, subject: Node, predicate: URIRef) -> Node | None:
    return next(iter(graph.objects(subject, predicate)), None)


def label_of(graph: Graph, node: Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, Literal):
        return str(node).strip()
    return danish_of(text_by_language(graph, node, RDFS.label, SKOS.prefLabel, DCT.title, DCT.description))


def url_of(value: Node | str | None, max_length: int = 500) -> str:
    if value is None:
        return ""
    text = str(value).strip()
    if not text or len(text) > max_length:
        return ""
    try:
        URLValidator(schemes=["http", "https"])(text)
    except ValidationError:
        return ""
    return text


def iri_tail(iri: Node | str) -> str:
    return re.split(r"[/#]", str(iri).rstrip("/"))[-1]


def count_of(node: Node | None) -> int | None:
    if not isinstance(node, Literal):
        return None
    try:
        value = int(str(node).strip())
    except ValueError:
        return None
    return value if 0 <= value <= 2**63 - 1 else None


def start_year(graph: Graph, dataset: Node) -> int | None:
    for period in graph.objects(dataset, DCT.temporal):
        for predicate in (DCAT.startDate, SCHEMA.startDate):
            for value in graph.objects(period, predicate):
                match = re.match(r"^(\d{4})", str(value).strip())
                if match and 1000 <= int(match.group(1)) <= 9999:
                    return int(match.group(1))
    return None


def steps_of(text: str) -> list[str]:
    """The steps of a numbered description ("1. …" or "1) …" per line), without the numbers."""
    return [
        STEP_NUMBER.sub("", line).strip()
        for line in (text or "").splitlines()
        if STEP_NUMBER.sub("", line).strip()
    ]
