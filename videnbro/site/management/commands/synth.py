"""`videnbro synth` – clearly labelled synthetic data for benchmarks; never loaded by default.

`videnbro synth` makes organisations and partnerships; `videnbro synth datasets --count N`
makes N synthetic health datasets (videnbro/datamap/synthetic.py) and nothing else. Every
synthetic organisation's name starts with "[SYNTETISK]", its key with "synth-", and it cites
the source `synthetic`; synthetic partnerships and datasets have `is_synthetic=True` (datasets
also a "[SYNTETISK]" title and a `synth-datasaet-` key). `--delete` removes all of it again.
"""

from __future__ import annotations

import random
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from tqdm import tqdm

from videnbro.core import versions
from videnbro.core.text import normalise_name
from videnbro.datamap.models import Dataset
from videnbro.datamap.synthetic import (
    synthetic_custodians,
    synthetic_datasets_create,
    synthetic_datasets_delete,
)
from videnbro.partnerships.models import Participant, Partnership, PartnershipSource
from videnbro.partnerships.services import LANDSCAPE_VERSION
from videnbro.partnerships.taxonomy import FOCUS_AREAS, PARTNER_TYPES
from videnbro.registry.models import (
    KIND_DEFAULT_SECTOR,
    Kind,
    Municipality,
    Organisation,
    Source,
)
from videnbro.search.indexing import (
    delete_documents,
    index_datasets,
    index_organisations,
    index_partnerships,
)
from videnbro.search.models import SearchDocument

SYLLABLES = [
    "sund",
    "med",
    "vita",
    "tek",
    "nord",
    "dan",
    "lab",
    "care",
    "bio",
    "data",
    "life",
    "puls",
    "heal",
    "tryg",
    "nova",
    "prime",
    "vest",
    "øst",
    "syd",
    "fjord",
    "bro",
    "viden",
]
KINDS = [Kind.COMPANY] * 6 + [
    Kind.CIVIL_SOCIETY,
    Kind.FOUNDATION,
    Kind.RESEARCH_INSTITUTE,
    Kind.BUSINESS_ASSOCIATION,
    Kind.VOLUNTEER_GROUP,
]
BATCH = 2000


