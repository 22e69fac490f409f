"""What each record looks like in the index. New modules add a builder here."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import translation

from videnbro.core.analysis import terms_text
from videnbro.core.text import normalise_name
from videnbro.datamap.models import Dataset, Theme
from videnbro.partnerships.models import Partnership
from videnbro.registry.models import Organisation

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
    custodian: str = ""
    themes: list[str] = field(default_factory=list)
    coding_systems: list[str] = field(default_factory=list)
    access_route: str = ""
    personal_data: str = ""

    def values(self) -> dict:
        names = [self.title, *self.aliases]
        return {
            "title": self.title[:300],
            "aliases": " | ".join(self.aliases),
            "body": self.body,
            "url": self.url,
            "title_terms": terms_text(" ".join(names)),
            "body_terms": terms_text(self.body),
            "exact_keys": "|".join(sorted({normalise_name(n) for n in names if n})),
            "focus_area": self.focus_area,
            "region": self.region,
            "sector": self.sector,
            "kind": self.kind,
            "is_synthetic": self.is_synthetic,
            "owner": self.owner,
            "custodian": self.custodian,
            "themes": multi_value(self.themes),
            "coding_systems": multi_value(self.coding_systems),
            "access_route": self.access_route,
            "personal_data": self.personal_data,
        }


def multi_value(values: list[str]) -> str:
    """['births', 'cancer'] → '|births|cancer|' (see SearchDocument.themes); [] → ''."""
    kept = sorted({v.replace("|", " ").strip() for v in values} - {""})
    return "|" + "|".join(kept) + "|" if kept else ""


def organisation_documents(organisations) -> list[Document]:
    documents = []
    for org in organisations:
        competences = [c.name for c in org.competences.all()]
        parts = [
            org.description,
            " ".join(competences),
            org.municipality.name if org.municipality_id else "",
            org.region.name if org.region_id else "",
        ]
        documents.append(
            Document(
                DocType.ORGANISATION,
                org.pk,
                org.name,
                org.get_absolute_url(),
                aliases=[a.name for a in org.aliases.all()] + ([org.name_en] if org.name_en else []),
                body="\n".join(p for p in parts if p),
                region=org.region.slug if org.region_id else "",
                sector=org.sector,
                kind=org.kind,
                is_synthetic=org.key.startswith("synth-"),
            )
        )
        for capacity in org.capacities.all():
            documents.append(
                Document(
                    DocType.CAPACITY,
                    capacity.pk,
                    f"{org.name}: {capacity}",
                    org.get_absolute_url() + "#cap-h",
                    body=" ".join(x for x in (str(capacity), capacity.note) if x),
                    region=org.region.slug if org.region_id else "",
                    sector=org.sector,
                    kind=org.kind,
                    owner=f"organisation:{org.pk}",
                )
            )
    return documents


def partnership_documents(partnerships) -> list[Document]:
    documents = []
    for p in partnerships:
        participants = [
            x.organisation.name for x in p.participants.all() if x.organisation.is_verified
        ]  # unverified names stay staff-only
        regions = sorted(
            {x.organisation.region.slug for x in p.participants.all() if x.organisation.region_id}
            | {r.slug for r in p.regions.all()}
        )
        documents.append(
            Document(
                DocType.PARTNERSHIP,
                p.pk,
                p.title,
                p.get_absolute_url(),
                body="\n".join(
                    [
                        p.description,
                        ", ".join(participants),
                        p.get_focus_area_display() if p.focus_area else "",
                    ]
                ),
                focus_area=p.focus_area,
                region=regions[0] if len(regions) == 1 else "",
                kind=p.partner_type,
                is_synthetic=p.is_synthetic,
            )
        )
    return documents


def dataset_documents(datasets) -> list[Document]:
    """Title with the English title and acronym as names; the body holds what a user may search
    a dataset by: descriptions, keywords, population, themes (both languages), coding systems,
    variable names and labels, and the custodian."""
    documents = []
    for d in datasets:
        themes = [t for t in d.themes if t in Theme.values]
        with translation.override("en"):
            themes_en = [str(Theme(t).label) for t in themes]
        variables = [" ".join(x for x in (v.name, v.label, v.label_en) if x) for v in d.variables.all()]
        parts = [
            d.description,
            d.description_en,
            ", ".join(d.keywords),
            d.population_coverage,
            ", ".join([*(str(Theme(t).label) for t in themes), *themes_en]),
            ", ".join(d.coding_systems),
            "; ".join(variables),
            d.custodian.name,
        ]
        documents.append(
            Document(
                DocType.DATASET,
                d.pk,
                d.title,
                d.get_absolute_url(),
                aliases=[x for x in (d.title_en, d.acronym) if x],
                body="\n".join(p for p in parts if p),
                custodian=d.custodian.key,
                themes=themes,
                coding_systems=d.coding_systems,
                access_route=d.access_route.key if d.access_route_id else "",
                personal_data="yes" if d.personal_data else "no",
                is_synthetic=d.is_synthetic,
            )
        )
    return documents


def organisation_queryset():
    """Public (verified) organisations only: an unverified one has no search document (and a
    reindex of one removes it), so neither search nor the matcher nor suggestions show it."""
    return (
        Organisation.objects.public()
        .select_related("municipality", "region")
        .prefetch_related("aliases", "competences", "capacities")
    )


def partnership_queryset():
    return Partnership.objects.prefetch_related("participants__organisation__region", "regions")


def dataset_queryset():
    return Dataset.objects.select_related("custodian", "access_route").prefetch_related("variables")
