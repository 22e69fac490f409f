"""Security headers on every page (issue 12, finding 10): a Content-Security-Policy without
'unsafe-inline', pages free of inline scripts, styles and event handlers (which that policy
would block), HTTPS settings that make `check --deploy` clean in production, and the cached,
throttled evaluation downloads."""

from __future__ import annotations

import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

from videnbro.accounts.models import Role
from videnbro.crisis import services as crisis_services
from videnbro.crisis.models import Incident, Need
from videnbro.crisis.tests.factories import need_data
from videnbro.datamap.models import Dataset
from videnbro.partnerships.models import Partnership

pytestmark = pytest.mark.regression

# Parameterless routes that are not pages one opens: actions (POST), redirects, scripts.
NOT_PAGES = {"set_language", "logout", "javascript-catalog", "inbox_bulk"}
# Routes with parameters that are not HTML pages, or need a secret (token, signed link) or a
# record only a role-specific fixture creates; the parser test covers their templates through
# the pages that share them or the app's own tests.
PARAMETERISED_SKIPPED = {
    "activate",
    "password_reset_confirm",  # token links (the form is the same as reset)
    "organisation-export",
    "partnership-export",
    "need_export",
    "offer_export",  # CSV/XLSX
    "landscape-figure",
    "frames_chart",
    "evaluation_download",  # images and files
    "organisation-edit",
    "capacity-add",
    "capacity-remove",
    "contact-add",  # member actions
    "organisation-verify",  # staff action (POST)
    "partnership-edit",
    "evaluation-add",
    "incident_status",
    "need_status",
    "offer_action",
    "volunteer_contact",
    "organisation-suggestions",  # HTMX fragment, covered by its page
    "offer_status",
    "my_offers_list",
    "volunteer_status",  # secret links
    "offer_detail",  # staff page, opened in the browser test
    "request_detail",
    "request_edit",
    "request_transition",
    "amendment_create",
    "document_upload",
    "document_download",
    "document_remove",  # broker: per-applicant
}


def _routes(patterns=None, prefix=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.name, bool(pattern.pattern.converters)


def _page_routes():
    return [
        (route, name, has_args)
        for route, name, has_args in _routes()
        if not route.startswith(("api/", "admin/", "i18n/")) and name not in NOT_PAGES
    ]


@pytest.fixture
def need(seeded, make_user, org) -> Need:
    """An open need of an active incident, posted through the services."""
    staff = make_user(Role.AUTHORITY_STAFF, organisation=org("region-hovedstaden"))
    declared = crisis_services.incident_declare(
        actor=staff,
        data={"title": "Testhændelse: mangel på værnemidler", "kind": "pandemic", "regions": ["hovedstaden"]},
    )
    incident = crisis_services.incident_transition(actor=staff, incident=declared, to="active")
    return crisis_services.need_create(actor=staff, data=need_data(incident))


def _parameterised_pages(need: Need) -> dict[str, str]:
    """One real URL per page with parameters, from the seeded data."""
    incident = Incident.objects.get(key="covid-19-foerste-boelge-2020")
    return {
        "organisation-detail": "/organisationer/grundfos/",
        "partnership-detail": Partnership.objects.order_by("pk").first().get_absolute_url(),
        "incident_detail": f"/krise/haendelser/{incident.key}/",
        "evaluation": f"/krise/haendelser/{incident.key}/evaluering/",
        "need_detail": f"/krise/behov/{need.pk}/",
        "offer_for_need": f"/krise/behov/{need.pk}/tilbyd/",
        "dataset_detail": f"/datalandkort/{Dataset.objects.order_by('pk').first().key}/",
    }


def _public_urls(need: Need) -> list[str]:
    urls = ["/" + route for route, _name, has_args in _page_routes() if not has_args]
    urls += _parameterised_pages(need).values()
    urls += ["/en/", "/en/krise/tilbyd/", "/soeg/?q=visir", "/organisationer/?q=region", "/api/v1/docs/"]
    return urls


class InlineCode(HTMLParser):
    """Collects everything a CSP without 'unsafe-inline' would block."""

    DATA_SCRIPTS = {"application/json", "application/ld+json"}

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and not attributes.get("src") and attributes.get("type") not in self.DATA_SCRIPTS:
            self.found.append(f"inline <script> at line {self.getpos()[0]}")
        if tag == "style":
            self.found.append(f"<style> at line {self.getpos()[0]}")
        for name, value in attrs:
            if name == "style":
                self.found.append(f'style="{value}" on <{tag}> at line {self.getpos()[0]}')
            elif name.startswith("on") or name.startswith("hx-on"):
                self.found.append(f"{name} handler on <{tag}> at line {self.getpos()[0]}")
            elif (
                name in ("href", "src", "action", "formaction")
                and value
                and value.strip().lower().startswith("javascript:")
            ):
                self.found.append(f"javascript: URL on <{tag}> at line {self.getpos()[0]}")

    handle_startendtag = handle_starttag


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    parser.close()
    return parser.found


def test_it_the_parser_sees_what_the_policy_blocks():
    html = (
        '<p style="color:red" onclick="x()">a</p><script>alert(1)</script><style>p{}</style>'
        '<a href="javascript:alert(1)">b</a><div hx-on:click="x()"></div>'
        '<script src="/static/a.js"></script><script type="application/json">{}</script>'
    )
    assert len(inline_code(html)) == 6


def assert_strict_policy(response, url: str) -> None:
    policy = response.headers.get("Content-Security-Policy")
    assert policy, f"{url}: no Content-Security-Policy header"
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy, (url, policy)
    assert directives.get("script-src") == ["'self'"], (url, policy)
    assert directives.get("style-src") == ["'self'"], (url, policy)
    assert directives.get("object-src") == ["'none'"], (url, policy)
    assert directives.get("frame-ancestors") == ["'none'"], (url, policy)


def _check_pages(client, urls) -> list[str]:
    problems, html_pages = [], 0
    for url in urls:
        response = client.get(url)
        assert response.status_code < 500, (url, response.status_code)
        assert_strict_policy(response, url)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            html_pages += 1
            problems += [f"{url}: {found}" for found in inline_code(response.content.decode())]
    assert html_pages >= len(urls) // 2, "most pages should render for this client"
    return problems


def test_it_covers_every_page_with_parameters(need):
    """A new page with parameters must be added to the list above (or skipped with a reason)."""
    pages = _parameterised_pages(need)
    missing = [
        name
        for _route, name, has_args in _page_routes()
        if has_args and name not in pages and name not in PARAMETERISED_SKIPPED
    ]
    assert not missing, f"add these pages to test_security_headers: {missing}"


def test_it_every_public_page_has_a_strict_policy_and_no_inline_code(need, client):
    problems = _check_pages(client, _public_urls(need))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    "role", [Role.PLATFORM_ADMIN, Role.AUTHORITY_STAFF, Role.DATA_BROKER, Role.CLUSTER_SECRETARIAT]
)
def test_it_every_staff_page_has_a_strict_policy_and_no_inline_code(need, client, make_user, org, role):
    client.force_login(
        make_user(role, organisation=org("region-hovedstaden") if role == Role.AUTHORITY_STAFF else None)
    )
    problems = _check_pages(client, _public_urls(need))
    assert not problems, "\n".join(problems)


