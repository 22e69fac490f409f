"""The web pages: what a visitor reads and what a signed-in member may change."""

import re

import pytest
from django.utils.html import escape

from videnbro.accounts.models import Role
from videnbro.core.audit import SYSTEM
from videnbro.core.models import AuditLog
from videnbro.registry import services
from videnbro.registry.models import Kind, Municipality, Organisation


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def result_names(response) -> list[str]:
    return re.findall(r'<td><a href="/(?:en/)?organisationer/[^/]+/">([^<]+)</a>', text(response))


def figure(html: str, label: str) -> int:
    match = re.search(r'<span class="n">(\d+)</span>' + label + "<", html)
    assert match, label
    return int(match.group(1))


def test_it_shows_key_figures_on_the_home_page(seeded, client):
    html = text(client.get("/"))
    assert figure(html, "organisationer") == Organisation.objects.count() >= 250
    assert figure(html, "kommuner") == 98
    assert figure(html, "akuthospitaler") == 21
    assert figure(html, "klynger") == Organisation.objects.filter(kind=Kind.CLUSTER).count()
    assert figure(html, "hospitaler") == Organisation.objects.filter(kind=Kind.HOSPITAL).count()
    assert '<html lang="da">' in html


def test_it_renders_english_pages_under_en(seeded, client):
    html = text(client.get("/en/"))
    assert '<html lang="en">' in html
    assert '<html lang="en">' in text(client.get("/en/organisationer/?q=KU"))


def test_it_finds_statens_serum_institut_by_its_abbreviation(seeded, client):
    names = result_names(client.get("/organisationer/", {"q": "SSI"}))
    assert names[0] == "Statens Serum Institut"


def test_it_finds_names_written_with_aa_for_aa(seeded, client):
    assert "Aarhus Universitet" in result_names(client.get("/organisationer/", {"q": "Århus Universitet"}))


def test_it_counts_and_pages_the_organisation_list(seeded, client):
    html = text(client.get("/organisationer/"))
    total = Organisation.objects.count()
    assert f'data-testid="result-count">{total} organisationer<' in html
    assert len(result_names(client.get("/organisationer/"))) == 30
    assert f"Side 2 af {-(-total // 30)}" in text(client.get("/organisationer/", {"page": 2}))


def test_it_filters_the_list_by_kind(seeded, client):
    html = text(client.get("/organisationer/", {"kind": "region"}))
    assert 'data-testid="result-count">5 organisationer<' in html
    assert sorted(result_names(client.get("/organisationer/", {"kind": "region"}))) == sorted(
        Organisation.objects.filter(kind=Kind.REGION).values_list("name", flat=True)
    )


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"kind": "foo"}, "foo er ikke en af de tilgængelige valgmuligheder"),
        ({"municipality": "999"}, "Ukendt kommune: 999."),
        ({"member_of": "no-such-group"}, "Ukendt gruppe: no-such-group."),
    ],
)
def test_it_shows_a_filter_error_instead_of_failing(seeded, client, params, message):
    html = text(client.get("/organisationer/", params))
    assert '<ul class="errorlist" role="alert">' in html
    assert escape(message) in html


def test_it_returns_only_the_results_to_htmx(seeded, client):
    html = text(client.get("/organisationer/", {"q": "SSI"}, HTTP_HX_REQUEST="true"))
    assert "Statens Serum Institut" in html
    assert "<html" not in html


