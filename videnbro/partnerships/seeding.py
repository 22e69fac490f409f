"""Loading the partnership seed files through the partnership services (idempotent).

- `cbs_partnerships.csv`: the 62 partnerships of CBS 2020, Bilag 1, numbered as CBS numbers
  them, with focus area and partner type exactly as CBS coded them.
- `partnerships.csv`, `participants.csv`, `governance_*.csv`, `contributions.csv`,
  `fee_rules.csv`, `outputs.csv`: the partnerships behind seeds 001, 002 and 004; dates as precise
  as their source (`2015`, `2017-10`, `2017-10-03`; registry/seed_data/README.md).
"""

from __future__ import annotations

import calendar
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from tqdm import tqdm

from videnbro.core.audit import SystemActor
from videnbro.core.tabular import read_seed_csv
from videnbro.registry.models import Municipality, Organisation, Region, Source

from . import services
from .models import (
    Contribution,
    DatePrecision,
    GovernanceBody,
    GovernanceMember,
    Output,
    Participant,
    Partnership,
    PartnerTypeOrigin,
    Status,
)
from .rules import suggest_partner_type
from .taxonomy import focus_area_term, partner_type_term

SEED_DIR = Path(__file__).resolve().parent / "seed_data"
ACTOR = SystemActor("seed")
CBS_SOURCE = "cbs-2020"


# Seed corrections of a participant's organisation, applied to databases seeded before them:
# (partnership, wrong organisation, role) → right organisation.
MOVED_PARTICIPANTS = {
    # CHC 2015 writes "Herlev Hospital, Herlev Ringvej 75": the Herlev site, not the merged hospital.
    ("copenhagen-healthtech-cluster", "herlev-og-gentofte-hospital", "partner"): "herlev-hospital",
}


class SeedError(Exception):
    pass


def _read(name: str) -> list[dict[str, str]]:
    return read_seed_csv(SEED_DIR / name)


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split("|")]


def _org(key: str, where: str) -> Organisation:
    organisation = Organisation.objects.filter(key=key).first()
    if organisation is None:
        raise SeedError(f"{where}: unknown organisation key {key!r}")
    return organisation


def _source(code: str, where: str) -> Source | None:
    if not code:
        return None
    source = Source.objects.filter(code=code).first()
    if source is None:
        raise SeedError(f"{where}: unknown source {code!r}")
    return source


def _cbs_participants(row: dict[str, str]) -> list[services.ParticipantInput]:
    keys = _split(row["partner_keys"]) if row["partner_keys"] else []
    notes = _split(row["partner_notes"]) if row["partner_notes"] else []
    participants = []
    for index, key in enumerate(keys):
        if not key:
            continue
        note = notes[index] if index < len(notes) else ""
        role = "funder" if note.casefold() in {"støtte", "finansiering"} else "partner"
        organisation = _org(key, f"CBS #{row['cbs_number']}")
        participants.append(
            services.ParticipantInput(role=role, organisation=organisation, note=note, name=organisation.name)
        )
    return participants


def _sync_fields(partnership: Partnership, fields: dict, stats: Counter) -> None:
    changed = {k: v for k, v in fields.items() if getattr(partnership, k) != v}
    if changed:
        # Seed corrections keep the record's sources and history (history rows via save()).
        for name, value in changed.items():
            setattr(partnership, name, value)
        partnership.save()
        stats["partnerships updated"] += 1


