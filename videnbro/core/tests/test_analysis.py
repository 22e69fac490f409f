"""Text analysis shared by indexing and querying: terms of a word, terms of a text and the words
of a query."""

from __future__ import annotations

import pytest

from videnbro.core.analysis import query_words, terms_text, word_terms, words


def test_it_folds_danish_letters_in_every_term():
    assert word_terms("århus") == word_terms("aarhus") == ("aarhus",)
    for word in ("værnemidler", "håndsprit", "københavns", "sundhedsvæsenet", "øget"):
        assert all(term.isascii() for term in word_terms(word)), word


def test_it_adds_the_danish_stem_to_the_folded_word():
    assert word_terms("værnemidler") == ("vaernemidl", "vaernemidler")
    assert set(word_terms("københavns")) == {"koebenhavn", "koebenhavns"}
    assert "visir" in word_terms("visirer")


def test_it_adds_the_english_stem():
    assert "hospital" in word_terms("hospitals")
    assert "sanit" in word_terms("sanitizer")


def test_it_returns_sorted_unique_terms():
    for word in ("visirer", "hospitals", "grundfos", "aarhus"):
        terms = word_terms(word)
        assert list(terms) == sorted(set(terms))
        assert "" not in terms


def test_it_turns_a_text_into_space_separated_terms():
    assert terms_text("Værnemidler til Århus!") == "vaernemidl vaernemidler til aarhus"
    assert terms_text("3D-print") == "3d print"


@pytest.mark.parametrize("empty", ["", None, "  \n", "-- ** ()", "😷"])
def test_it_gives_no_terms_for_a_text_without_words(empty):
    assert terms_text(empty) == ""


def test_it_lowercases_and_splits_on_punctuation_and_underscores():
    assert words("KU-SUND, a_b/c:d") == ["ku", "sund", "a", "b", "c", "d"]


def test_it_deduplicates_query_words_keeping_their_first_order():
    assert query_words('visir Visir VISIR "visir" sprit visir') == ["visir", "sprit"]
    assert query_words("b a b A") == ["b", "a"]


def test_it_reads_operators_and_quotes_in_a_query_as_words():
    assert query_words('NEAR(visir* -sprit) "x" OR title_terms:y') == [
        "near",
        "visir",
        "sprit",
        "x",
        "or",
        "title",
        "terms",
        "y",
    ]
    assert query_words("\" * - : ( ) ^ ' \\ % _") == []
