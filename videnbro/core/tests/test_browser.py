"""What a person does in a real browser: Debian Chromium driven by Playwright."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_finds_an_organisation_opens_it_and_switches_to_english(browser_page, seeded_live_server):
    page = browser_page
    page.goto(seeded_live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "da"
    assert page.get_by_role("heading", level=1).is_visible()

    page.get_by_role("search").last.get_by_role("searchbox").fill("SSI")
    page.get_by_role("search").last.get_by_role("button").click()
    page.wait_for_url(re.compile(r"/organisationer/\?q=SSI"))
    result = page.get_by_role("link", name="Statens Serum Institut", exact=True)
    result.click()

    page.wait_for_url(re.compile(r"/organisationer/statens-serum-institut/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Statens Serum Institut"
    assert page.get_by_text("SSI").first.is_visible()

    page.get_by_test_id("lang-en").click()
    page.wait_for_url(re.compile(r"/en/organisationer/statens-serum-institut/$"))
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Statens Serum Institut"
    assert page.get_by_test_id("lang-da").is_visible()


def test_it_filters_the_organisation_list_live(browser_page, seeded_live_server):
    page = browser_page
    page.goto(seeded_live_server.url + "/organisationer/")
    page.get_by_label("Type").select_option("municipality")
    page.wait_for_url(re.compile(r"kind=municipality"))
    assert page.get_by_test_id("result-count").inner_text().startswith("98")
    page.locator("#id_q").fill("Aarhus")
    # expect() polls without eval, which the pages' Content-Security-Policy forbids
    # (page.wait_for_function with a string is evaluated with eval).
    expect(page.get_by_test_id("result-count")).to_have_text(re.compile(r"^1 "))
    assert page.get_by_role("link", name="Aarhus Kommune").is_visible()


def test_it_draws_the_landscape_figures_and_the_network(browser_page, seeded_live_server):
    page = browser_page
    page.goto(seeded_live_server.url + "/landskab/?source=cbs-2020")
    assert page.get_by_test_id("landscape-total").inner_text().startswith("62")
    images = page.locator("img[src*='/landskab/figur/']")
    assert images.count() == 2
    for image in images.all():
        expect(image).to_have_js_property("complete", True)
        assert image.evaluate("img => img.naturalWidth") > 0
    assert page.get_by_role("cell", name="Markedsaktører").is_visible()

    page.goto(seeded_live_server.url + "/netvaerk/?focus_area=ppe")
    page.wait_for_selector("#network[data-ready=true]")
    assert int(page.locator("#network").get_attribute("data-nodes")) > 5
    assert page.locator("#network canvas").count() >= 1
    assert page.get_by_role("heading", name="Mest forbundne organisationer").is_visible()


def test_it_searches_live_and_narrows_with_a_facet(browser_page, seeded_live_server):
    page = browser_page
    page.goto(seeded_live_server.url + "/")
    page.get_by_role("search").first.get_by_role("searchbox").fill("visir")
    page.get_by_role("search").first.get_by_role("button").click()
    page.wait_for_url(re.compile(r"/soeg/\?q=visir"))
    assert int(page.get_by_test_id("search-count").inner_text().split()[0]) > 3
    assert page.locator("mark").first.is_visible()

    page.locator("#search-q").fill("håndsprit")  # live results through HTMX, no reload
    expect(page.get_by_test_id("search-count")).to_be_visible()
    expect(page.get_by_text("visirholdere")).to_have_count(0)
    assert "q=h" in page.url  # hx-push-url keeps the address shareable
    page.locator("aside").get_by_role("link", name="Partnerskab", exact=True).click()
    page.wait_for_url(re.compile(r"type=partnership"))
    results = page.locator("article")
    assert results.count() > 0
    assert all("Partnerskab" in results.nth(i).inner_text() for i in range(results.count()))
