"""Tests generated from the permission matrix (`core/permission_matrix.py`):

1. every URL pattern (web pages and /api/v1/, the admin site excluded) and every HTTP method
   an API view answers has a row – a new endpoint without a row fails;
2. every row is exercised for every role against a small seeded world, and the status must be
   the matrix's outcome;
3. `docs/permissions.md` holds the tables generated from the matrix.

The world is built once per module inside a transaction that is rolled back at the end; each
request runs in its own savepoint (the `db` fixture), so a write in one case never leaks into
the next."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import request_finished
from django.db import close_old_connections, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient
from rest_framework.viewsets import ViewSet

from videnbro.accounts.models import Role
from videnbro.accounts.services import token_create, user_create
from videnbro.core import permission_matrix as matrix
from videnbro.core.audit import SYSTEM

DOC = Path(__file__).resolve().parents[3] / "docs" / "permissions.md"
PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)
HTTP_METHODS = ("get", "post", "put", "patch", "delete")


# ---------------------------------------------------------------------------------------------
# 1. Every endpoint has a row


def _endpoints() -> dict[str, set[str]]:
    """URL name → the HTTP methods known to be answered (API views), for every pattern outside
    the admin site."""
    found: dict[str, set[str]] = {}

    def walk(resolver: URLResolver, namespaces: tuple[str, ...], prefix: str) -> None:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin" or getattr(pattern, "app_name", "") == "admin":
                    continue
                walk(
                    pattern,
                    namespaces + ((pattern.namespace,) if pattern.namespace else ()),
                    prefix + str(pattern.pattern),
                )
                continue
            assert isinstance(pattern, URLPattern)
            # An unnamed pattern (a catch-all) is known by its route: "route:api/v1/^.*$".
            name = (
                ":".join((*namespaces, pattern.name)) if pattern.name else f"route:{prefix}{pattern.pattern}"
            )
            methods = found.setdefault(name, set())
            callback = pattern.callback
            actions = getattr(callback, "actions", None)
            view_class = getattr(callback, "cls", None)
            if actions:  # a viewset route: its method → action map
                methods.update(m.upper() for m in actions if m in HTTP_METHODS)
            elif view_class is not None and name.startswith("api:"):
                methods.update(m.upper() for m in HTTP_METHODS if hasattr(view_class, m))

    walk(get_resolver(), (), "")
    return found


def _missing_rows(endpoints: dict[str, set[str]]) -> list[str]:
    rows = {(row.name, row.method) for row in matrix.ROWS}
    names = {name for name, _method in rows}
    missing = sorted(name for name in endpoints if name not in names)
    missing += sorted(
        f"{method} {name}"
        for name, methods in endpoints.items()
        for method in methods
        if (name, method) not in rows
    )
    return missing


def test_it_every_endpoint_has_a_row():
    missing = _missing_rows(_endpoints())
    assert not missing, (
        "endpoints without a row in core/permission_matrix.py (add one per "
        f"method and ownership case): {missing}"
    )


class _NewViewSet(ViewSet):
    def list(self, request):  # pragma: no cover - never requested
        return None

    def create(self, request):  # pragma: no cover
        return None


def _new_view(request):  # pragma: no cover
    return None


def test_it_a_new_endpoint_without_a_row_fails(settings):
    """A page and an API operation added to the URL conf without rows are reported."""
    from django.urls import clear_url_caches, include, path

    from videnbro.config import urls

    settings.ROOT_URLCONF = type(
        "urlconf",
        (),
        {
            "urlpatterns": [
                *urls.urlpatterns,
                path("ny-side/", _new_view, name="unlisted-page"),
                path(
                    "api/v1/new/",
                    include(
                        (
                            [
                                path(
                                    "",
                                    _NewViewSet.as_view({"get": "list", "post": "create"}),
                                    name="new-list",
                                )
                            ],
                            "api",
                        ),
                        namespace="api-new",
                    ),
                ),
            ]
        },
    )
    clear_url_caches()
    try:
        missing = _missing_rows(_endpoints())
    finally:
        clear_url_caches()
    assert "unlisted-page" in missing
    assert {"api-new:new-list", "GET api-new:new-list", "POST api-new:new-list"} <= set(missing)


def test_it_every_row_names_an_existing_endpoint():
    endpoints = _endpoints()
    stale = sorted(
        row.id
        for row in matrix.ROWS
        if row.name not in endpoints or (endpoints[row.name] and row.method not in endpoints[row.name])
    )
    assert not stale, f"rows for endpoints that do not exist: {stale}"


def test_it_every_row_has_an_outcome_for_every_role():
    for row in matrix.ROWS:
        assert set(row.outcomes) == set(matrix.ROLES), row.id
        assert set(row.outcomes.values()) <= set(matrix.OUTCOMES), row.id
        assert row.method in {m.upper() for m in HTTP_METHODS}, row.id
    ids = [row.id for row in matrix.ROWS]
    assert len(ids) == len(set(ids)), "two rows with the same method, name and ownership"


# ---------------------------------------------------------------------------------------------
# 3. The document shows the matrix


def test_it_the_permissions_document_shows_the_matrix():
    doc = DOC.read_text(encoding="utf-8")
    assert matrix.markdown() in doc, (
        "docs/permissions.md is out of date: replace its generated tables with the output of "
        "`python -m videnbro.core.permission_matrix`"
    )


# ---------------------------------------------------------------------------------------------
# 2. Every row for every role


def _build_world() -> dict[str, Any]:
    from videnbro.broker import services as broker
    from videnbro.broker.models import AccessRequest
    from videnbro.crisis import services as crisis
    from videnbro.crisis.models import Offer
    from videnbro.crisis.signing import MY_OFFERS_SALT, offer_status_path, volunteer_token
    from videnbro.datamap.models import Dataset
    from videnbro.partnerships import services as partnerships
    from videnbro.partnerships.models import Status
    from videnbro.partnerships.services import ParticipantInput
    from videnbro.registry import services as registry
    from videnbro.registry.models import Organisation

    def org(key: str) -> Organisation:
        return Organisation.objects.get(key=key)

    def user(role: str, organisation=None, name: str = ""):
        return user_create(
            actor=None,
            username=f"matrix-{name or role}",
            password="pw-secret-1",
            role=role,
            organisation=organisation,
            email=f"matrix-{name or role}@example.org",
        )

    own, partner, other = org("grundfos"), org("novo-nordisk"), org("ikea")
    authority, custodian = org("region-hovedstaden"), org("sundhedsdatastyrelsen")
    users = {
        "anonymous": None,
        "applicant": user(Role.ORGANISATION_MEMBER, name="applicant"),
        "organisation_member": user(Role.ORGANISATION_MEMBER, own),
        "authority_staff": user(Role.AUTHORITY_STAFF, authority),
        "data_custodian": user(Role.DATA_CUSTODIAN, custodian),
        "data_broker": user(Role.DATA_BROKER),
        "cluster_secretariat": user(Role.CLUSTER_SECRETARIAT),
        "platform_admin": user(Role.PLATFORM_ADMIN),
    }
    staff = users["authority_staff"]
    unverified = registry.organisation_create(actor=SYSTEM, name="Matrix Uverificeret ApS", kind="company")
    Organisation.objects.filter(pk=unverified.pk).update(is_verified=False)
    partnership = partnerships.partnership_create(
        actor=SYSTEM,
        title="Matrixpartnerskab om respiratorer",
        status=Status.ACTIVE,
        participants=[ParticipantInput(organisation=own), ParticipantInput(organisation=partner)],
    )
    capacity = registry.capacity_add(actor=SYSTEM, organisation=own, item="Respiratorer", quantity="10")
    incident = crisis.incident_transition(
        actor=staff,
        to="active",
        incident=crisis.incident_declare(
            actor=staff,
            data={
                "title": "Matrixhændelse: mangel på visirer",
                "kind": "pandemic",
                "regions": ["hovedstaden"],
            },
        ),
    )
    need = crisis.need_create(
        actor=staff,
        data={
            "incident": incident.pk,
            "title": "Visirer til akutmodtagelser",
            "description": "Ansigtsvisirer til personale i akutmodtagelsen.",
            "item": "visors",
            "quantity": "5000",
            "unit": "stk.",
            "per_period": "total",
            "priority": "high",
            "valid_days": "7",
            "publish": True,
            "requirements": [],
        },
    )
    offer = crisis.offer_submit(
        data={
            "offerer_name": "Sønderjysk Plastindustri ApS",
            "contact_email": "matrix@plast.example",
            "title": "Ansigtsvisirer fra egen produktion",
            "description": "Vi kan producere 3.000 visirer om dagen i klar plast.",
            "quantity": "3000",
            "unit": "stk.",
            "per_period": "day",
        },
        need=need,
    ).offer
    crisis.offer_process(offer.pk)
    offer = Offer.objects.get(pk=offer.pk)
    volunteer, _created = crisis.volunteer_register(
        data={
            "name": "Karen Matrix",
            "email": "karen.matrix@example.dk",
            "phone": "+45 12 34 56 78",
            "skills": ["nurse"],
            "has_danish_authorisation": True,
            "municipality": "101",
            "travel_radius_km": "25",
            "consent": True,
        }
    )
    applicant = users["applicant"]
    request = broker.request_save(
        actor=applicant,
        data=_project(),
        datasets=[{"dataset": "landspatientregisteret", "variables": ["C_ADIAG", "D_INDDTO"]}],
    )
    document = broker.document_add(
        actor=applicant,
        access_request=request,
        kind="protocol",
        upload=SimpleUploadedFile(matrix.PDF_NAME, PDF, "application/pdf"),
    )
    for to, who in (
        ("submitted", applicant),
        ("screening", users["data_broker"]),
        ("routed", users["data_broker"]),
    ):
        request = broker.request_transition(actor=who, access_request=request, to=to)
    draft = broker.request_save(
        actor=users["organisation_member"],
        data=_project(),
        datasets=[{"dataset": "befolkningsregisteret", "variables": ["KOEN"]}],
    )
    return {
        "users": users,
        "own_org": own,
        "partner_org": partner,
        "other_org": other,
        "authority_org": authority,
        "unverified_org": unverified,
        "capacity": capacity,
        "partnership": partnership,
        "incident": incident,
        "need": need,
        "offer": offer,
        "offer_link": _link_kwargs(offer_status_path(offer)),
        "volunteer": volunteer,
        "volunteer_link": {"reference": volunteer.reference, "token": volunteer_token(volunteer)},
        "my_offers": signing.dumps("matrix@plast.example", salt=MY_OFFERS_SALT),
        "request": AccessRequest.objects.get(pk=request.pk),
        "document": document,
        "draft": draft,
        "dataset": Dataset.objects.get(key="landspatientregisteret"),
        "tokens": {
            role: token_create(actor=u, user=u, name="matrix")[1]
            for role, u in users.items()
            if u is not None
        },
    }


def _project() -> dict:
    return {
        "project_title": "Senfølger efter indlæggelse",
        "purpose": "At undersøge senfølger.",
        "description": "Kohorteundersøgelse.",
        "legal_basis": "Art. 6, stk. 1, litra e.",
        "period_from": "2010-01-01",
        "period_to": "2030-12-31",
        "population": "Voksne.",
        "environment": "dst_research_service",
        "funding": "Egen finansiering",
    }


def _link_kwargs(path: str) -> dict[str, str]:
    reference, token = path.rstrip("/").split("/")[-2:]
    return {"reference": reference, "token": token}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield _build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _resolve(value: Any, world: dict[str, Any]) -> Any:
    if isinstance(value, str) and value.startswith("@"):
        name, *attributes = value[1:].split(".")
        value = world[name]
        for attribute in attributes:
            value = value[attribute] if isinstance(value, dict) else getattr(value, attribute)
        return value
    if isinstance(value, dict):
        return {key: _resolve(item, world) for key, item in value.items()}
    return value


def _matches(outcome: str, response) -> bool:
    status = response.status_code
    to_login = status == 302 and response["Location"].split("?")[0].endswith(reverse("accounts:login"))
    if outcome == matrix.LOGIN:
        return to_login
    if outcome in (matrix.E400, matrix.E401, matrix.E403, matrix.E404):
        return status == int(outcome)
    allowed = 200 <= status < 300 or (300 <= status < 400 and not to_login)
    return allowed or (outcome == matrix.INPUT and status in (400, 409))


def _call(row: matrix.Row, role: str, world: dict[str, Any]):
    kwargs = _resolve(row.kwargs, world)
    query = urlencode({key: _resolve(value, world) for key, value in parse_qsl(row.query)})
    url = (row.url or reverse(row.name, kwargs=kwargs or None)) + (f"?{query}" if query else "")
    data = _resolve(row.data, world)
    user = world["users"][role]
    if row.is_api:
        client = APIClient()
        if user is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {world['tokens'][role]}")
    else:
        client = Client()
        if user is not None:
            client.force_login(user)
    method = getattr(client, row.method.lower())
    if row.upload:
        data = {**data, "file": SimpleUploadedFile(matrix.PDF_NAME, PDF, "application/pdf")}
        return method(url, data)
    if row.is_api and data is not None:
        return method(url, data, format="json")
    return method(url, data) if data is not None else method(url)


CASES = [pytest.param(row, role, id=f"{row.id}-{role}") for row in matrix.ROWS for role in matrix.ROLES]


@pytest.mark.parametrize(("row", "role"), CASES)
def test_it_the_matrix_holds(world, db, row, role):
    expected = row.outcomes[role]
    response = _call(row, role, world)
    if getattr(response, "streaming", False):  # a file download: read and close the file
        b"".join(response.streaming_content)
        # Closing sends request_finished; like Django's test client, keep the database
        # connection open (it holds the world's transaction).
        request_finished.disconnect(close_old_connections)
        try:
            response.close()
        finally:
            request_finished.connect(close_old_connections)
    location = response.get("Location", "")
    assert _matches(expected, response), (
        f"{row.id} as {role}: expected {expected}, got {response.status_code} {location}"
        f" {response.content[:300]!r}"
    )
