"""The Content-Security-Policy in a real browser (issue 12, finding 10): Debian Chromium loads
the key pages – anonymous and as staff – and reports no policy violation; the charts, the
network diagram, htmx's live filters and the API docs still work under the policy."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from videnbro.accounts.models import Role

from .chromium import chromium

pytestmark = [pytest.mark.browser, pytest.mark.regression, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seeded_live_server(seeded_live_server):
    """The root conftest's seeded server (registry, partnerships) with the crisis incidents and
    the health data map too, seeded before Playwright starts (its greenlet would otherwise hold
    a database connection of its own)."""
    from videnbro.crisis.seeding import seed_crisis
    from videnbro.datamap.seeding import seed_datamap

    seed_crisis(progress=False)
    seed_datamap(progress=False)
    return seeded_live_server


@pytest.fixture
def staff_session(seeded_live_server, make_user):
    """The session cookie of a platform administrator, made before the browser starts."""
    from videnbro.registry.models import Organisation

    user = make_user(Role.PLATFORM_ADMIN, organisation=Organisation.objects.get(key="region-hovedstaden"))
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


@pytest.fixture
def browser(seeded_live_server, staff_session):
    with chromium() as browser:
        yield browser


class Watched:
    """A page whose console is read: CSP violations and script errors are collected."""

    def __init__(self, context):
        self.page = context.new_page()
        self.page.set_default_timeout(20_000)
        self.violations: list[str] = []
        self.errors: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _console(self, message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.violations.append(f"{self.page.url}: {message.text}")

    def open(self, url: str):
        response = self.page.goto(url)
        # No header, no violations to see: the policy must be there for the check to mean much.
        assert "script-src 'self'" in response.headers.get("content-security-policy", ""), url
        self.page.wait_for_load_state("networkidle")
        return self.page

    def images_loaded(self) -> bool:
        return self.page.evaluate("Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)")


def _open_all(watched: Watched, base: str, paths: list[str]) -> None:
    for path in paths:
        watched.open(base + path)
        assert watched.images_loaded(), f"{path}: an image did not load"


def test_it_the_public_pages_raise_no_policy_violation(browser, seeded_live_server):
    base = seeded_live_server.url
    context = browser.new_context(locale="da-DK")
    watched = Watched(context)
    _open_all(
        watched,
        base,
        [
            "/",
            "/soeg/?q=visir",
            "/datalandkort/",
            "/krise/tilbyd/",
            "/krise/",
            "/landskab/",
            "/krise/kapacitet/",
            "/akutsamarbejder/",
            "/en/",
            "/krise/haendelser/covid-19-foerste-boelge-2020/evaluering/",
        ],
    )
    # The matplotlib charts are SVG images (their own documents, outside the page's policy).
    page = watched.open(base + "/landskab/")
    assert page.locator("img.chart").count() == 2

    # htmx still filters live (its indicator style comes from our stylesheet).
    page = watched.open(base + "/organisationer/")
    page.get_by_label("Type").select_option("municipality")
    page.wait_for_url(re.compile(r"kind=municipality"))
    assert page.locator("style").count() == 0, "htmx must not inject its indicator <style>"

    # The network diagram draws with Cytoscape (a canvas) under the policy.
    page = watched.open(base + "/netvaerk/")
    page.wait_for_selector("#network canvas")

    # Swagger UI renders the operations from the schema.
    page = watched.open(base + "/api/v1/docs/")
    page.wait_for_selector(".opblock", timeout=30_000)

    assert not watched.violations, "\n".join(watched.violations)
    assert not watched.errors, "\n".join(watched.errors)
    context.close()


def test_it_the_staff_pages_raise_no_policy_violation(browser, seeded_live_server, staff_session):
    base = seeded_live_server.url
    context = browser.new_context(locale="da-DK")
    context.add_cookies([{"name": "sessionid", "value": staff_session, "url": base}])
    watched = Watched(context)
    page = watched.open(base + "/krise/indbakke/")
    assert page.locator("h1").count() == 1
    assert "/log-ind/" not in page.url, "the staff session must be signed in"
    _open_all(
        watched,
        base,
        ["/dataindgang/oversigt/", "/dataindgang/indbakke/", "/krise/behov/", "/organisationer/grundfos/"],
    )
    # The bars of the overview are sized by bars.js, not by style attributes.
    page = watched.open(base + "/dataindgang/oversigt/")
    widths = page.locator("[data-bar-percent]").evaluate_all("bars => bars.map(b => b.style.width)")
    assert widths and all(width.endswith("%") for width in widths)
    assert not watched.violations, "\n".join(watched.violations)
    assert not watched.errors, "\n".join(watched.errors)
    context.close()


def test_it_the_policy_would_be_reported_in_the_console(browser, seeded_live_server):
    """The listener sees a real violation: an inline style added by a script is refused."""
    context = browser.new_context()
    watched = Watched(context)
    page = watched.open(seeded_live_server.url + "/")
    page.evaluate("""() => {
        const style = document.createElement('style');
        style.textContent = 'body { color: red; }';
        document.head.appendChild(style);
    }""")
    page.wait_for_timeout(300)
    assert watched.violations
    context.close()
