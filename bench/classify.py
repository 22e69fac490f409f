"""Focus-area classifier quality on text it has not seen, against two baselines.

Usage: .venv/bin/python bench/classify.py
Three evaluations, each with accuracy and macro-F1 for the model, a majority-class baseline
and a keyword baseline:
  A. Trained on the team-written examples only, tested on CBS's 62 Bilag 1 descriptions –
     real Danish initiatives the model has never seen (the closest proxy for production).
  B. 5-fold stratified cross-validation over all training data (CBS + team examples).
  C. Trained on everything, tested on bench/data/unseen_initiatives.csv (real initiatives
     outside CBS, if present).
Plus latency per classification. Updates bench/RESULTS.md.
"""

from __future__ import annotations

import csv
import os
import statistics
import sys
import time
from collections import Counter
from datetime import UTC, datetime

from _common import ROOT, update_results

sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "videnbro.config.settings.test")

import django  # noqa: E402

django.setup()

from sklearn.metrics import accuracy_score, f1_score  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402

from videnbro.core.text import fold  # noqa: E402
from videnbro.matching.classifier import build_model, training_data  # noqa: E402
from videnbro.partnerships.taxonomy import focus_area_term  # noqa: E402

# A hand-made keyword baseline: the obvious words for each area.
KEYWORDS = {
    "ppe": [
        "værnemid",
        "visir",
        "maske",
        "handske",
        "kittel",
        "kitler",
        "håndsprit",
        "sprit",
        "mask",
        "glove",
        "sanitiz",
    ],
    "test": ["test", "pcr", "prøve", "podning", "antistof", "antigen", "laborator"],
    "vaccine_research": ["vaccin", "immun", "forsøg"],
    "patient_treatment": ["behandl", "patient", "respirator", "intensiv", "medicin", "klinisk"],
    "health_communication": ["kommunik", "information", "kampagne", "sprog", "rådgiv", "hotline"],
    "vulnerable_groups": ["udsat", "ensom", "ældre", "hjemløs", "frivillig", "indkøb", "isoler"],
    "workforce": ["personale", "rekrutt", "arbejdskraft", "vagt", "logistik", "koordin"],
    "contact_tracing": ["smittespor", "sporing", "app", "kontakt"],
    "hospital_beds": ["seng", "hotel", "feltlazaret", "kapacitet"],
    "spread_of_infection": ["smittespred", "model", "spildevand", "ventilation", "desinfek", "uv"],
}


def keyword_predict(texts: list[str], fallback: str) -> list[str]:
    predictions = []
    for text in texts:
        folded = fold(text)
        hits = {slug: sum(folded.count(fold(k)) for k in words) for slug, words in KEYWORDS.items()}
        best = max(hits, key=hits.get)
        predictions.append(best if hits[best] else fallback)
    return predictions


def scores(truth: list[str], predicted: list[str]) -> tuple[float, float]:
    return (accuracy_score(truth, predicted), f1_score(truth, predicted, average="macro", zero_division=0))


def evaluate(train_x, train_y, test_x, test_y) -> dict[str, tuple[float, float]]:
    model = build_model().fit(train_x, train_y)
    majority = Counter(train_y).most_common(1)[0][0]
    return {
        "model": scores(test_y, list(model.predict(test_x))),
        "majority class": scores(test_y, [majority] * len(test_y)),
        "keywords": scores(test_y, keyword_predict(test_x, majority)),
    }


def main() -> None:
    cbs_x, cbs_y = training_data(include_cbs=True, include_examples=False)
    ex_x, ex_y = training_data(include_cbs=False, include_examples=True)
    all_x, all_y = cbs_x + ex_x, cbs_y + ex_y
    sections = []
    if ex_x:
        sections.append(
            (
                f"A. team examples ({len(ex_x)}) → CBS Bilag 1 ({len(cbs_x)})",
                evaluate(ex_x, ex_y, cbs_x, cbs_y),
            )
        )
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=1)
    fold_scores: dict[str, list[tuple[float, float]]] = {}
    for train_index, test_index in folds.split(all_x, all_y):
        result = evaluate(
            [all_x[i] for i in train_index],
            [all_y[i] for i in train_index],
            [all_x[i] for i in test_index],
            [all_y[i] for i in test_index],
        )
        for name, value in result.items():
            fold_scores.setdefault(name, []).append(value)
    sections.append(
        (
            f"B. 5-fold cross-validation over all {len(all_x)} texts",
            {
                name: (statistics.mean(a for a, _ in values), statistics.mean(f for _, f in values))
                for name, values in fold_scores.items()
            },
        )
    )
    unseen = ROOT / "bench/data/unseen_initiatives.csv"
    if unseen.exists():
        rows = [r for r in csv.DictReader(unseen.open(encoding="utf-8")) if focus_area_term(r["focus_area"])]
        if rows:
            sections.append(
                (
                    f"C. all training data → other real initiatives ({len(rows)})",
                    evaluate(
                        all_x,
                        all_y,
                        [r["text"] for r in rows],
                        [focus_area_term(r["focus_area"]).slug for r in rows],
                    ),
                )
            )
    model = build_model().fit(all_x, all_y)
    samples = (cbs_x * 3)[:150]
    timings = []
    for text in samples:
        start = time.perf_counter()
        model.predict_proba([text])
        timings.append((time.perf_counter() - start) * 1000)
    lines = [
        f"## Focus-area classifier – {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        "`bench/classify.py`: TF-IDF (character 3–6-grams of folded text) → logistic "
        "regression. Goal: macro-F1 ≥ 0.80 on unseen text.",
        "",
        "| evaluation | method | accuracy | macro-F1 |",
        "|---|---|---:|---:|",
    ]
    for title, result in sections:
        for name, (accuracy, f1) in result.items():
            lines.append(f"| {title} | {name} | {accuracy:.2f} | {f1:.2f} |")
    lines += [
        "",
        f"Latency per text: median {statistics.median(timings):.2f} ms, "
        f"max {max(timings):.2f} ms ({len(timings)} texts).",
        "",
    ]
    table = "\n".join(lines) + "\n"
    print(table)
    update_results("Focus-area classifier", table)


if __name__ == "__main__":
    main()