def seed_cbs(stats: Counter, progress: bool) -> None:
    source = _source(CBS_SOURCE, "cbs")
    rows = _read("cbs_partnerships.csv")
    numbers = [int(r["cbs_number"]) for r in rows]
    if sorted(numbers) != list(range(1, len(rows) + 1)):
        raise SeedError("cbs_partnerships.csv must number the partnerships 1..N without gaps")
    for row in tqdm(rows, desc="CBS partnerships", unit="rows", disable=not progress, leave=False):
        where = f"CBS #{row['cbs_number']}"
        focus = focus_area_term(row["focus_area"])
        ptype = partner_type_term(row["partner_type"])
        if focus is None or ptype is None:
            raise SeedError(f"{where}: unknown focus area or partner type")
        fields = {
            "title": row["title"],
            "description": row["description"],
            "focus_area": focus.slug,
            "partner_type": ptype.slug,
            "status": Status.ENDED,
            "is_national": row["description"].casefold().startswith(("nationalt", "landsdækkende")),
        }
        existing = Partnership.objects.filter(cbs_number=int(row["cbs_number"])).first()
        if existing is None:
            services.partnership_create(
                actor=ACTOR,
                key=f"cbs-2020-{int(row['cbs_number']):02d}",
                cbs_number=int(row["cbs_number"]),
                participants=_cbs_participants(row),
                sources=[{"source": source, "source_page": row["source_page"]}],
                partner_type_origin=PartnerTypeOrigin.SOURCE,
                **fields,
            )
            stats["partnerships created"] += 1
        else:
            _sync_fields(existing, fields, stats)


def _move_participants(partnership: Partnership, stats: Counter) -> None:
    for (key, wrong, role), right in MOVED_PARTICIPANTS.items():
        if key != partnership.key:
            continue
        participant = partnership.participants.filter(organisation__key=wrong, role=role).first()
        target = _org(right, f"partnership {key}")
        if participant and not partnership.participants.filter(organisation=target, role=role).exists():
            participant.organisation = target
            participant.save()  # keeps the row's history
            stats["participants moved"] += 1


def _date(value: str, *, end: bool = False) -> tuple[date | None, str]:
    """A seed date as precise as its source: "2015" (year), "2017-10" (month), "2017-10-03" (day).
    A year or month is stored as its first day – or its last day for an end date."""
    if not value:
        return None, DatePrecision.DAY
    if len(value) == 4:
        return (date(int(value), 12, 31) if end else date(int(value), 1, 1)), DatePrecision.YEAR
    if len(value) == 7:
        year, month = int(value[:4]), int(value[5:])
        last = calendar.monthrange(year, month)[1]
        return date(year, month, last if end else 1), DatePrecision.MONTH
    return date.fromisoformat(value), DatePrecision.DAY


def _geography(value: str) -> tuple[bool, list[Region], list[Municipality]]:
    parts = [p for p in _split(value) if p] if value else []
    national = "national" in parts
    regions = list(Region.objects.filter(slug__in=parts))
    municipalities = list(Municipality.objects.filter(code__in=[p for p in parts if p.isdigit()]))
    return national, regions, municipalities


