"""DCAT-AP 3.0.1 export and import of the health data map, with the HealthDCAT-AP properties
where the data has them (docs/decisions/0008-dcat-ap.md explains every mapping choice).

- `vocabulary` – namespaces, the EU code lists and how our codes map onto them;
- `export` – `catalogue_graph()` (an rdflib graph, for validation) and `catalogue_document()`
  (Turtle or JSON-LD text for the API; `MEDIA_TYPES` gives the Content-Type);
- `writers` – the Turtle and JSON-LD writers; `serialize()` writes any graph;
- `parsing` – reading and parsing a source (`parse()`, `DcatImportError`);
- `harvest` – `import_catalogue()`: a DCAT catalogue into the map, through datamap's services;
- `report` – `ImportReport`, what an import did.

The names below are re-exported for callers that import them from `videnbro.datamap.dcat`.
"""

from .export import catalogue_document, catalogue_graph
from .harvest import import_catalogue
from .parsing import DcatImportError, parse
from .report import ImportReport
from .vocabulary import (
    ACCESS_RIGHT,
    DATA_THEME,
    DCAT,
    DCT,
    FOAF,
    FORMATS,
    HEALTHDCATAP,
    MEDIA_TYPES,
    PREFIXES,
)
from .writers import serialize

__all__ = [
    "ACCESS_RIGHT",
    "DATA_THEME",
    "DCAT",
    "DCT",
    "FOAF",
    "FORMATS",
    "HEALTHDCATAP",
    "MEDIA_TYPES",
    "PREFIXES",
    "DcatImportError",
    "ImportReport",
    "catalogue_document",
    "catalogue_graph",
    "import_catalogue",
    "parse",
    "serialize",
]
