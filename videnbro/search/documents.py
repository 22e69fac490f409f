"""What each record looks like in the index. New modules add a builder here."""

from __future__ import annotations

from dataclasses import dataclass, field

from videnbro.partnerships.models import Partnership
from videnbro.registry.models import Organisation
from videnbro.registry.text import normalise_name

from .analysis import terms_text
from .models import DocType


@dataclass
class Document:
    doc_type: str
    object_id: int
    title: str
    url: str
    aliases: list[str] = field(default_factory=list)
    body: str = ""
    focus_area: str = ""
    region: str = ""
    sector: str = ""
    kind: str = ""
    is_synthetic: bool = False
    owner: str = ""

    def values(self) -> dict:
        names = [self.title, *self.aliases]
        return {
            "title": self.title[:300], "aliases": " | ".join(self.aliases), "body": self.body,
            "url": self.url, "title_terms": terms_text(" ".join(names)),
            "body_terms": terms_text(self.body),
            "exact_keys": "|".join(sorted({normalise_name(n) for n in names if n})),
            "focus_area": self.focus_area, "region": self.region, "sector": self.sector,
            "kind": self.kind, "is_synthetic": self.is_synthetic, "owner": self.owner,
        }


def organisation_documents(organisations) -> list[Document]:
    documents = []
    for org in organisations:
        competences = [c.name for c in org.competences.all()]
        parts = [org.description, " ".join(competences),
                 org.municipality.name if org.municipality_id else "",
                 org.region.name if org.region_id else ""]
        documents.append(Document(
            DocType.ORGANISATION, org.pk, org.name, org.get_absolute_url(),
            aliases=[a.name for a in org.aliases.all()] + ([org.name_en] if org.name_en else []),
            body="\n".join(p for p in parts if p),
            region=org.region.slug if org.region_id else "", sector=org.sector, kind=org.kind,
            is_synthetic=org.key.startswith("synth-"),
        ))
        for capacity in org.capacities.all():
            documents.append(Document(
                DocType.CAPACITY, capacity.pk, f"{org.name}: {capacity}",
                org.get_absolute_url() + "#cap-h",
                body=" ".join(x for x in (str(capacity), capacity.note) if x),
                region=org.region.slug if org.region_id else "", sector=org.sector,
                kind=org.kind, owner=f"organisation:{org.pk}",
            ))
    return documents


def partnership_documents(partnerships) -> list[Document]:
    documents = []
    for p in partnerships:
        participants = [x.organisation.name for x in p.participants.all()]
        regions = sorted({x.organisation.region.slug for x in p.participants.all()
                          if x.organisation.region_id} | {r.slug for r in p.regions.all()})
        documents.append(Document(
            DocType.PARTNERSHIP, p.pk, p.title, p.get_absolute_url(),
            body="\n".join([p.description, ", ".join(participants),
                            p.get_focus_area_display() if p.focus_area else ""]),
            focus_area=p.focus_area, region=regions[0] if len(regions) == 1 else "",
            kind=p.partner_type, is_synthetic=p.is_synthetic,
        ))
    return documents


def organisation_queryset():
    return Organisation.objects.select_related("municipality", "region").prefetch_related(
        "aliases", "competences", "capacities")


def partnership_queryset():
    return Partnership.objects.prefetch_related("participants__organisation__region", "regions")
