"""Consistency checks for the Datalandkort seed files (stdlib only).

Run from anywhere:  python videnbro/datamap/seed_data/validate.py
Exits non-zero and lists every problem found.
"""

from __future__ import annotations

import csv
import glob
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
REGISTRY = HERE.parent.parent / "registry" / "seed_data"
SEP = " | "

THEMES = {
    "hospital_care", "primary_care", "medicines", "cancer", "mortality", "births", "infectious_disease",
    "mental_health", "chronic_disease", "quality", "biobank", "genomics", "population", "socioeconomic",
    "vaccination", "laboratory", "pathology", "dental", "cardiovascular", "surgery",
}
CODING = {"ICD-10", "ICD-8", "SKS", "ATC", "NPU", "SNOMED", "ICPC", "DRG", "NOMESCO", "TNM", "ICD-O", "CPR"}
FREQUENCIES = {"", "daily", "weekly", "monthly", "quarterly", "annual", "irregular"}
ROUTES = {"sds_forskerservice", "dst_forskningsservice", "rkkp", "ssi", "biobank", "other"}
TYPES = {"string", "date", "integer", "decimal", "code", "boolean"}
KINDS = {
    "region", "municipality", "hospital", "university", "university_college", "gts_institute",
    "research_institute", "national_authority", "company", "civil_society", "foundation",
    "business_association", "cluster", "regional_hub", "volunteer_group", "health_collaboration", "other",
}
# Registers that count as national health registries: at least four variables each.
NATIONAL_ROUTES = {"sds_forskerservice"}

_FOLD = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "ä": "ae", "ö": "oe", "ü": "ue"})
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def slugify_key(name: str) -> str:
    """Same rule as videnbro.registry.text.slugify_key."""
    text = unicodedata.normalize("NFKC", name.replace("&", " og ")).casefold().translate(_FOLD)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return _NON_ALNUM.sub("-", text).strip("-")


