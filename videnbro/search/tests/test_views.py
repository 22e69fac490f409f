"""The search page: results and facets, the HTMX partial, the header form on every page and the
English page."""

from __future__ import annotations

import re

import pytest

from videnbro.partnerships.taxonomy import FOCUS_AREA_BY_SLUG


def page(client, url: str, **headers) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def result_titles(html: str) -> list[str]:
    return re.findall(r'<article class="card">\s*<h2[^>]*><a href="[^"]+">([^<]+)</a>', html)


def test_it_shows_results_and_facets(client, seeded):
    html = page(client, "/soeg/?q=visir")
    assert 'data-testid="search-count">11 resultater<' in html
    found = result_titles(html)
    assert len(found) == 11
    assert "Ansigtsvisirer til sundhedspersonale" in found
    assert "<mark>" in html
    assert re.search(
        r'href="\?q=visir&amp;type=partnership"\s*>Partnerskab</a>\s*'
        r'<span class="muted">\(4\)</span>',
        html,
    )
    assert 'href="?q=visir&amp;focus_area=ppe"' in html
    assert 'value="visir"' in html


def test_it_narrows_by_a_facet_link(client, seeded):
    html = page(client, "/soeg/?q=visir&type=partnership")
    assert 'data-testid="search-count">4 resultater<' in html
    assert len(result_titles(html)) == 4
    assert 'aria-current="true"' in html
    assert '<input type="hidden" name="type" value="partnership">' in html


def test_it_returns_the_partial_to_htmx(client, seeded):
    html = page(client, "/soeg/?q=visir", HX_Request="true")
    assert "<html" not in html and "<body" not in html
    assert 'data-testid="search-count">11 resultater<' in html
    assert "Ansigtsvisirer til sundhedspersonale" in result_titles(html)
    assert "Type" in html and "Fokusområde" in html


def test_it_shows_a_hint_and_all_facets_for_an_empty_query(client, seeded):
    html = page(client, "/soeg/")
    assert result_titles(html) == []
    assert "search-count" not in html
    assert re.search(r">Organisation</a>\s*<span class=\"muted\">\(\d{3}\)</span>", html)


def test_it_shows_errors_on_the_page_instead_of_failing(client, seeded):
    html = page(client, "/soeg/?q=visir&type=mars&page=abc")
    assert 'role="alert"' in html
    assert "mars" in html


@pytest.mark.parametrize("q", ['"', "NEAR(", "<script>alert(1)</script>", "😷", "a:b"])
def test_it_renders_odd_queries_as_text(client, seeded, q):
    html = page(client, f"/soeg/?q={q}")
    assert "<script>alert(1)</script>" not in html


@pytest.mark.parametrize(
    "url",
    ["/", "/organisationer/", "/organisationer/grundfos/", "/partnerskaber/", "/landskab/", "/soeg/?q=visir"],
)
def test_it_has_the_header_search_form_on_every_page(client, seeded, url):
    html = page(client, url)
    assert re.search(r'<form class="header-search" role="search" action="/soeg/" method="get">', html), url
    assert 'name="q"' in html


def test_it_points_the_english_header_form_to_the_english_search(client, seeded):
    assert 'class="header-search" role="search" action="/en/soeg/"' in page(client, "/en/")


def test_it_renders_the_search_page_in_english(client, seeded):
    html = page(client, "/en/soeg/?q=vaccine")
    assert '<html lang="en"' in html
    assert ">Organisations<" in html and ">Partnerships<" in html
    assert "Nationalt samarbejde om test af vaccine og behandling" in result_titles(html)
    assert ">Focus area<" in html


def test_it_translates_the_search_specific_text_on_the_english_page(client, seeded):
    html = page(client, "/en/soeg/?q=vaccine")
    assert "<h1>Search Videnbro</h1>" in html
    assert 'data-testid="search-count">5 results<' in html  # 4 partnerships, 1 dataset
    assert '<span class="badge">Partnership</span>' in html
    assert FOCUS_AREA_BY_SLUG["vaccine_research"].en in html


def test_it_links_english_results_to_english_pages(client, seeded):
    html = page(client, "/en/soeg/?q=vaccine")
    links = re.findall(r'<article class="card">\s*<h2[^>]*><a href="([^"]+)"', html)
    assert links
    assert all(link.startswith("/en/") for link in links), links
