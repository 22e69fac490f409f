"""The issue's "done when", end to end in real Chromium: a newcomer with a research question
finds the right registries in the health data map, reads how to apply, applies to three
custodians at once, and follows the request through screening, the three custodians'
decisions, the cost estimate and provisioning to "active"."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Data-test-2026!"  # noqa: S105
DATASETS = {
    "dbcg-database": "regionernes-kliniske-kvalitetsudviklingsprogram",
    "landspatientregisteret": "sundhedsdatastyrelsen",
    "personindkomster": "danmarks-statistik",
}


@pytest.fixture
def people(seeded_live_server):
    """The broker and one custodian user per custodian (made by an administrator); the
    applicant signs up during the test."""
    from videnbro.accounts.models import Role, User
    from videnbro.datamap.seeding import seed_datamap
    from videnbro.registry.models import Organisation

    seed_datamap(progress=False)
    custodians = {Organisation.objects.get(key=key).key for key in DATASETS.values()}
    User.objects.create_user(
        "maegler@dataindgang.example",
        password=PASSWORD,
        email="maegler@dataindgang.example",
        role=Role.DATA_BROKER,
    )
    for key in custodians:
        User.objects.create_user(
            f"data@{key}.example",
            password=PASSWORD,
            email=f"data@{key}.example",
            role=Role.DATA_CUSTODIAN,
            organisation=Organisation.objects.get(key=key),
        )
    return custodians


def log_in(page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(base + "/log-ind/")
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.locator("main form").get_by_role("button").last.click()
    page.wait_for_load_state()


def move(scope, test_id: str, note: str = "") -> None:
    """Press a move button (in the page or one part's row), with a note when given; the page
    that follows shows no error."""
    page = getattr(scope, "page", scope)
    button = scope.get_by_test_id(test_id).first
    if note:
        button.locator("xpath=..").locator("input[name=note]").fill(note)
    with page.expect_navigation():
        button.click()
    expect(page.locator(".message.error")).to_have_count(0)


def test_it_a_newcomer_applies_to_three_custodians_and_follows_the_request_to_active(
    people,
    seeded_live_server,
    browser_page,
    run_tasks_in_thread,
):
    page, base = browser_page, seeded_live_server.url

    # 1. A research question: does income affect breast-cancer treatment? Find the registry.
    page.goto(base + "/")
    page.get_by_role("navigation").get_by_role("link", name="Sundhedsdata").click()
    page.wait_for_url(re.compile(r"/datalandkort/$"))
    page.locator("main form input[name=q]").first.fill("brystkræft")
    page.locator("main form").first.get_by_role("button").first.click()
    page.get_by_role("link", name=re.compile("Danish Breast Cancer Group|DBCG")).first.click()
    page.wait_for_url(re.compile(r"/datalandkort/dbcg-database/$"))

    # 2. It says how to apply: the route and its steps.
    how = page.get_by_test_id("how-to-apply")
    expect(how).to_contain_text("Sådan søger du adgang")
    assert how.locator("ol li").count() >= 2

    # 3. Compare it with the patient register and the income register, apply to all three.
    page.get_by_test_id("compare").click()
    page.locator("#cmp").select_option(list(DATASETS))
    page.get_by_role("button", name="Sammenlign").click()
    expect(page.get_by_test_id("compare-table").locator("thead th")).to_have_count(4)
    page.get_by_test_id("apply-all").click()

    # Applying needs an account: a newcomer creates one, confirms it from the e-mail and lands
    # back on the prefilled application.
    page.wait_for_url(re.compile(r"/log-ind/"))
    page.get_by_test_id("signup-link").click()
    page.get_by_label("Navn").fill("Ny Forsker")
    page.get_by_label("E-mail").fill("Forsker@KU.example")
    page.get_by_label(re.compile(r"^Organisation")).fill("Københavns Universitet")
    page.get_by_role("button", name="Opret konto").click()
    expect(page.get_by_test_id("signup-done")).to_contain_text("forsker@ku.example")
    run_tasks_in_thread()  # the e-mail worker
    from django.core import mail

    (activation,) = [m for m in mail.outbox if m.to == ["forsker@ku.example"]]
    link = re.search(r"https?://\S+/konto/aktiver/\S+/", activation.body).group(0)
    page.goto(base + "/" + link.split("://", 1)[1].split("/", 1)[1])
    # The link's page: confirm name and organisation, choose the password (issue 12, finding 1).
    expect(page.get_by_label(re.compile(r"^Organisation"))).to_have_value("Københavns Universitet")
    page.get_by_label(re.compile(r"^Adgangskode")).fill(PASSWORD)
    page.get_by_label(re.compile(r"^Gentag adgangskoden")).fill(PASSWORD)
    page.get_by_role("button", name="Aktivér konto").click()
    page.wait_for_url(re.compile(r"/dataindgang/ny/\?"))
    expect(page.locator(".messages")).to_contain_text("Din konto er aktiveret")
    for key in DATASETS:
        expect(page.get_by_test_id(f"variables-{key}")).to_be_visible()

    # Submitting without purpose and legal basis keeps everything typed and says what's missing.
    page.get_by_label(re.compile(r"^Projekttitel")).fill("Indkomst og brystkræftbehandling")
    page.get_by_test_id("variables-dbcg-database").get_by_label(re.compile("ER-status")).check()
    page.get_by_test_id("save-submit").click()
    page.wait_for_url(re.compile(r"/dataindgang/DA-[A-Z0-9-]+/rediger/$"))
    expect(page.locator(".messages")).to_contain_text("Skal udfyldes")
    assert page.get_by_label(re.compile(r"^Projekttitel")).input_value() == "Indkomst og brystkræftbehandling"
    expect(
        page.get_by_test_id("variables-dbcg-database").get_by_label(re.compile("ER-status"))
    ).to_be_checked()

    page.get_by_label(re.compile(r"^Formål")).fill(
        "At undersøge om disponibel indkomst hænger sammen med valg af behandling af brystkræft."
    )
    page.get_by_label(re.compile(r"^Hjemmel")).fill(
        "GDPR art. 6, stk. 1, litra e, og art. 9, stk. 2, litra j; databeskyttelseslovens § 10."
    )
    page.get_by_label(re.compile(r"^Sikkert analysemiljø")).select_option("dst_research_service")
    page.get_by_test_id("variables-landspatientregisteret").get_by_label(re.compile("C_ADIAG")).check()
    page.get_by_test_id("variables-personindkomster").get_by_label(re.compile("DISPON_13")).check()
    page.get_by_test_id("save-submit").click()
    page.wait_for_url(re.compile(r"/dataindgang/DA-[A-Z0-9-]+/$"))
    expect(page.get_by_test_id("status")).to_have_text("Indsendt")
    detail_url = page.url
    reference = page.get_by_test_id("reference").inner_text()

    # 4. The broker screens the request and routes it: one part per custodian.
    log_in(page, base, "maegler@dataindgang.example")
    page.goto(base + "/dataindgang/oversigt/")
    page.get_by_role("link", name=reference).click()
    move(page, "move-screening")
    move(page, "move-routed")
    expect(page.get_by_test_id("status")).to_have_text("Til behandling hos dataansvarlige")
    expect(page.get_by_test_id("parts").locator("tbody tr")).to_have_count(3)

    # 5. Each custodian finds its part in the inbox and decides; one asks for an update first.
    for number, custodian in enumerate(sorted(people)):
        log_in(page, base, f"data@{custodian}.example")
        page.goto(base + "/dataindgang/indbakke/")
        page.get_by_test_id("inbox").get_by_role("link", name=reference).click()
        row = page.get_by_test_id(f"part-{custodian}")
        expect(page.locator("[data-testid^=part-move-]")).to_have_count(1)  # only its own part
        move(row, "part-move-in_review")
        row = page.get_by_test_id(f"part-{custodian}")
        if number == 0:
            move(row, "part-move-updates_requested", "Vedhæft venligst protokollen.")
            log_in(page, base, "forsker@ku.example")
            page.goto(detail_url)
            expect(page.get_by_test_id(f"part-{custodian}").get_by_test_id("part-status")).to_have_text(
                "Ændringer ønsket"
            )
            move(
                page.get_by_test_id(f"part-{custodian}"),
                "part-move-in_review",
                "Protokollen er nu vedhæftet.",
            )
            log_in(page, base, f"data@{custodian}.example")
            page.goto(detail_url)
            row = page.get_by_test_id(f"part-{custodian}")
        if number == 1:
            move(row, "part-move-approved_with_conditions", "Kun aggregerede resultater.")
        else:
            move(row, "part-move-approved")

    # 6. The broker sends the cost estimate; the applicant accepts it.
    log_in(page, base, "maegler@dataindgang.example")
    page.goto(detail_url)
    page.get_by_test_id("cost-estimate").fill("18500")
    move(page, "move-cost_estimate")
    log_in(page, base, "forsker@ku.example")
    page.goto(detail_url)
    expect(page.get_by_test_id("cost")).to_contain_text("18.500")
    move(page, "move-accepted")

    # 7. Provisioning, then active; the applicant sees one status with every custodian's part.
    log_in(page, base, "maegler@dataindgang.example")
    page.goto(detail_url)
    move(page, "move-provisioning")
    move(page, "move-active")
    log_in(page, base, "forsker@ku.example")
    page.goto(base + "/dataindgang/")
    page.get_by_test_id("my-requests").get_by_role("link", name=reference).click()
    expect(page.get_by_test_id("status")).to_have_text("Aktiv")
    statuses = page.get_by_test_id("parts").get_by_test_id("part-status").all_inner_texts()
    assert sorted(statuses) == ["Godkendt", "Godkendt", "Godkendt med vilkår"]
    expect(page.get_by_test_id("trail")).to_contain_text("Vedhæft venligst protokollen.")

    # The approved use is in the public register, without the applicant's name.
    page.context.clear_cookies()
    page.goto(base + "/dataindgang/register/")
    register = page.get_by_test_id("register")
    expect(register).to_contain_text("Indkomst og brystkræftbehandling")
    expect(register).to_contain_text("Københavns Universitet")  # as stated at sign-up
    expect(register).not_to_contain_text("forsker@ku.example")
