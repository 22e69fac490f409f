"""In real Chromium: from the health data map to the unified search, narrowed by a dataset facet,
to the dataset's page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def data_map(seeded_live_server):
    from videnbro.datamap.seeding import seed_datamap

    seed_datamap(progress=False)
    return seeded_live_server


def test_it_searches_datasets_from_the_data_map_and_narrows_by_theme(data_map, browser_page):
    # data_map first: its database writes must happen before Playwright starts (see
    # browser_page), or PostgreSQL keeps a session open and cannot drop the test database.
    page = browser_page
    page.goto(data_map.url + "/datalandkort/")
    page.get_by_label("Søg (fx hjertesvigt, ATC, fødsler)").fill("fødsler")
    page.get_by_role("button", name="Filtrér").click()
    page.wait_for_url(re.compile(r"/datalandkort/\?q=f"))

    page.get_by_role("link", name="Søg i alle kilder").click()
    page.wait_for_url(re.compile(r"/soeg/\?type=dataset&q=f"))
    results = page.locator("article")
    expect(results.first).to_contain_text("Det Medicinske Fødselsregister")
    assert all("Datasæt" in results.nth(i).inner_text() for i in range(results.count()))

    page.locator("aside").get_by_role("link", name="Fødsler", exact=True).click()
    page.wait_for_url(re.compile(r"theme=births"))
    assert (
        page.locator("aside").get_by_role("link", name="Fødsler", exact=True).get_attribute("aria-current")
        == "true"
    )
    page.get_by_role("link", name="Det Medicinske Fødselsregister", exact=True).click()
    page.wait_for_url(re.compile(r"/datalandkort/det-medicinske-foedselsregister/$"))
    assert page.get_by_role("heading", level=1).inner_text().startswith("Det Medicinske Fødselsregister")
