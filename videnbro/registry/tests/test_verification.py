"""Unverified organisations (issue 12, finding 6): records created from what the public sends in
are staff-only – absent from public lists, the API, search, counts, exports, networks and the
resolver – until staff verify them (service, API action, page button, admin action)."""

from __future__ import annotations

import csv
import io

import pytest

from videnbro.accounts.models import Role
from videnbro.core.audit import SYSTEM
from videnbro.core.errors import ConflictError, PermissionDeniedError
from videnbro.core.models import AuditLog
from videnbro.registry import services
from videnbro.registry.models import Organisation
from videnbro.registry.resolver import organisation_resolve
from videnbro.registry.selectors import key_figures, public_organisations
from videnbro.search.models import SearchDocument
from videnbro.search.services import search

LIST = "/api/v1/organisations/"
PAYLOAD = '=HYPERLINK("http://evil.example","Klik")'


@pytest.fixture
def unverified(seeded):
    """What an anonymous offer with an unknown name used to make public."""
    return services.organisation_create(
        actor=SYSTEM,
        name="Zyxwv Visirværksted",
        kind="company",
        is_verified=False,
        description="Oprettet automatisk fra tilbud; ikke verificeret.",
    )


@pytest.fixture
def keeper(make_user):
    return make_user(Role.CLUSTER_SECRETARIAT)


@pytest.fixture
def authority(make_user, org):
    return make_user(Role.AUTHORITY_STAFF, organisation=org("region-hovedstaden"))


@pytest.fixture
def member(make_user, org):
    return make_user(Role.ORGANISATION_MEMBER, organisation=org("grundfos"))


def api_names(client, query: str = "") -> list[str]:
    names, url = [], f"{LIST}?page_size=200&{query}"
    while url:
        body = client.get(url).json()
        names += [row["name"] for row in body["results"]]
        url = body["next"]
    return names


@pytest.mark.regression
def test_it_keeps_names_from_the_public_door_out_of_the_public_registry(seeded, client, api):
    """The issue's case: names like "0" and a formula sorted first in the public list, and
    counted on the home page."""
    figures = key_figures()
    made = [
        services.organisation_create(actor=SYSTEM, name=name, kind="other", is_verified=False)
        for name in ("0", PAYLOAD)
    ]
    first = api.get(LIST).json()["results"][0]["name"]
    assert first not in ("0", PAYLOAD)
    names = api_names(api)
    assert "0" not in names and PAYLOAD not in names
    assert key_figures() == figures
    for org in made:
        assert api.get(f"{LIST}{org.pk}/").status_code == 404
        assert client.get(org.get_absolute_url()).status_code == 404
    page = client.get("/organisationer/?q=HYPERLINK").content.decode()
    assert 'data-testid="result-count">0 organisationer<' in page


def test_it_counts_only_public_organisations_on_the_home_page(seeded, client, unverified):
    assert key_figures()["organisations"] == public_organisations().count()
    assert key_figures()["organisations"] == Organisation.objects.count() - 1
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("role", ["anonymous", "member"])
def test_it_hides_unverified_organisations_in_the_api_from(role, seeded, api, api_as, member, unverified):
    client = api if role == "anonymous" else api_as(member)
    assert unverified.name not in api_names(client)
    assert api_names(client, "verified=false") == []
    assert client.get(f"{LIST}{unverified.pk}/").status_code == 404
    resolved = client.get(f"{LIST}resolve/", {"name": unverified.name}).json()
    assert resolved["match"] is None
    assert unverified.pk not in [c["id"] for c in resolved["candidates"]]


@pytest.mark.parametrize("role", ["keeper", "authority"])
def test_it_shows_unverified_organisations_to_staff(role, request, api_as, unverified):
    client = api_as(request.getfixturevalue(role))
    assert api_names(client, "verified=false") == [unverified.name]
    detail = client.get(f"{LIST}{unverified.pk}/")
    assert detail.status_code == 200 and detail.json()["is_verified"] is False
    assert unverified.name in api_names(client)
    resolved = client.get(f"{LIST}resolve/", {"name": unverified.name}).json()
    assert resolved["match"]["id"] == unverified.pk


def test_it_leaves_unverified_organisations_out_of_search(seeded, unverified):
    assert not SearchDocument.objects.filter(doc_type="organisation", object_id=unverified.pk).exists()
    assert search(q="Zyxwv").count == 0


def test_it_leaves_unverified_organisations_out_of_exports(seeded, client, unverified, keeper):
    rows = list(
        csv.DictReader(io.StringIO(client.get("/organisationer/eksport.csv").content.decode("utf-8-sig")))
    )
    assert unverified.key not in {row["key"] for row in rows}
    assert len(rows) == public_organisations().count()
    client.force_login(keeper)  # staff review them, also in their export
    rows = list(
        csv.DictReader(
            io.StringIO(client.get("/organisationer/eksport.csv?verified=false").content.decode("utf-8-sig"))
        )
    )
    assert [row["key"] for row in rows] == [unverified.key]