class Command(BaseCommand):
    help = (
        "Create (or --delete) synthetic organisations and partnerships, or with `datasets` "
        "synthetic health datasets, for benchmarks."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "what",
            nargs="?",
            choices=["datasets"],
            help="`datasets`: only synthetic health datasets (--count); "
            "without it: organisations and partnerships.",
        )
        parser.add_argument(
            "--count",
            type=int,
            default=5_000,
            help="Synthetic datasets wanted (`datasets`); existing ones are kept, not duplicated.",
        )
        parser.add_argument(
            "--variables", type=int, default=4, help="Variables per synthetic dataset (`datasets`)."
        )
        parser.add_argument(
            "--custodians",
            type=int,
            default=25,
            help="Synthetic organisations created as custodians when there are none yet (`datasets`).",
        )
        parser.add_argument("--organisations", type=int, default=20_000)
        parser.add_argument("--partnerships", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=2020, help="Random seed (repeatable).")
        parser.add_argument("--delete", action="store_true", help="Remove all synthetic data.")
        parser.add_argument(
            "--no-index", action="store_true", help="Skip adding the synthetic records to the search index."
        )

    def handle(
        self,
        *args: Any,
        what: str | None,
        organisations: int,
        partnerships: int,
        seed: int,
        delete: bool,
        no_index: bool,
        **options: Any,
    ) -> None:
        if delete:
            self._delete()
            return
        rng = random.Random(seed)  # noqa: S311 - repeatable benchmark data, not security
        if what == "datasets":
            self._datasets(rng, options["count"], options["variables"], options["custodians"], seed, no_index)
            return
        self._organisations(rng, organisations)
        source = self._source()
        pool = list(Organisation.objects.values_list("id", flat=True))
        first = Partnership.objects.filter(is_synthetic=True).count()
        with transaction.atomic():
            for offset in tqdm(range(0, partnerships, BATCH), desc="partnerships", unit="batch"):
                batch = [
                    Partnership(
                        key=f"synth-p-{first + offset + j:06d}",
                        title=f"[SYNTETISK] Partnerskab {first + offset + j:06d}",
                        description="Syntetisk partnerskab til ydelsesmålinger.",
                        focus_area=rng.choice(FOCUS_AREAS).slug,
                        partner_type=rng.choice(PARTNER_TYPES).slug,
                        partner_type_origin="suggested",
                        is_synthetic=True,
                    )
                    for j in range(min(BATCH, partnerships - offset))
                ]
                Partnership.objects.bulk_create(batch)
                saved = Partnership.objects.filter(key__in=[p.key for p in batch])
                participants, sources = [], []
                for p in saved:
                    sources.append(PartnershipSource(partnership=p, source=source))
                    for position, org_id in enumerate(rng.sample(pool, rng.randint(1, 4))):
                        participants.append(
                            Participant(partnership=p, organisation_id=org_id, position=position)
                        )
                Participant.objects.bulk_create(participants)
                PartnershipSource.objects.bulk_create(sources)
        versions.bump(LANDSCAPE_VERSION)
        if not no_index:
            self._index()
        self.stdout.write(
            self.style.SUCCESS(
                f"Synthetic data: {organisations} organisations, {partnerships} partnerships "
                "(labelled [SYNTETISK], source 'synthetic')."
            )
        )

    @staticmethod
    def _source() -> Source:
        source, _ = Source.objects.get_or_create(
            code="synthetic",
            defaults={
                "title": "Syntetiske benchmarkdata – ikke rigtige organisationer",
                "publisher": "videnbro synth",
            },
        )
        return source

    def _organisations(self, rng: random.Random, count: int) -> None:
        """`count` more synthetic organisations, numbered on from the existing ones."""
        source = self._source()
        municipalities = list(Municipality.objects.select_related("region"))
        start = Organisation.objects.filter(key__startswith="synth-").count()
        with transaction.atomic():
            created_orgs = []
            for i in tqdm(range(start, start + count), desc="organisations", unit="org"):
                name = (
                    "[SYNTETISK] "
                    + " ".join(rng.choice(SYLLABLES).capitalize() + rng.choice(SYLLABLES) for _ in range(2))
                    + f" {i:05d}"
                )
                kind = rng.choice(KINDS)
                municipality = rng.choice(municipalities) if municipalities else None
                created_orgs.append(
                    Organisation(
                        key=f"synth-{i:05d}",
                        name=name,
                        normalised_name=normalise_name(name),
                        kind=kind,
                        sector=KIND_DEFAULT_SECTOR[kind],
                        municipality=municipality,
                        region=municipality.region if municipality else None,
                        source=source,
                        description="Syntetisk organisation til ydelsesmålinger.",
                    )
                )
                if len(created_orgs) >= BATCH:
                    Organisation.objects.bulk_create(created_orgs)
                    created_orgs = []
            Organisation.objects.bulk_create(created_orgs)

    def _datasets(
        self, rng: random.Random, count: int, variables: int, custodians: int, seed: int, no_index: bool
    ) -> None:
        """Synthetic health datasets whose custodians are synthetic organisations – the
        existing ones, or `custodians` new ones when there are none yet."""
        pool = synthetic_custodians()
        if not pool and count:
            self._organisations(rng, custodians)
            pool = synthetic_custodians()
            if not no_index:
                self._index(org_ids=[org.pk for org in pool], partnership_ids=[])
        try:
            created = synthetic_datasets_create(count=count, custodians=pool, variables=variables, seed=seed)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if created and not no_index:
            self._index(
                org_ids=[],
                partnership_ids=[],
                dataset_ids=list(Dataset.objects.filter(is_synthetic=True).values_list("pk", flat=True)),
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Synthetic datasets: {created} created, {count - created} already there "
                f"({variables} variables each; labelled [SYNTETISK], keys synth-datasaet-…, "
                f"custodians among {len(pool)} synthetic organisations)."
            )
        )

    def _index(
        self,
        batch: int = 200,
        org_ids: list[int] | None = None,
        partnership_ids: list[int] | None = None,
        dataset_ids: list[int] | None = None,
    ) -> None:
        """bulk_create bypasses the services, so the synthetic records are indexed here (all of
        them unless ids are given)."""
        if org_ids is None:
            org_ids = list(Organisation.objects.filter(key__startswith="synth-").values_list("pk", flat=True))
        p_ids = partnership_ids
        if p_ids is None:
            p_ids = list(Partnership.objects.filter(is_synthetic=True).values_list("pk", flat=True))
        d_ids = dataset_ids or []
        with tqdm(total=len(org_ids) + len(p_ids) + len(d_ids), desc="search index", unit="records") as bar:
            for ids, indexer in (
                (org_ids, index_organisations),
                (p_ids, index_partnerships),
                (d_ids, index_datasets),
            ):
                for start in range(0, len(ids), batch):
                    indexer(ids[start : start + batch])
                    bar.update(len(ids[start : start + batch]))

    def _delete(self) -> None:
        with transaction.atomic():
            # Synthetic datasets first: they protect their synthetic custodians.
            n_datasets = synthetic_datasets_delete()
            partnerships = Partnership.objects.filter(is_synthetic=True)
            n_partnerships = partnerships.count()
            partnerships.delete()
            orgs = Organisation.objects.filter(key__startswith="synth-", source__code="synthetic")
            n_orgs = orgs.count()
            delete_documents(SearchDocument.objects.filter(is_synthetic=True))
            orgs.delete()
            versions.bump(LANDSCAPE_VERSION)
        self.stdout.write(
            f"Deleted {n_orgs} synthetic organisations, {n_partnerships} "
            f"synthetic partnerships and {n_datasets} synthetic datasets."
        )
