"""The crisis front door end to end in real Chromium: an authority declares an incident and
posts a need, a stranger offers help, the offer is classified, matched and routed, the
authority triages it and sees the three frames."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def authority_user(seeded_live_server):
    from videnbro.accounts.models import User
    from videnbro.registry.models import Organisation

    user = User.objects.create_user(
        "beredskab@regionh.example",
        password="Krise-test-2026!",
        role="authority_staff",
        organisation=Organisation.objects.get(key="region-hovedstaden"),
    )
    return user


def log_in(page, base_url: str) -> None:
    page.goto(base_url + "/log-ind/")
    page.get_by_label("Brugernavn").fill("beredskab@regionh.example")
    page.get_by_label("Adgangskode").fill("Krise-test-2026!")
    page.locator("form").get_by_role("button").last.click()
    page.wait_for_load_state()


def test_it_incident_need_offer_triage_and_three_frames(
    authority_user,
    seeded_live_server,
    browser_page,
    run_tasks_in_thread,
):
    page = browser_page
    base = seeded_live_server.url
    log_in(page, base)

    # 1. Declare an incident.
    page.goto(base + "/krise/haendelser/ny/")
    page.get_by_label(re.compile(r"^Titel")).fill("Mangel på værnemidler, vinter 2026")
    page.get_by_label(re.compile(r"^Type")).select_option("supply")
    page.get_by_label("Region Hovedstaden").check()
    page.get_by_role("button", name="Erklær hændelse").click()
    page.wait_for_url(re.compile(r"/krise/haendelser/mangel-paa-vaernemidler"))
    assert page.get_by_test_id("incident-status").inner_text() == "Erklæret"

    # 2. Post a need that demands CE-marking, a quantity and a delivery time of every offer.
    page.get_by_role("link", name="Opret behov").click()
    page.get_by_label(re.compile(r"^Titel")).fill("Visirer til akutmodtagelser")
    page.get_by_label(re.compile(r"^Vare/ydelse")).select_option("visors")
    page.get_by_label("Mængde", exact=True).fill("3000")
    page.get_by_label("Periode *").select_option("day")
    page.get_by_label("Kommune (kode eller navn)").fill("København")
    page.get_by_label("CE-mærket").check()
    page.get_by_label("Mængde og enhed").check()
    page.get_by_label("Leveringstid i dage").check()
    page.get_by_role("button", name="Opret behov").click()
    page.wait_for_url(re.compile(r"/krise/behov/\d+/$"))
    need_url = page.url

    # 3. A stranger (no account, a fresh browser context) offers visors.
    stranger = page.context.browser.new_context(locale="da-DK").new_page()
    stranger.goto(need_url)
    stranger.get_by_test_id("offer-for-need").click()
    stranger.get_by_label("Organisationens navn (eller dit navn)").fill("Makers mod Corona")
    stranger.get_by_label("E-mail").fill("kontakt@makers.example")
    stranger.get_by_label("Hvad tilbyder I?").fill("3D-printede visirer")
    stranger.get_by_label("Beskrivelse").fill(
        "Vi kan printe visirer med godkendt design. <script>alert('x')</script>"
    )
    stranger.get_by_test_id("offer-submit").click()
    # The need's required fields are named; nothing is stored yet.
    expect(stranger.get_by_text("Behovet kræver dette felt").first).to_be_visible()
    stranger.get_by_label("Mængde *").fill("2000")
    stranger.get_by_label("Periode").select_option("day")
    stranger.get_by_label("CE-mærket *").check()
    stranger.get_by_label("Leveringstid i dage *").fill("3")
    stranger.get_by_test_id("offer-submit").click()
    stranger.wait_for_url(re.compile(r"/krise/tilbud/status/TB-"))
    reference = stranger.get_by_test_id("offer-reference").inner_text()
    assert re.fullmatch(r"TB-[0-9A-Z]{4}-[0-9A-Z]{4}", reference)
    # Script in free text is shown as text, never run.
    assert "<script>alert('x')</script>" in stranger.get_by_test_id("offer-description").inner_text()

    # 4. The background worker classifies, resolves, matches and routes it.
    run_tasks_in_thread()
    stranger.reload()
    assert (
        stranger.get_by_test_id("offer-category")
        .inner_text()
        .startswith("Produktion af værnemidler/håndsprit")
    )
    assert "Region Hovedstaden" in stranger.get_by_test_id("offer-routed").inner_text()

    # 5. The authority triages it from the inbox.
    page.goto(base + "/krise/indbakke/")
    page.get_by_role("link", name=reference).click()
    assert "Visirer til akutmodtagelser" in page.get_by_test_id("offer-need").inner_text()
    page.get_by_test_id("to-in_review").click()
    assert page.get_by_test_id("offer-status").inner_text() == "Under vurdering"
    page.get_by_label("Begrundelse eller spørgsmål til tilbudsgiveren").fill(
        "Tak – vi modtager gerne 2.000 om dagen fra mandag."
    )
    page.get_by_test_id("to-accepted").click()
    assert page.get_by_test_id("offer-status").inner_text() == "Accepteret"
    stranger.reload()
    assert stranger.get_by_test_id("offer-status").inner_text() == "Accepteret"

    # 6. The three frames: the offer joins the visors CBS recorded for Makers mod Corona
    # (3.000 a day) among the untapped resources in society, against the need of 3.000 a day.
    page.goto(base + "/krise/kapacitet/?authority=region-hovedstaden&item=visors")
    table = page.get_by_test_id("frames-table")
    assert table.locator("thead th").nth(2).inner_text() == "stk. (day)"
    society = table.get_by_role("row", name=re.compile("Uudnyttede ressourcer"))
    assert society.locator("td").nth(1).inner_text() == "5.000"
    needed = table.get_by_role("row", name=re.compile("Behov"))
    assert needed.locator("td").nth(1).inner_text() == "3.000"
    expect(page.get_by_text(f"{reference}: 3D-printede visirer")).to_be_visible()
    assert page.locator("figure img").evaluate("img => img.naturalWidth") > 0
    stranger.context.close()
