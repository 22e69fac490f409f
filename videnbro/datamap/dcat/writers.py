"""The Turtle and JSON-LD writers of the DCAT export: they write grouped triples (subject →
predicate → objects) straight to text, without building an rdflib graph, which is fast enough
for catalogues of thousands of datasets (bench/datamap_export.py)."""

from __future__ import annotations

import json
import re
from typing import Any, TypeAlias

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from .vocabulary import FORMATS, IRI_ESCAPES, PREFIXES

# subject → predicate → objects (dicts as ordered sets)
Triples: TypeAlias = dict[Node, dict[Node, dict[Node, None]]]


def serialize(graph: Graph, fmt: str) -> str:
    """An rdflib graph as Turtle ("turtle"/"ttl") or JSON-LD ("json-ld"/"jsonld")."""
    data: Triples = {}
    for s, p, o in graph:
        data.setdefault(s, {}).setdefault(p, {})[o] = None
    return write(data, format_name(fmt))


def format_name(fmt: str) -> str:
    """Our name of an export syntax ("turtle" or "json-ld") from any of its aliases."""
    name = FORMATS.get(fmt)
    if name is None:
        raise ValueError(f"Unknown format {fmt!r}; use turtle or json-ld.")
    return name


_NAMESPACES = sorted(((prefix, str(ns)) for prefix, ns in PREFIXES.items()), key=lambda item: -len(item[1]))
_LOCAL_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def _compact(iri: str) -> str | None:
    for prefix, namespace in _NAMESPACES:
        if iri.startswith(namespace) and _LOCAL_NAME.match(iri[len(namespace) :]):
            return f"{prefix}:{iri[len(namespace) :]}"
    return None


def _quote(text: str) -> str:
    return (
        '"' + (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")) + '"'
    )


def write(data: Triples, fmt: str) -> str:
    return _write_json_ld(data) if fmt == "json-ld" else _write_turtle(data)


def _write_turtle(data: Triples) -> str:
    names: dict[Node, str] = {RDF.type: "a"}

    def term(node: Node) -> str:
        name = names.get(node)
        if name is not None:
            return name
        if isinstance(node, URIRef):
            name = _compact(str(node)) or f"<{str(node).translate(IRI_ESCAPES)}>"
            names[node] = name
            return name
        if isinstance(node, BNode):
            return f"_:{node}"
        if not isinstance(node, Literal):
            raise TypeError(f"Not an RDF term of a graph: {node!r}")
        text = _quote(str(node))
        if node.language:
            return f"{text}@{node.language}"
        if node.datatype is not None:
            return f"{text}^^{term(node.datatype)}"
        return text

    out = [f"@prefix {prefix}: <{namespace}> ." for prefix, namespace in PREFIXES.items()]
    for subject, predicates in data.items():
        lines = []
        ordered = sorted(predicates.items(), key=lambda item: item[0] != RDF.type)
        for predicate, objects in ordered:
            lines.append(f"{term(predicate)} {', '.join(term(o) for o in objects)}")
        out.append(f"\n{term(subject)} " + " ;\n    ".join(lines) + " .")
    return "\n".join(out) + "\n"


def _write_json_ld(data: Triples) -> str:
    def ref(node: Node) -> str:
        return f"_:{node}" if isinstance(node, BNode) else str(node)

    def value(node: Node) -> dict[str, str]:
        if not isinstance(node, Literal):
            return {"@id": ref(node)}
        if node.language:
            return {"@value": str(node), "@language": node.language}
        if node.datatype is not None:
            return {"@value": str(node), "@type": str(node.datatype)}
        return {"@value": str(node)}

    keys: dict[Node, str] = {}
    # One node object per line: json.dumps with `indent` uses the pure-Python encoder, which
    # took 2 of the 9 s of a 5,000-dataset export (bench/datamap_export.py).
    nodes = []
    for subject, predicates in data.items():
        item: dict[str, Any] = {"@id": ref(subject)}
        for predicate, objects in predicates.items():
            if predicate == RDF.type and not any(isinstance(o, Literal) for o in objects):
                item["@type"] = [ref(o) for o in objects]
                continue
            key = keys.get(predicate)
            if key is None:
                key = keys[predicate] = _compact(str(predicate)) or str(predicate)
            item[key] = [value(o) for o in objects]
        nodes.append(json.dumps(item, ensure_ascii=False))
    context = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
    return (
        f'{{"@context": {json.dumps(context, ensure_ascii=False, indent=1)},\n'
        ' "@graph": [\n' + ",\n".join(nodes) + "\n]}\n"
    )