def seed_other(stats: Counter) -> None:
    participants_by_key: dict[str, list[services.ResolvedParticipant]] = {}
    for row in _read("participants.csv"):
        where = f"participants {row['partnership']}"
        participants_by_key.setdefault(row["partnership"], []).append(
            services.ResolvedParticipant(
                role=row["role"], organisation=_org(row["organisation"], where), note=row["note"]
            )
        )
    for row in _read("partnerships.csv"):
        where = f"partnership {row['key']}"
        national, regions, municipalities = _geography(row.get("geography", ""))
        focus = focus_area_term(row["focus_area"]) if row.get("focus_area") else None
        start, start_precision = _date(row["start"])
        end, end_precision = _date(row["end"], end=True)
        fields: dict[str, Any] = {
            "title": row["title"],
            "description": row["description"],
            "focus_area": focus.slug if focus else "",
            "start": start,
            "start_precision": start_precision,
            "end": end,
            "end_precision": end_precision,
            "status": row["status"] or Status.ACTIVE,
            "is_national": national,
        }
        existing = Partnership.objects.filter(key=row["key"]).first()
        if existing is None:
            services.partnership_create(
                actor=ACTOR,
                classify=False,
                key=row["key"],
                participants=participants_by_key.get(row["key"], []),
                regions=regions,
                municipalities=municipalities,
                sources=[
                    {
                        "source": _source(row["source"], where),
                        "source_page": row["source_page"],
                        "source_url": row["source_url"],
                    }
                ],
                **fields,
            )
            stats["partnerships created"] += 1
        else:
            _sync_fields(existing, fields, stats)
            _move_participants(existing, stats)
            have = set(existing.participants.values_list("organisation_id", "role"))
            for item in participants_by_key.get(row["key"], []):
                if (item.organisation.pk, item.role) not in have:
                    Participant.objects.create(
                        partnership=existing, organisation=item.organisation, role=item.role, note=item.note
                    )
            if existing.partner_type_origin == PartnerTypeOrigin.SUGGESTED:
                suggestion = suggest_partner_type(
                    (p.organisation, p.role) for p in existing.participants.select_related("organisation")
                )
                if (suggestion.partner_type or "") != existing.partner_type:
                    existing.partner_type = suggestion.partner_type or ""
                    existing.save(update_fields=["partner_type"])
                    stats["partner types re-suggested"] += 1
    partnerships = {p.key: p for p in Partnership.objects.filter(cbs_number__isnull=True)}

    def partnership(key: str, where: str) -> Partnership:
        if key not in partnerships:
            raise SeedError(f"{where}: unknown partnership {key!r}")
        return partnerships[key]

    bodies: dict[str, GovernanceBody] = {}
    for row in _read("governance_bodies.csv"):
        where = f"governance body {row['key']}"
        owner = partnership(row["partnership"], where)
        body = GovernanceBody.objects.filter(partnership=owner, name=row["name"]).first()
        if body is None:
            body = services.governance_body_add(
                actor=ACTOR,
                partnership=owner,
                kind=row["kind"],
                name=row["name"],
                mandate=row["mandate"],
                source=_source(row["source"], where),
                source_page=row["source_page"],
            )
            stats["governance bodies"] += 1
        bodies[row["key"]] = body
    for row in _read("governance_members.csv"):
        where = f"governance member {row['body']}"
        if row["body"] not in bodies:
            raise SeedError(f"{where}: unknown body")
        GovernanceMember.objects.get_or_create(
            body=bodies[row["body"]],
            organisation=_org(row["organisation"], where),
            defaults={"note": row.get("note", "")},
        )
    for row in _read("contributions.csv"):
        where = f"contribution {row['partnership']}"
        values: dict[str, Any] = {
            "partnership": partnership(row["partnership"], where),
            "organisation": _org(row["organisation"], where) if row["organisation"] else None,
            "year": int(row["year"]) if row["year"] else None,
            "cash_dkk": Decimal(row["cash_dkk"]) if row["cash_dkk"] else None,
            "staff_hours": Decimal(row["staff_hours"]) if row["staff_hours"] else None,
            "in_kind": row["in_kind"],
            "note": row["note"],
        }
        if not Contribution.objects.filter(**values).exists():
            services.contribution_add(
                actor=ACTOR, source=_source(row["source"], where), source_page=row["source_page"], **values
            )
            stats["contributions"] += 1
    for row in _read("fee_rules.csv"):
        where = f"fee rule {row['partnership']}"
        amount = "–".join(x for x in (row["amount_dkk_min"], row["amount_dkk_max"]) if x)
        note = f"{row['partner_category']}: {amount} kr. {row['period']} {row['note']}".strip()
        values = {"partnership": partnership(row["partnership"], where), "note": note[:500]}
        if not Contribution.objects.filter(**values).exists():
            services.contribution_add(
                actor=ACTOR,
                source=_source("drl-2019", where),
                source_page=row.get("source_page", ""),
                **values,
            )
            stats["contributions"] += 1
    for row in _read("outputs.csv"):
        where = f"output {row['partnership']}"
        values = {
            "partnership": partnership(row["partnership"], where),
            "title": row["title"],
            "kind": row["kind"],
            "year": int(row["year"]) if row["year"] else None,
            "target": row["target"][:200],
        }
        if not Output.objects.filter(**values).exists():
            services.output_add(
                actor=ACTOR,
                description=row["description"],
                source=_source(row["source"], where),
                source_page=row["source_page"],
                **values,
            )
            stats["outputs"] += 1


def seed_partnerships(*, progress: bool = True) -> dict[str, int]:
    stats: Counter[str] = Counter()
    with transaction.atomic():
        seed_cbs(stats, progress)
        seed_other(stats)
    stats["partnerships total"] = Partnership.objects.count()
    return dict(stats)