def test_it_the_api_answers_with_the_policy_too(seeded, client):
    for url in ("/api/v1/organisations/", "/api/v1/health/", "/api/v1/docs/?script="):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_strict_policy(response, url)


def test_it_the_api_docs_load_their_start_up_script_from_a_url(seeded, client):
    html = client.get("/api/v1/docs/").content.decode()
    assert "/api/v1/docs/?script=" in html
    script = client.get("/api/v1/docs/?script=")
    assert script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content


def test_it_svg_charts_may_style_themselves_but_run_nothing(seeded, client, make_user, org):
    """matplotlib's SVG carries <style> and style="": opened on its own it needs inline styles
    (videnbro.core.csp); it still may not run any script."""
    staff = make_user(Role.AUTHORITY_STAFF, organisation=org("region-hovedstaden"))
    client.force_login(staff)
    for url in (
        "/landskab/figur/partnertyper.svg",
        f"/krise/kapacitet/figur.svg?authority={staff.organisation.key}",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        policy = response.headers["Content-Security-Policy"]
        assert "style-src 'unsafe-inline'" in policy, policy
        assert "script-src 'none'" in policy and "default-src 'none'" in policy, policy


# ---------------------------------------------------------------------------------------------
# HTTPS in production: `check --deploy` is clean with the production settings


def _deploy_check(**env) -> subprocess.CompletedProcess:
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(("SECURE_", "DJANGO_"))
    }
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "videnbro.config.settings.production",
            "SECRET_KEY": "x" * 20 + "deploy-check-only-key-0123456789-abcdefghij",
            "ALLOWED_HOSTS": "videnbro.example.org",
            **env,
        }
    )
    return subprocess.run(  # noqa: S603 – our own interpreter and arguments
        [sys.executable, "-m", "videnbro", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=Path(settings.BASE_DIR),
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_it_the_deploy_check_is_clean_with_the_production_settings():
    result = _deploy_check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_the_deploy_check_warns_when_https_is_turned_off():
    """The check is not silenced: turning the settings off brings the warnings back."""
    result = _deploy_check(SECURE_SSL_REDIRECT="0", SECURE_HSTS_SECONDS="0", SECURE_COOKIES="0")
    output = result.stdout + result.stderr
    assert result.returncode != 0
    for code in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert code in output, code


def test_it_production_settings_trust_the_proxy_header_only_when_configured():
    script = "from django.conf import settings; print(getattr(settings, 'SECURE_PROXY_SSL_HEADER', None))"

    def proxy_header(**env):
        environment = {
            key: value for key, value in os.environ.items() if not key.startswith(("SECURE_", "DJANGO_"))
        }
        environment.update(
            {"DJANGO_SETTINGS_MODULE": "videnbro.config.settings.production", "SECRET_KEY": "k" * 50, **env}
        )
        return subprocess.run(  # noqa: S603 – our own interpreter and arguments
            [sys.executable, "-c", f"import django; django.setup(); {script}"],
            cwd=Path(settings.BASE_DIR),
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        ).stdout.strip()

    assert proxy_header() == "None"
    assert (
        proxy_header(SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https")
        == "('HTTP_X_FORWARDED_PROTO', 'https')"
    )
