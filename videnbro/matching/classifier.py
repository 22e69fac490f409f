"""Free Danish or English text → one of CBS's ten focus areas.

A lexical model (scikit-learn): TF-IDF over character 3–6-grams of the folded text (robust to
compounds, inflection and typos) fed to a class-balanced logistic regression. Trained offline
from files in the repository – CBS 2020's Bilag 1 descriptions and the team's own examples
(`matching/data/focus_area_examples.csv`) – when first needed in a process (under a second);
no network, no model hub. bench/classify.py measures it.
"""

from __future__ import annotations

import csv
import threading
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from videnbro.core.analysis import terms_text
from videnbro.core.text import fold
from videnbro.partnerships.taxonomy import FOCUS_AREAS, cbs_coded_texts, focus_area_term

EXAMPLES = Path(__file__).resolve().parent / "data" / "focus_area_examples.csv"
MAX_TEXT_LENGTH = 5000


@dataclass(frozen=True)
class Classification:
    focus_area: str  # slug
    label: str  # CBS's exact Danish label
    confidence: float
    alternatives: list[tuple[str, float]]  # (slug, probability), all ten, best first


def training_data(*, include_cbs: bool = True, include_examples: bool = True) -> tuple[list[str], list[str]]:
    texts, labels = [], []
    if include_cbs:
        for text, slug in cbs_coded_texts():
            texts.append(text)
            labels.append(slug)
    if include_examples and EXAMPLES.exists():
        with EXAMPLES.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                term = focus_area_term(row["focus_area"])
                if term and row["text"].strip():
                    texts.append(row["text"])
                    labels.append(term.slug)
    return texts, labels


def _fold_text(text: str) -> str:
    return fold(text)


def build_model(C: float = 8.0, *, words: bool = False) -> Pipeline:  # noqa: N803
    """Character 3–6-grams only by default: adding stemmed-word features lowered macro-F1 on
    both the CBS hold-out and cross-validation (bench/classify.py, docs/decisions/0005)."""
    parts = [
        (
            "chars",
            TfidfVectorizer(
                analyzer="char_wb", ngram_range=(3, 6), min_df=1, sublinear_tf=True, preprocessor=_fold_text
            ),
        )
    ]
    if words:
        parts.append(
            (
                "words",
                TfidfVectorizer(
                    analyzer="word",
                    preprocessor=terms_text,
                    token_pattern=r"\S+",  # noqa: S106 - a regex, not a secret
                    ngram_range=(1, 2),
                    sublinear_tf=True,
                ),
            )
        )
    features = FeatureUnion(parts)
    return Pipeline(
        [("features", features), ("model", LogisticRegression(C=C, max_iter=2000, class_weight="balanced"))]
    )


def train(texts: list[str], labels: list[str]) -> Pipeline:
    return build_model().fit(texts, labels)


_lock = threading.Lock()
_model: Pipeline | None = None


def get_model() -> Pipeline:
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                _model = train(*training_data())
    return _model


def validate_text(text: str) -> str:
    from django.core.exceptions import ValidationError

    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("Skriv en tekst, der skal klassificeres.")]})
    if len(text) > MAX_TEXT_LENGTH:
        raise ValidationError({"text": [_("Teksten må højst være %(n)s tegn.") % {"n": MAX_TEXT_LENGTH}]})
    return text


def classify(text: str) -> Classification:
    text = validate_text(text)
    model = get_model()
    probabilities = model.predict_proba([text])[0]
    ranked = sorted(zip(model.classes_, probabilities, strict=True), key=lambda kv: -kv[1])
    by_slug = {t.slug: t for t in FOCUS_AREAS}
    best, confidence = ranked[0]
    return Classification(
        best,
        by_slug[best].da,
        round(float(confidence), 4),
        [(slug, round(float(p), 4)) for slug, p in ranked],
    )
