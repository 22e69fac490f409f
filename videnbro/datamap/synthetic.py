"""Synthetic health datasets for benchmarks (`videnbro synth datasets`); never loaded by default.

Every synthetic dataset has `is_synthetic=True`, a key starting with `synth-`, a title starting
with "[SYNTETISK]" and a source note saying that it describes no real data. Their custodians
are synthetic organisations (key `synth-`, source `synthetic`), never real ones, so that no real
organisation's page lists invented datasets. Like the rest of `videnbro synth`, the rows are
bulk-created, bypassing the services (no audit rows, no history rows): benchmark data is not a
change anybody made.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import override
from tqdm import tqdm

from videnbro.registry.models import Organisation

from .models import AccessRoute, Dataset, Frequency, Theme, Variable

KEY_PREFIX = "synth-datasaet-"
BATCH = 500
# The coding systems the seeded (real) catalogue uses.
CODING_SYSTEMS = ("CPR", "ICD-10", "ICD-8", "ICD-O", "SKS", "ATC", "NPU", "SNOMED", "TNM")
# (name, label, English label, type, coding system): variables as health registers have them.
VARIABLES = (
    (
        "PNR_PSEUDO",
        "Pseudonymiseret personnummer",
        "Pseudonymised person number",
        Variable.Type.STRING,
        "CPR",
    ),
    ("D_KONTAKT", "Kontaktdato", "Contact date", Variable.Type.DATE, ""),
    ("C_DIAG", "Diagnosekode", "Diagnosis code", Variable.Type.CODE, "ICD-10"),
    ("C_DIAG_GL", "Diagnosekode før 1994", "Diagnosis code before 1994", Variable.Type.CODE, "ICD-8"),
    ("C_PROC", "Procedurekode", "Procedure code", Variable.Type.CODE, "SKS"),
    ("C_ATC", "Lægemiddel (ATC-kode)", "Medicine (ATC code)", Variable.Type.CODE, "ATC"),
    ("C_ANALYSE", "Laboratorieanalyse", "Laboratory analysis", Variable.Type.CODE, "NPU"),
    ("V_RESULTAT", "Analyseresultat", "Test result", Variable.Type.DECIMAL, ""),
    ("C_MORFOLOGI", "Morfologi", "Morphology", Variable.Type.CODE, "SNOMED"),
    ("C_TOPOGRAFI", "Tumorlokalisation", "Tumour site", Variable.Type.CODE, "ICD-O"),
    ("C_STADIE", "Stadie", "Stage", Variable.Type.CODE, "TNM"),
    ("V_ALDER", "Alder ved kontakt", "Age at contact", Variable.Type.INTEGER, ""),
    ("V_SYGEHUS", "Sygehusafdeling", "Hospital department", Variable.Type.STRING, ""),
    ("B_DOED30", "Død inden for 30 dage", "Died within 30 days", Variable.Type.BOOLEAN, ""),
)


def synthetic_custodians() -> list[Organisation]:
    """The synthetic organisations a synthetic dataset may name as its custodian."""
    return list(
        Organisation.objects.filter(key__startswith="synth-", source__code="synthetic").order_by("key")
    )


def synthetic_datasets_create(
    *,
    count: int,
    custodians: Sequence[Organisation],
    variables: int = 4,
    seed: int = 2020,
    progress: bool = True,
) -> int:
    """Make sure the synthetic datasets `synth-datasaet-00001` … `-{count}` exist, each with
    `variables` variables; returns how many were created. Keys that exist are skipped, so
    running it again creates nothing, and a larger count adds only the missing ones. The
    content of dataset n depends only on `seed` and n."""
    if count < 0 or not 0 < variables <= len(VARIABLES):
        raise ValueError(f"count must be ≥ 0 and variables between 1 and {len(VARIABLES)}")
    routes = list(AccessRoute.objects.order_by("key"))
    with override("da"):
        theme_labels = {theme.value: str(theme.label) for theme in Theme}
    existing = set(Dataset.objects.filter(key__startswith=KEY_PREFIX).values_list("key", flat=True))
    numbers = [n for n in range(1, count + 1) if _key(n) not in existing]
    if numbers and not custodians:
        raise ValueError("Synthetic datasets need at least one synthetic custodian.")
    with (
        transaction.atomic(),
        tqdm(total=len(numbers), desc="synthetic datasets", unit="dataset", disable=not progress) as bar,
    ):
        for start in range(0, len(numbers), BATCH):
            batch = numbers[start : start + BATCH]
            planned = {_key(n): _dataset(n, seed, custodians, routes, theme_labels, variables) for n in batch}
            Dataset.objects.bulk_create([dataset for dataset, _rows in planned.values()])
            ids = dict(Dataset.objects.filter(key__in=planned).values_list("key", "pk"))
            Variable.objects.bulk_create(
                [
                    Variable(
                        dataset_id=ids[key],
                        name=name,
                        label=label,
                        label_en=label_en,
                        type=kind,
                        coding_system=coding,
                    )
                    for key, (_dataset_row, rows) in planned.items()
                    for name, label, label_en, kind, coding in rows
                ]
            )
            bar.update(len(batch))
    return len(numbers)


def synthetic_datasets_delete() -> int:
    """Remove every synthetic dataset (with its variables and history rows); returns how many."""
    with transaction.atomic():
        datasets = Dataset.objects.filter(is_synthetic=True)
        n = datasets.count()
        datasets.delete()
        Dataset.history.filter(is_synthetic=True).delete()
    return n


def _key(n: int) -> str:
    return f"{KEY_PREFIX}{n:05d}"


def _dataset(
    n: int,
    seed: int,
    custodians: Sequence[Organisation],
    routes: list[AccessRoute],
    theme_labels: dict[str, str],
    n_variables: int,
) -> tuple[Dataset, list[tuple]]:
    rng = random.Random(f"{seed}-{n}")  # noqa: S311 - repeatable benchmark data, not security
    key = _key(n)
    rows = rng.sample(VARIABLES, n_variables)
    themes = rng.sample(Theme.values, rng.randint(1, 3))
    labels = [theme_labels[t] for t in themes]
    topics = ", ".join(labels).lower()
    coding = sorted({row[4] for row in rows if row[4]} | set(rng.sample(CODING_SYSTEMS, rng.randint(0, 2))))
    first_year = rng.randint(1968, 2020)
    records = rng.randint(10_000, 500_000_000)
    personal = rng.random() < 0.85
    dataset = Dataset(
        key=key,
        is_synthetic=True,
        title=f"[SYNTETISK] Datasæt {n:05d}",
        title_en=f"[SYNTHETIC] Dataset {n:05d}",
        acronym=f"SYN{n:05d}",
        description=f"Syntetisk datasæt til ydelsesmålinger af datalandkortet ({topics}). "
        "Det beskriver ingen rigtige data.",
        description_en="A synthetic dataset for benchmarking the health data map. It describes no real data.",
        custodian=rng.choice(custodians),
        themes=themes,
        keywords=["syntetisk", "benchmark", *labels],
        population_coverage="Syntetisk population – ingen rigtige personer.",
        time_coverage_from=first_year,
        update_frequency=rng.choice(Frequency.values),
        number_of_records=records,
        unique_individuals=records // rng.randint(1, 50),
        coding_systems=coding,
        legal_basis="Ingen – syntetiske benchmarkdata.",
        personal_data=personal,
        access_route=rng.choice(routes) if routes else None,
        landing_page=f"https://example.org/videnbro/syntetisk/{key}/",
        source_note="Syntetiske benchmarkdata fra `videnbro synth datasets`.",
    )
    return dataset, rows
