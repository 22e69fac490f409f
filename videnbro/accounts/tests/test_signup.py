"""Self-service accounts for applicants: sign-up with e-mail confirmation, no account
enumeration, password reset by mail, and no registry rights from a stated organisation."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from videnbro.accounts.models import Role, User

pytestmark = pytest.mark.django_db
SIGNUP = "/konto/opret/"
GOOD = {"name": "Karen Blixen", "email": "Karen.Blixen@Example.org",
        "stated_organisation": "Rungstedlund Forskning", "password1": "Afrika-Farm-1937!",
        "password2": "Afrika-Farm-1937!"}


def links(mail) -> list[str]:
    return re.findall(r"https?://\S+", mail.body)


def test_signing_up_makes_an_inactive_account_and_mails_an_activation_link(
        client, run_tasks, mailoutbox):
    response = client.post(SIGNUP, GOOD)
    assert response.status_code == 200
    assert "karen.blixen@example.org" in response.content.decode()
    user = User.objects.get(username="karen.blixen@example.org")
    assert not user.is_active and user.role == Role.ORGANISATION_MEMBER
    assert user.organisation is None and user.stated_organisation == "Rungstedlund Forskning"
    assert (user.first_name, user.last_name) == ("Karen", "Blixen")
    assert not client.login(username=user.username, password=GOOD["password1"])

    run_tasks()
    (mail,) = mailoutbox
    assert mail.to == ["karen.blixen@example.org"]
    (link,) = [u for u in links(mail) if "/konto/aktiver/" in u]
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path)
    assert response.status_code == 302 and response["Location"] == reverse("broker:home")
    user.refresh_from_db()
    assert user.is_active
    assert client.get(reverse("broker:home")).context["user"] == user
    assert client.get("/" + path).status_code == 400  # used


def test_an_address_that_has_an_account_gets_the_same_answer_and_a_hint(
        client, make_user, run_tasks, mailoutbox):
    existing = make_user(Role.DATA_CUSTODIAN, email="karen.blixen@example.org")
    response = client.post(SIGNUP, GOOD)
    assert response.status_code == 200 and b"signup-done" in response.content
    assert User.objects.filter(email__iexact="karen.blixen@example.org").count() == 1
    existing.refresh_from_db()
    assert existing.role == Role.DATA_CUSTODIAN and existing.is_active
    run_tasks()
    (mail,) = mailoutbox
    assert "allerede en konto" in mail.body and "/konto/ny-adgangskode/" in mail.body


@pytest.mark.parametrize("change, field", [
    ({"password2": "noget-andet-1937!"}, "password2"),
    ({"password1": "karenblixen", "password2": "karenblixen"}, "password1"),
    ({"password1": "12345678", "password2": "12345678"}, "password1"),
    ({"email": "ikke-en-adresse"}, "email"),
    ({"name": ""}, "name"),
])
def test_bad_input_is_a_field_error_and_creates_nothing(client, change, field):
    response = client.post(SIGNUP, {**GOOD, **change})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert GOOD["stated_organisation"] in response.content.decode()  # nothing typed is lost
    assert not User.objects.filter(username="karen.blixen@example.org").exists()


def test_a_bad_activation_link_is_refused(client):
    client.post(SIGNUP, GOOD)
    assert client.get("/konto/aktiver/Mg/forkert-token/").status_code == 400
    assert client.get("/konto/aktiver/%%%/x/").status_code in (400, 404)
    assert not User.objects.get(username="karen.blixen@example.org").is_active


def test_an_activation_token_is_not_a_password_reset_token(client, run_tasks, mailoutbox):
    client.post(SIGNUP, GOOD)
    run_tasks()
    (link,) = [u for u in links(mailoutbox[0]) if "/konto/aktiver/" in u]
    uid, token = link.rstrip("/").split("/")[-2:]
    response = client.get(f"/konto/ny-adgangskode/{uid}/{token}/", follow=True)
    assert response.context["validlink"] is False


def test_password_reset_by_mail(client, make_user, run_tasks, mailoutbox):
    user = make_user(Role.ORGANISATION_MEMBER, email="forsker@example.org")
    response = client.post("/konto/ny-adgangskode/", {"email": "forsker@example.org"})
    assert response.status_code == 302
    client.post("/konto/ny-adgangskode/", {"email": "ukendt@example.org"})  # same answer
    run_tasks()
    (mail,) = mailoutbox
    assert mail.to == ["forsker@example.org"]
    (link,) = [u for u in links(mail) if "/konto/ny-adgangskode/" in u]
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    form = client.get(path, follow=True)
    assert form.context["validlink"] is True
    done = client.post(form.redirect_chain[-1][0], {"new_password1": "Ny-Kode-2026-xyz",
                                                    "new_password2": "Ny-Kode-2026-xyz"})
    assert done.status_code == 302
    assert client.login(username=user.username, password="Ny-Kode-2026-xyz")


def test_the_stated_organisation_goes_on_requests_and_grants_no_rights(client, run_tasks,
                                                                       mailoutbox):
    from videnbro.broker import services

    client.post(SIGNUP, GOOD)
    user = User.objects.get(username="karen.blixen@example.org")
    user.is_active = True
    user.save()
    request = services.request_save(actor=user, data={"project_title": "Kaffe og helbred"})
    assert request.organisation is None
    assert request.organisation_label == "Rungstedlund Forskning"


@pytest.mark.parametrize("path", [SIGNUP, "/en/konto/opret/", "/konto/ny-adgangskode/",
                                  "/log-ind/"])
def test_the_pages_render(client, path):
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("next_url, lands", [("/dataindgang/ny/?d=ruks", "/dataindgang/ny/?d=ruks"),
                                             ("https://evil.example/", "/dataindgang/")])
def test_after_activation_the_newcomer_lands_where_they_were_going(client, run_tasks,
                                                                   mailoutbox, next_url, lands):
    client.post(f"{SIGNUP}?next={next_url}", {**GOOD, "next": next_url})
    run_tasks()
    (link,) = [u for u in links(mailoutbox[0]) if "/konto/aktiver/" in u]
    response = client.get("/" + link.split("://", 1)[1].split("/", 1)[1])
    assert response.status_code == 302 and response["Location"] == lands
