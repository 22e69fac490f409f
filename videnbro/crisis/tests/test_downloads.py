"""The public evaluation as PDF and XLSX (issue 12, finding 10): each incident version is
rendered once per language and then served from the cache; anonymous clients are limited per
client with a 429 page that says when to come back."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.test import override_settings

from videnbro.crisis import services
from videnbro.crisis.downloads import incident_version
from videnbro.crisis.views import files as views

from .factories import offer_data

pytestmark = pytest.mark.regression


@pytest.fixture(autouse=True)
def _empty_report_cache():
    caches["default"].clear()
    yield
    caches["default"].clear()


@pytest.fixture
def renders(monkeypatch):
    """Counts the renders of each format; the files are stand-ins (rendering is tested in
    test_report.py)."""
    calls = {"pdf": 0, "xlsx": 0}

    def fake(fmt):
        def render(ev):
            calls[fmt] += 1
            return f"{fmt} {ev.incident.key} {ev.offers_total} {calls[fmt]}".encode()

        return render

    monkeypatch.setattr(views, "render_pdf", fake("pdf"))
    monkeypatch.setattr(views, "render_xlsx", fake("xlsx"))
    return calls


def url(incident, fmt: str, language: str = "") -> str:
    return f"{'/en' if language == 'en' else ''}/krise/haendelser/{incident.key}/evaluering.{fmt}"


@pytest.mark.parametrize("fmt", ["pdf", "xlsx"])
def test_it_renders_an_incident_version_once(client, incident, renders, fmt):
    first = client.get(url(incident, fmt))
    second = client.get(url(incident, fmt))
    assert first.status_code == second.status_code == 200
    assert second.content == first.content
    assert renders[fmt] == 1
    assert second["Content-Disposition"] == (f'attachment; filename="evaluering-{incident.key}.{fmt}"')


def test_it_a_new_offer_makes_a_new_version_that_is_rendered_again(client, incident, need, renders):
    before = incident_version(incident)
    client.get(url(incident, "pdf"))
    services.offer_submit(data=offer_data(), need=need, idempotency_key=None)
    assert incident_version(incident) != before
    response = client.get(url(incident, "pdf"))
    assert renders["pdf"] == 2
    assert response.content.startswith(f"pdf {incident.key} 1 ".encode())


def test_it_a_status_change_of_the_incident_makes_a_new_version(client, incident, rh_staff, renders):
    client.get(url(incident, "xlsx"))
    services.incident_transition(actor=rh_staff, incident=incident, to="stood_down")
    client.get(url(incident, "xlsx"))
    assert renders["xlsx"] == 2


def test_it_each_language_has_its_own_file(client, incident, renders):
    client.get(url(incident, "pdf"))
    client.get(url(incident, "pdf", "en"))
    client.get(url(incident, "pdf", "en"))
    assert renders["pdf"] == 2


@override_settings(REPORT_THROTTLE_RATE="3/min")
def test_it_limits_anonymous_downloads_per_client(client, incident, renders):
    for fmt in ("pdf", "xlsx", "pdf"):
        assert client.get(url(incident, fmt)).status_code == 200
    refused = client.get(url(incident, "pdf"))
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "For mange forespørgsler" in refused.content.decode()
    english = client.get(url(incident, "xlsx", "en"))
    assert english.status_code == 429
    assert "Too many requests" in english.content.decode()
    # Another client is not affected.
    assert client.get(url(incident, "pdf"), REMOTE_ADDR="192.0.2.7").status_code == 200


@override_settings(REPORT_THROTTLE_RATE="1/min")
def test_it_does_not_limit_signed_in_users(client, incident, rh_staff, renders):
    client.force_login(rh_staff)
    for _ in range(3):
        assert client.get(url(incident, "pdf")).status_code == 200


def test_it_an_unknown_format_is_404_and_not_counted(client, incident, renders):
    assert client.get(url(incident, "docx")).status_code == 404
    assert renders == {"pdf": 0, "xlsx": 0}
