"""Resolver quality on every partner mention in CBS 2020, Bilag 1.

Usage: .venv/bin/python bench/entity_resolution.py
The expected canonical organisation of each mention is written down by hand in
bench/data/cbs_mentions.csv. A fresh SQLite database in a temporary directory is migrated and
seeded, then every mention is resolved. Reports precision, recall, false merges (a mention
resolved to the wrong organisation) and resolve latency, and updates bench/RESULTS.md.
"""

from __future__ import annotations

import csv
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime

from _common import ROOT, update_results

sys.path.insert(0, str(ROOT))


def setup_django() -> None:
    os.environ["VIDENBRO_VAR_DIR"] = tempfile.mkdtemp(prefix="videnbro-bench-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "videnbro.config.settings.local"
    os.environ.pop("DATABASE_URL", None)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("seed", quiet_progress=True, verbosity=0)


def main() -> None:
    setup_django()
    from videnbro.registry.models import Organisation
    from videnbro.registry.resolver import organisation_resolve

    keys = dict(Organisation.objects.values_list("id", "key"))
    rows = list(csv.DictReader((ROOT / "bench/data/cbs_mentions.csv").open(encoding="utf-8")))
    correct = wrong = missed = false_positive = true_negative = 0
    timings, problems = [], []
    for row in rows:
        start = time.perf_counter()
        result = organisation_resolve(row["mention"])
        timings.append((time.perf_counter() - start) * 1000)
        got = keys[result.match.id] if result.match else None
        expected = row["expected_key"] or None
        if expected is None:
            if got is None:
                true_negative += 1
            else:
                false_positive += 1
                problems.append(f"{row['mention']!r}: expected no match, got {got}")
        elif got == expected:
            correct += 1
        elif got is None:
            missed += 1
            problems.append(f"{row['mention']!r}: no confident match (expected {expected})")
        else:
            wrong += 1
            problems.append(f"{row['mention']!r}: WRONG {got} (expected {expected})")
    matched = correct + wrong + false_positive
    with_key = correct + wrong + missed
    precision = correct / matched if matched else 1.0
    recall = correct / with_key if with_key else 1.0
    lines = [
        f"## Entity resolution on CBS Bilag 1 – {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"`bench/entity_resolution.py`: {len(rows)} partner mentions (hand-checked oracle "
        "`bench/data/cbs_mentions.csv`), seeded registry on SQLite.",
        "",
        "| measure | value |",
        "|---|---:|",
        f"| mentions naming an organisation | {with_key} |",
        f"| resolved to the right organisation | {correct} |",
        f"| precision (right ÷ all matches) | {precision:.1%} |",
        f"| recall (right ÷ mentions naming an organisation) | {recall:.1%} |",
        f"| false merges (wrong organisation) | {wrong + false_positive} |",
        f"| no confident match (candidates offered instead) | {missed} |",
        f"| non-organisation mentions correctly left unmatched | {true_negative} |",
        f"| resolve latency, median / max | {statistics.median(timings):.2f} ms / {max(timings):.2f} ms |",
        "",
        "Not matched (the user is shown candidates):",
        "",
        *[f"- {p}" for p in problems],
        "",
    ]
    table = "\n".join(lines) + "\n"
    print(table)
    update_results("Entity resolution on CBS Bilag 1", table)


if __name__ == "__main__":
    main()