def test_it_exports_the_filtered_list(seeded, client):
    response = client.get("/organisationer/eksport.csv", {"kind": "region"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="videnbro-organisationer.csv"'
    lines = response.content.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 1 + 5
    assert client.get("/organisationer/eksport.pdf").status_code == 404
    assert client.get("/organisationer/eksport.csv", {"kind": "foo"}).status_code == 400


def test_it_shows_an_organisation_with_facts_and_memberships(seeded, client, org):
    html = text(client.get(org("bispebjerg-hospital").get_absolute_url()))
    assert "<h1>Bispebjerg Hospital</h1>" in html
    assert "Akuthospital" in html
    assert "Sundhedssamarbejdet omkring Bispebjerg Hospital" in html
    assert client.get("/organisationer/no-such-key/").status_code == 404


def test_it_lists_the_members_of_a_group(seeded, client, org):
    html = text(client.get(org("copenhagen-healthtech-cluster").get_absolute_url()))
    assert "Medlemmer og partnere" in html
    assert "Region Hovedstaden" in html


def test_it_hides_contacts_from_anonymous_visitors(seeded, client, org):
    grundfos = org("grundfos")
    services.contact_add(actor=SYSTEM, organisation=grundfos, name="Karen Hansen", email="karen@example.com")
    html = text(client.get(grundfos.get_absolute_url()))
    assert "vises kun for medarbejdere" in html
    assert "Karen Hansen" not in html and "karen@example.com" not in html
    assert f"/log-ind/?next={grundfos.get_absolute_url()}" in html.replace("%2F", "/")


def test_it_shows_contacts_to_members_of_the_organisation(seeded, client, org, make_user):
    grundfos = org("grundfos")
    services.contact_add(actor=SYSTEM, organisation=grundfos, name="Karen Hansen", email="karen@example.com")
    client.force_login(make_user(organisation=grundfos))  # who else: test_contacts.py
    html = text(client.get(grundfos.get_absolute_url()))
    assert "Karen Hansen" in html and "mailto:karen@example.com" in html
    assert "vises kun for medarbejdere" not in html


def test_it_sends_anonymous_visitors_to_log_in_before_creating(seeded, client):
    response = client.get("/organisationer/ny/")
    assert response.status_code == 302
    assert response["Location"] == "/log-ind/?next=/organisationer/ny/"


def test_it_logs_in_with_username_and_password(seeded, client, make_user):
    user = make_user(password="pw-secret-1")
    response = client.post("/log-ind/", {"username": user.username, "password": "pw-secret-1"})
    assert response.status_code == 302
    assert client.get("/organisationer/").wsgi_request.user == user


def test_it_forbids_an_organisation_member_to_create(seeded, client, grundfos_member):
    client.force_login(grundfos_member)
    before = Organisation.objects.count()
    response = client.get("/organisationer/ny/")
    assert response.status_code == 403
    assert "Du har ikke ret til at oprette organisationer." in response.content.decode()
    assert client.post("/organisationer/ny/", {"name": "Zeta Sneaky", "kind": "company"}).status_code == 403
    assert Organisation.objects.count() == before


def test_it_forbids_editing_another_organisation(seeded, client, grundfos_member, org):
    ikea = org("ikea")
    client.force_login(grundfos_member)
    assert client.get(f"/organisationer/{ikea.key}/rediger/").status_code == 403
    response = client.post(f"/organisationer/{ikea.key}/rediger/", form_data(ikea, description="hacked"))
    assert response.status_code == 403
    assert org("ikea").description != "hacked"


def test_it_hides_the_create_button_from_members(seeded, client, grundfos_member, secretariat):
    client.force_login(grundfos_member)
    assert "/organisationer/ny/" not in text(client.get("/organisationer/"))
    client.force_login(secretariat)
    assert "/organisationer/ny/" in text(client.get("/organisationer/"))


def form_data(org, **changes):
    data = {
        "name": org.name,
        "name_en": org.name_en,
        "kind": org.kind,
        "sector": org.sector,
        "cvr": org.cvr or "",
        "municipality": org.municipality_id or "",
        "website": org.website,
        "size_band": org.size_band,
        "description": org.description,
        "parent": org.parent_id or "",
        "aliases": " | ".join(org.aliases.values_list("name", flat=True)),
        "competences_text": " | ".join(org.competences.values_list("name", flat=True)),
    }
    data.update(changes)
    return data


def test_it_creates_an_organisation_from_the_form(seeded, client, secretariat):
    client.force_login(secretariat)
    assert text(client.get("/organisationer/ny/"))
    odense = Municipality.objects.get(code="461")
    response = client.post(
        "/organisationer/ny/",
        {
            "name": "Zeta Web ApS",
            "kind": "company",
            "municipality": odense.pk,
            "cvr": "10007127",
            "aliases": "ZW | Zeta W",
            "competences_text": "robotter",
        },
    )
    created = Organisation.objects.get(name="Zeta Web ApS")
    assert response.status_code == 302
    assert response["Location"] == created.get_absolute_url()
    assert (created.sector, created.region.slug, created.cvr) == ("market", "syddanmark", "10007127")
    assert sorted(created.aliases.values_list("name", flat=True)) == ["ZW", "Zeta W"]


def test_it_rerenders_the_edit_form_with_the_cvr_error_and_writes_nothing(
    seeded, client, org, grundfos_member
):
    grundfos = org("grundfos")
    client.force_login(grundfos_member)
    before = (AuditLog.objects.count(), grundfos.history.count(), grundfos.description)
    response = client.post(
        f"/organisationer/{grundfos.key}/rediger/",
        form_data(grundfos, cvr="12345678", description="Ny tekst"),
    )
    html = text(response)
    errors = re.search(r'<ul class="errorlist" id="id_cvr-errors">(.*?)</ul>', html, re.S)
    assert errors, "the CVR field shows its error"
    assert escape("12345678 er ikke et gyldigt CVR-nummer (kontrolcifferet passer ikke).") in errors.group(1)
    assert 'value="Ny tekst"' in html or "Ny tekst</textarea>" in html
    grundfos.refresh_from_db()
    assert grundfos.cvr is None
    assert (AuditLog.objects.count(), grundfos.history.count(), grundfos.description) == before


def test_it_saves_an_edit_by_a_member_of_the_organisation(seeded, client, org, grundfos_member):
    grundfos = org("grundfos")
    client.force_login(grundfos_member)
    assert text(client.get(f"/organisationer/{grundfos.key}/rediger/"))
    response = client.post(
        f"/organisationer/{grundfos.key}/rediger/", form_data(grundfos, description="Pumper", cvr="10007127")
    )
    assert response.status_code == 302
    grundfos.refresh_from_db()
    assert (grundfos.description, grundfos.cvr) == ("Pumper", "10007127")
    assert list(grundfos.aliases.values_list("name", flat=True)) == ["Grundfoss"]


def test_it_shows_an_alias_clash_on_the_form(seeded, client, org, secretariat):
    grundfos = org("grundfos")
    client.force_login(secretariat)
    html = text(
        client.post(
            f"/organisationer/{grundfos.key}/rediger/", form_data(grundfos, aliases="Grundfoss | IKEA")
        )
    )
    assert escape("Aliaset »IKEA« bruges allerede af IKEA.") in html


def test_it_lists_the_clusters(seeded, client):
    html = text(client.get("/klynger/"))
    clusters = Organisation.objects.filter(kind=Kind.CLUSTER)
    assert clusters.count() >= 15
    for name in clusters.values_list("name", flat=True):
        assert f">{escape(name)}</a>" in html, name


def test_it_lists_the_five_hubs(seeded, client):
    html = text(client.get("/hubs/"))
    hubs = list(Organisation.objects.filter(kind=Kind.REGIONAL_HUB).values_list("name", flat=True))
    assert len(hubs) == 5
    for name in hubs:
        assert f">{escape(name)}</a>" in html, name


def test_it_lists_the_21_acute_hospitals_and_the_collaborations(seeded, client):
    html = text(client.get("/akutsamarbejder/"))
    hospitals = Organisation.objects.filter(is_acute_hospital=True)
    assert hospitals.count() == 21
    for hospital in hospitals:
        assert f'<a href="{hospital.get_absolute_url()}">{escape(hospital.name)}</a>' in html
    assert "Samarbejder (22)" in html  # with Klynge SYD, Region Nordjylland's fourth cluster


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/organisationer/",
        "/organisationer/?q=region",
        "/hubs/",
        "/akutsamarbejder/",
        "/klynger/",
    ],
)
def test_it_renders_pages_in_a_bounded_number_of_queries(seeded, client, url, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


def test_it_lets_roles_see_the_edit_link_they_may_use(seeded, client, org, make_user):
    grundfos = org("grundfos")
    edit_link = f"/organisationer/{grundfos.key}/rediger/"
    assert edit_link not in text(client.get(grundfos.get_absolute_url()))
    client.force_login(make_user(Role.ORGANISATION_MEMBER, organisation=grundfos))
    assert edit_link in text(client.get(grundfos.get_absolute_url()))
    client.force_login(make_user(Role.ORGANISATION_MEMBER, organisation=org("ikea")))
    assert edit_link not in text(client.get(grundfos.get_absolute_url()))


def test_it_lets_a_member_add_and_remove_a_capacity_on_the_page(seeded, client, org, grundfos_member):
    grundfos = org("grundfos")
    client.force_login(grundfos_member)
    response = client.post(
        f"/organisationer/{grundfos.key}/kapaciteter/",
        {"item": "pumper", "quantity": "3000", "per_period": "day"},
    )
    assert response.status_code == 302
    capacity = grundfos.capacities.get(item="pumper")
    assert "3.000 pumper pr. dag" in text(client.get(grundfos.get_absolute_url()))
    response = client.post(f"/organisationer/{grundfos.key}/kapaciteter/{capacity.pk}/fjern/")
    assert response.status_code == 302
    assert not grundfos.capacities.filter(item="pumper").exists()
    assert AuditLog.objects.filter(action="registry.capacity.removed").count() == 1


def test_it_refuses_capacities_and_contacts_on_another_organisation(seeded, client, org, grundfos_member):
    ikea = org("ikea")
    client.force_login(grundfos_member)
    assert (
        client.post(
            f"/organisationer/{ikea.key}/kapaciteter/", {"item": "x", "quantity": "1", "per_period": "day"}
        ).status_code
        == 403
    )
    assert client.post(f"/organisationer/{ikea.key}/kontakter/", {"name": "Mallory"}).status_code == 403
    assert not ikea.capacities.filter(item="x").exists()
    assert not ikea.contacts.exists()


def test_it_lets_a_member_add_a_contact_on_the_page(seeded, client, org, grundfos_member):
    grundfos = org("grundfos")
    client.force_login(grundfos_member)
    response = client.post(
        f"/organisationer/{grundfos.key}/kontakter/", {"name": "Karen Hansen", "email": "karen@example.com"}
    )
    assert response.status_code == 302
    assert list(grundfos.contacts.values_list("name", flat=True)) == ["Karen Hansen"]
    bad = client.post(f"/organisationer/{grundfos.key}/kontakter/", {"email": "nope"}, follow=True)
    assert bad.status_code == 200
    assert grundfos.contacts.count() == 1
