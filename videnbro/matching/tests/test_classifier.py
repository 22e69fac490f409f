"""POST /api/v1/classify/ and the classifier service: contract, clear cases, bad input."""

from __future__ import annotations

import time

import pytest

from videnbro.matching.classifier import MAX_TEXT_LENGTH, classify
from videnbro.partnerships.taxonomy import FOCUS_AREA_BY_SLUG, FOCUS_AREAS

URL = "/api/v1/classify/"

# Written for these tests: none is a row of matching/data/focus_area_examples.csv or a CBS
# description, and each belongs to exactly one focus area without doubt.
CLEAR_CASES = [
    ("Vi producerer 5.000 ansigtsvisirer om ugen", "ppe"),
    ("Gratis PCR-test for borgere i nyt testcenter", "test"),
    ("Frivillige bringer madvarer ud til ældre, der sidder alene i karantæne", "vulnerable_groups"),
    ("App der advarer om nære kontakter med smittede", "contact_tracing"),
    ("We convert a hotel into extra hospital beds", "hospital_beds"),
    ("Forskere på universitetet udvikler en vaccine mod coronavirus", "vaccine_research"),
    ("Læger afprøver ny medicin til indlagte patienter med covid-19 på intensiv", "patient_treatment"),
    ("Informationsmateriale om covid-19 oversat til arabisk, tyrkisk og somali", "health_communication"),
    (
        "Pensionerede læger og sygeplejersker genansættes for at dække vagtplanerne på hospitalerne",
        "workforce",
    ),
    ("Modeller beregner hvordan virussen spreder sig i befolkningen og kontakttallet", "spread_of_infection"),
    ("Volunteers deliver groceries to elderly people who are isolating", "vulnerable_groups"),
    ("Contact tracing app notifies users who were near an infected person", "contact_tracing"),
]


def post(api, body, **kwargs):
    return api.post(URL, body, format="json", **kwargs)


def test_it_answers_with_the_slug_the_exact_cbs_label_and_all_ten_alternatives_best_first(api):
    response = post(api, {"text": "Vi producerer 5.000 ansigtsvisirer om ugen"})

    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"focus_area", "focus_area_label", "confidence", "alternatives"}
    assert body["focus_area"] == "ppe"
    assert body["focus_area_label"] == {
        "da": "Produktion af værnemidler/håndsprit",
        "en": "Production of protective equipment/hand sanitiser",
    }
    assert 0 <= body["confidence"] <= 1
    alternatives = body["alternatives"]
    assert [a["focus_area_label"]["da"] for a in alternatives] == [
        FOCUS_AREA_BY_SLUG[a["focus_area"]].da for a in alternatives
    ]
    assert sorted(a["focus_area"] for a in alternatives) == sorted(t.slug for t in FOCUS_AREAS)
    confidences = [a["confidence"] for a in alternatives]
    assert confidences == sorted(confidences, reverse=True)
    assert all(0 <= c <= 1 for c in confidences)
    assert sum(confidences) == pytest.approx(1, abs=0.002)
    assert alternatives[0] == {
        "focus_area": body["focus_area"],
        "focus_area_label": body["focus_area_label"],
        "confidence": body["confidence"],
    }


@pytest.mark.parametrize(("text", "expected"), CLEAR_CASES, ids=[s for _t, s in CLEAR_CASES])
def test_it_classifies_clear_danish_and_english_texts(api, text, expected):
    response = post(api, {"text": text})

    assert response.status_code == 200, response.content
    assert response.json()["focus_area"] == expected
    assert response.json()["focus_area_label"]["da"] == FOCUS_AREA_BY_SLUG[expected].da


@pytest.mark.parametrize("text", ["", "   \n\t  "], ids=["empty", "whitespace"])
def test_it_refuses_empty_text(api, text):
    response = post(api, {"text": text})

    assert response.status_code == 400
    assert response.json()["errors"]["text"]
    assert all(isinstance(m, str) and m for m in response.json()["errors"]["text"])


def test_it_refuses_a_missing_text(api):
    response = post(api, {"tekst": "visirer"})

    assert response.status_code == 400
    assert response.json()["errors"]["text"]


def test_it_refuses_text_over_5000_characters_and_accepts_5000(api):
    too_long = post(api, {"text": "visir " * 833 + "abc"})  # 5001 characters
    at_limit = post(api, {"text": ("visir " * 834)[:MAX_TEXT_LENGTH]})

    assert len("visir " * 833 + "abc") == MAX_TEXT_LENGTH + 1
    assert too_long.status_code == 400
    assert too_long.json()["errors"]["text"]
    assert at_limit.status_code == 200, at_limit.content


def test_it_refuses_a_body_that_is_not_json(api):
    response = api.post(URL, data='{"text": "visirer"', content_type="application/json")

    assert response.status_code == 400
    assert "errors" in response.json()


def test_it_refuses_a_text_that_is_not_a_string(api):
    response = post(api, {"text": ["visirer", "håndsprit"]})

    assert response.status_code == 400
    assert response.json()["errors"]["text"]


def test_it_treats_quotes_and_search_operators_as_plain_text(api):
    response = post(api, {"text": '"visir* NEAR håndsprit" -test: OR \'; DROP TABLE x; --'})

    assert response.status_code == 200, response.content
    assert response.json()["focus_area"] in FOCUS_AREA_BY_SLUG


def test_it_classifies_in_the_service_without_the_api_and_reports_the_time(capsys):
    classify("opvarmning")  # trains the model once per process
    timings = []
    for text, expected in CLEAR_CASES:
        start = time.perf_counter()
        result = classify(text)
        timings.append(time.perf_counter() - start)
        assert result.focus_area == expected
        assert result.label == FOCUS_AREA_BY_SLUG[expected].da
        assert result.alternatives[0] == (result.focus_area, result.confidence)
    # Printed, not asserted: the < 50 ms goal is measured by bench/classify.py.
    with capsys.disabled():
        print(  # noqa: T201 - the brief asks for the figure
            f"\nclassify(): mean {1000 * sum(timings) / len(timings):.1f} ms, "
            f"max {1000 * max(timings):.1f} ms per text after warm-up"
        )