def test_it_the_cli_export_leaves_unverified_organisations_out(seeded, unverified, tmp_path):
    from django.core.management import call_command

    out = tmp_path / "orgs.csv"
    call_command("export", "organisations", "--format", "csv", "-o", str(out))
    assert unverified.key not in out.read_text(encoding="utf-8-sig")
    call_command("export", "organisations", "--format", "csv", "-o", str(out), "--include-unverified")
    assert unverified.key in out.read_text(encoding="utf-8-sig")


def test_it_the_resolver_matches_unverified_records_only_when_asked(seeded, unverified):
    assert organisation_resolve(unverified.name).match is None
    assert organisation_resolve(unverified.name, include_unverified=True).match.id == unverified.pk


# --- the verify service ----------------------------------------------------------------------


def test_it_verify_makes_the_organisation_public_with_an_audit_row(keeper, unverified, api):
    organisation = services.organisation_verify(actor=keeper, organisation=unverified)
    assert organisation.is_verified is True
    assert organisation.verified_by == keeper and organisation.verified_at is not None
    row = AuditLog.objects.get(action="registry.organisation.verified", object_id=str(unverified.pk))
    assert row.actor == keeper
    assert api.get(f"{LIST}{unverified.pk}/").status_code == 200
    assert SearchDocument.objects.filter(doc_type="organisation", object_id=unverified.pk).exists()
    assert search(q="Zyxwv").count == 1
    with pytest.raises(ConflictError):
        services.organisation_verify(actor=keeper, organisation=unverified)


@pytest.mark.parametrize("role", [Role.ORGANISATION_MEMBER, Role.DATA_CUSTODIAN, Role.DATA_BROKER])
def test_it_verify_is_refused_to_non_staff(role, make_user, unverified):
    user = make_user(role, organisation=unverified)
    with pytest.raises(PermissionDeniedError):
        services.organisation_verify(actor=user, organisation=unverified)
    # Not through an edit of their own organisation either.
    with pytest.raises(PermissionDeniedError):
        services.organisation_update(actor=user, organisation=unverified, is_verified=True)
    unverified.refresh_from_db()
    assert unverified.is_verified is False
    assert not AuditLog.objects.filter(action="registry.organisation.verified").exists()


def test_it_staff_created_and_seeded_organisations_are_verified(seeded, keeper):
    assert not Organisation.objects.unverified().exists()
    assert not Organisation.objects.filter(verified_at__isnull=True).exists()
    made = services.organisation_create(actor=keeper, name="Qwerty Sundhedsteknik ApS", kind="company")
    assert made.is_verified and made.verified_by == keeper


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", (401, 403)), ("member", (404,)), ("keeper", (200,)), ("authority", (200,))],
)
def test_it_the_verify_api_action_per_role(role, status, request, api, api_as, unverified):
    client = api if role == "anonymous" else api_as(request.getfixturevalue(role))
    response = client.post(f"{LIST}{unverified.pk}/verify/")
    assert response.status_code in status, response.content
    unverified.refresh_from_db()
    assert unverified.is_verified is (status == (200,))
    if status == (200,):
        assert response.json()["is_verified"] is True
        again = client.post(f"{LIST}{unverified.pk}/verify/")
        assert again.status_code == 409 and "errors" in again.json()


def test_it_the_verify_button_for_staff(client, keeper, member, unverified):
    url = unverified.get_absolute_url()
    client.force_login(member)
    assert client.get(url).status_code == 404
    assert client.post(f"{url}verificer/").status_code == 404
    client.force_login(keeper)
    page = client.get(url).content.decode()
    assert 'data-testid="verify"' in page and 'data-testid="unverified"' in page
    listing = client.get("/organisationer/?verified=false").content.decode()
    assert unverified.name in listing and 'data-testid="unverified-review"' in listing
    response = client.post(f"{url}verificer/")
    assert response.status_code == 302
    unverified.refresh_from_db()
    assert unverified.is_verified
    assert 'data-testid="verify"' not in client.get(url).content.decode()


def test_it_the_admin_action_verifies_through_the_service(client, make_user, unverified):
    admin = make_user(Role.PLATFORM_ADMIN)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    response = client.post(
        "/admin/registry/organisation/", {"action": "verify_selected", "_selected_action": [unverified.pk]}
    )
    assert response.status_code in (200, 302)
    unverified.refresh_from_db()
    assert unverified.is_verified
    assert AuditLog.objects.filter(action="registry.organisation.verified", actor=admin).exists()


def test_it_an_update_that_verifies_goes_through_the_verify_service(keeper, unverified):
    organisation, changed = services.organisation_update(
        actor=keeper, organisation=unverified, is_verified=True, description="Kontrolleret."
    )
    assert changed == ["is_verified", "description"]
    organisation.refresh_from_db()
    assert organisation.is_verified and organisation.description == "Kontrolleret."
    assert (
        AuditLog.objects.filter(action="registry.organisation.verified", object_id=str(unverified.pk)).count()
        == 1
    )