def read(name: str) -> list[dict[str, str]]:
    with open(HERE / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def registry_keys() -> set[str]:
    keys: set[str] = set()
    for path in sorted(glob.glob(str(REGISTRY / "organisations*.csv"))):
        with open(path, newline="", encoding="utf-8") as handle:
            keys.update(row["key"] for row in csv.DictReader(handle))
    # Regions and municipal authorities get organisation records keyed on their names.
    for file, column in (("regions.csv", "name"), ("municipalities.csv", "org_name")):
        with open(REGISTRY / file, newline="", encoding="utf-8") as handle:
            keys.update(slugify_key(row[column]) for row in csv.DictReader(handle))
    return keys


def split(value: str) -> list[str]:
    return [part for part in value.split(SEP) if part] if value else []


def main() -> int:
    problems: list[str] = []
    datasets = read("datasets.csv")
    variables = read("variables.csv")
    routes = read("access_routes.csv")
    sandboxes = read("sandboxes.csv")
    organisations = read("organisations.csv")

    existing = registry_keys()
    new_orgs = {row["key"] for row in organisations}
    known_orgs = existing | new_orgs

    def unique(rows, label, key=lambda r: r["key"]):
        for value, count in Counter(key(r) for r in rows).items():
            if count > 1:
                problems.append(f"{label}: duplicate key {value!r}")

    def https(label, url, required=True):
        if not url:
            if required:
                problems.append(f"{label}: missing URL")
        elif not url.startswith("https://"):
            problems.append(f"{label}: URL does not start with https:// ({url})")

    unique(datasets, "datasets.csv")
    unique(routes, "access_routes.csv")
    unique(sandboxes, "sandboxes.csv")
    unique(organisations, "organisations.csv")
    unique(variables, "variables.csv", key=lambda r: (r["dataset_key"], r["name"]))

    for row in organisations:
        label = f"organisations.csv[{row['key']}]"
        if row["key"] in existing:
            problems.append(f"{label}: key already in the registry seed files – reuse it instead")
        if row["key"] != slugify_key(row["name"]):
            problems.append(f"{label}: key is not the slug of the name ({slugify_key(row['name'])})")
        if row["kind"] not in KINDS:
            problems.append(f"{label}: unknown kind {row['kind']!r}")
        https(label + ".website", row["website"])
        https(label + ".source_url", row["source_url"])

    route_keys = {row["key"] for row in routes}
    if route_keys != ROUTES:
        problems.append(f"access_routes.csv: keys {sorted(route_keys)} differ from {sorted(ROUTES)}")
    for row in routes:
        label = f"access_routes.csv[{row['key']}]"
        if row["organisation_key"] and row["organisation_key"] not in known_orgs:
            problems.append(f"{label}: unknown organisation_key {row['organisation_key']!r}")
        if len(split(row["steps"])) != len(split(row["steps_en"])):
            problems.append(f"{label}: steps and steps_en differ in length")
        https(label + ".url", row["url"])
        https(label + ".source_url", row["source_url"])

    dataset_keys = {row["key"] for row in datasets}
    for row in datasets:
        label = f"datasets.csv[{row['key']}]"
        for column in ("key", "title", "title_en", "description", "description_en", "custodian_key",
                       "custodian_name", "themes", "access_route", "personal_data"):
            if not row[column]:
                problems.append(f"{label}: empty {column}")
        if row["custodian_key"] not in known_orgs:
            problems.append(f"{label}: custodian_key {row['custodian_key']!r} is in neither registry nor organisations.csv")
        if row["access_route"] not in ROUTES:
            problems.append(f"{label}: invalid access_route {row['access_route']!r}")
        for theme in split(row["themes"]):
            if theme not in THEMES:
                problems.append(f"{label}: unknown theme {theme!r}")
        for system in split(row["coding_systems"]):
            if system not in CODING:
                problems.append(f"{label}: unknown coding system {system!r}")
        if row["update_frequency"] not in FREQUENCIES:
            problems.append(f"{label}: invalid update_frequency {row['update_frequency']!r}")
        if row["personal_data"] not in {"yes", "no"}:
            problems.append(f"{label}: personal_data must be yes/no")
        if row["time_coverage_from"] and not re.fullmatch(r"1[89]\d\d|20\d\d", row["time_coverage_from"]):
            problems.append(f"{label}: time_coverage_from is not a year")
        for column in ("number_of_records", "unique_individuals"):
            if row[column] and not row[column].isdigit():
                problems.append(f"{label}: {column} is not a whole number")
        https(label + ".landing_page", row["landing_page"])
        https(label + ".source_url", row["source_url"])

    counts = Counter(row["dataset_key"] for row in variables)
    for row in variables:
        label = f"variables.csv[{row['dataset_key']}/{row['name']}]"
        if row["dataset_key"] not in dataset_keys:
            problems.append(f"{label}: unknown dataset_key")
        if row["type"] not in TYPES:
            problems.append(f"{label}: invalid type {row['type']!r}")
        if row["coding_system"] and row["coding_system"] not in CODING:
            problems.append(f"{label}: unknown coding system {row['coding_system']!r}")
        if not row["name"] or not row["label"] or not row["label_en"]:
            problems.append(f"{label}: empty name/label/label_en")
        https(label + ".source_url", row["source_url"])

    warnings: list[str] = []
    for row in datasets:
        minimum = 4 if row["access_route"] in NATIONAL_ROUTES else 2
        if counts[row["key"]] < minimum:
            warnings.append(f"datasets.csv[{row['key']}]: {counts[row['key']]} variables (< {minimum})")

    for row in sandboxes:
        label = f"sandboxes.csv[{row['key']}]"
        if row["operator_key"] not in known_orgs:
            problems.append(f"{label}: unknown operator_key {row['operator_key']!r}")
        for key in split(row["dataset_keys"]):
            if key not in dataset_keys:
                problems.append(f"{label}: unknown dataset key {key!r}")
        https(label + ".url", row["url"])
        https(label + ".source_url", row["source_url"])

    print(f"datasets={len(datasets)} variables={len(variables)} access_routes={len(routes)} "
          f"sandboxes={len(sandboxes)} organisations={len(organisations)}")
    for warning in warnings:
        print("WARNING", warning)
    for problem in problems:
        print("ERROR", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
