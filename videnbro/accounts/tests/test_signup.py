"""Self-service accounts for applicants: sign-up with e-mail confirmation, no account
enumeration, password reset by mail, and no registry rights from a stated organisation."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from videnbro.accounts.models import Role, User

pytestmark = pytest.mark.django_db
SIGNUP = "/konto/opret/"
GOOD = {
    "name": "Karen Blixen",
    "email": "Karen.Blixen@Example.org",
    "stated_organisation": "Rungstedlund Forskning",
}
PASSWORD = "Afrika-Farm-1937!"  # noqa: S105


def links(mail) -> list[str]:
    return re.findall(r"https?://\S+", mail.body)


def activation_path(mail) -> str:
    (link,) = [u for u in links(mail) if "/konto/aktiver/" in u]
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def activate(client, path, password=PASSWORD, **values):
    """Open the mailed link and send the activation form (name, organisation, password)."""
    form = client.get(path)
    assert form.status_code == 200
    data = {
        "name": form.context["form"]["name"].value(),
        "stated_organisation": form.context["form"]["stated_organisation"].value() or "",
        "password1": password,
        "password2": password,
        **values,
    }
    return client.post(path, data)


def test_it_signing_up_makes_an_inactive_account_and_mails_an_activation_link(client, run_tasks, mailoutbox):
    response = client.post(SIGNUP, GOOD)
    assert response.status_code == 200
    assert "karen.blixen@example.org" in response.content.decode()
    user = User.objects.get(username="karen.blixen@example.org")
    assert not user.is_active and user.role == Role.ORGANISATION_MEMBER
    assert user.organisation is None and user.stated_organisation == "Rungstedlund Forskning"
    assert (user.first_name, user.last_name) == ("Karen", "Blixen")
    assert not user.has_usable_password()  # chosen on the activation page, not here

    run_tasks()
    (mail,) = mailoutbox
    assert mail.to == ["karen.blixen@example.org"]
    path = activation_path(mail)
    page = client.get(path)  # the page asks; opening the link activates nothing
    assert page.status_code == 200 and b'data-testid="activate"' in page.content
    assert "Rungstedlund Forskning" in page.content.decode()
    user.refresh_from_db()
    assert not user.is_active
    response = activate(client, path)
    assert response.status_code == 302 and response["Location"] == reverse("broker:home")
    user.refresh_from_db()
    assert user.is_active and user.activated_at is not None
    assert client.get(reverse("broker:home")).context["user"] == user
    assert client.get(path).status_code == 400  # used
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)


def test_it_an_address_that_has_an_account_gets_the_same_answer_and_a_hint(
    client, make_user, run_tasks, mailoutbox
):
    existing = make_user(Role.DATA_CUSTODIAN, email="karen.blixen@example.org")
    response = client.post(SIGNUP, GOOD)
    assert response.status_code == 200 and b"signup-done" in response.content
    assert User.objects.filter(email__iexact="karen.blixen@example.org").count() == 1
    existing.refresh_from_db()
    assert existing.role == Role.DATA_CUSTODIAN and existing.is_active
    run_tasks()
    (mail,) = mailoutbox
    assert "allerede en konto" in mail.body and "/konto/ny-adgangskode/" in mail.body


@pytest.mark.parametrize(
    "change, field",
    [
        ({"email": "ikke-en-adresse"}, "email"),
        ({"name": ""}, "name"),
    ],
)
def test_it_bad_input_is_a_field_error_and_creates_nothing(client, change, field):
    response = client.post(SIGNUP, {**GOOD, **change})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert GOOD["stated_organisation"] in response.content.decode()  # nothing typed is lost
    assert not User.objects.filter(username="karen.blixen@example.org").exists()


@pytest.mark.parametrize(
    "change, field",
    [
        ({"password2": "noget-andet-1937!"}, "password2"),
        ({"password1": "karenblixen", "password2": "karenblixen"}, "password1"),
        ({"password1": "12345678", "password2": "12345678"}, "password1"),
        ({"name": ""}, "name"),
    ],
)
def test_it_a_bad_password_or_name_on_the_activation_page_is_a_field_error_and_activates_nothing(
    client, run_tasks, mailoutbox, change, field
):
    client.post(SIGNUP, GOOD)
    run_tasks()
    response = activate(client, activation_path(mailoutbox[0]), **change)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not User.objects.get(username="karen.blixen@example.org").is_active


def test_it_a_bad_activation_link_is_refused(client):
    client.post(SIGNUP, GOOD)
    assert client.get("/konto/aktiver/Mg/forkert-token/").status_code == 400
    assert client.get("/konto/aktiver/%%%/x/").status_code in (400, 404)
    assert not User.objects.get(username="karen.blixen@example.org").is_active


def test_it_an_activation_token_is_not_a_password_reset_token(client, run_tasks, mailoutbox):
    client.post(SIGNUP, GOOD)
    run_tasks()
    (link,) = [u for u in links(mailoutbox[0]) if "/konto/aktiver/" in u]
    uid, token = link.rstrip("/").split("/")[-2:]
    response = client.get(f"/konto/ny-adgangskode/{uid}/{token}/", follow=True)
    assert response.context["validlink"] is False


def test_it_password_reset_by_mail(client, make_user, run_tasks, mailoutbox):
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
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": "Ny-Kode-2026-xyz", "new_password2": "Ny-Kode-2026-xyz"}
    )
    assert done.status_code == 302
    assert client.login(username=user.username, password="Ny-Kode-2026-xyz")


def test_it_the_stated_organisation_goes_on_requests_and_grants_no_rights(client, run_tasks, mailoutbox):
    from videnbro.broker import services

    client.post(SIGNUP, GOOD)
    user = User.objects.get(username="karen.blixen@example.org")
    user.is_active = True
    user.save()
    request = services.request_save(actor=user, data={"project_title": "Kaffe og helbred"})
    assert request.organisation is None
    assert request.organisation_label == "Rungstedlund Forskning"


@pytest.mark.parametrize("path", [SIGNUP, "/en/konto/opret/", "/konto/ny-adgangskode/", "/log-ind/"])
def test_it_the_pages_render(client, path):
    assert client.get(path).status_code == 200


@pytest.mark.parametrize(
    "next_url, lands",
    [("/dataindgang/ny/?d=ruks", "/dataindgang/ny/?d=ruks"), ("https://evil.example/", "/dataindgang/")],
)
def test_it_after_activation_the_newcomer_lands_where_they_were_going(
    client, run_tasks, mailoutbox, next_url, lands
):
    client.post(f"{SIGNUP}?next={next_url}", {**GOOD, "next": next_url})
    run_tasks()
    response = activate(client, activation_path(mailoutbox[0]))
    assert response.status_code == 302 and response["Location"] == lands


@pytest.mark.regression
def test_it_finding_1_an_attacker_who_signs_up_first_does_not_own_the_account(client, run_tasks, mailoutbox):
    """Issue 12, finding 1: the attacker signs up with the victim's address (and, in the old
    form, a password of their choosing), the victim signs up later and activates from the mail.
    The account must carry the victim's password, name and organisation only."""
    attacker = {
        "name": "Eve Angriber",
        "email": "karen.blixen@example.org",
        "stated_organisation": "Evil Corp",
        "password1": "Evil-Corp-Pass-666!",
        "password2": "Evil-Corp-Pass-666!",
    }
    assert client.post(SIGNUP, attacker).status_code == 200
    victim = {**GOOD, "password1": PASSWORD, "password2": PASSWORD}
    from django.test import Client

    victim_browser = Client()
    assert victim_browser.post(SIGNUP, victim).status_code == 200
    run_tasks()
    mails = [m for m in mailoutbox if m.to == ["karen.blixen@example.org"]]
    assert len(mails) == 2  # only the address's owner ever sees a link
    page = victim_browser.get(activation_path(mails[-1]))
    assert page.status_code == 200  # a form, not an activation
    assert "Evil Corp" not in page.content.decode()
    response = activate(victim_browser, activation_path(mails[-1]))
    assert response.status_code == 302

    user = User.objects.get(email__iexact="karen.blixen@example.org")
    assert user.is_active
    assert (user.first_name, user.last_name) == ("Karen", "Blixen")
    assert user.stated_organisation == "Rungstedlund Forskning"
    assert not Client().login(username=user.username, password="Evil-Corp-Pass-666!")
    assert not user.check_password("Evil-Corp-Pass-666!")
    assert Client().login(username=user.username, password=PASSWORD)
    # The first mail's link (sent after the attacker's sign-up) is void once activated.
    assert Client().get(activation_path(mails[0])).status_code == 400


def test_it_the_person_activating_decides_name_and_organisation(client, run_tasks, mailoutbox):
    client.post(SIGNUP, {**GOOD, "stated_organisation": "Evil Corp", "name": "Eve"})
    run_tasks()
    response = activate(
        client,
        activation_path(mailoutbox[0]),
        name="Karen Blixen",
        stated_organisation="Rungstedlund Forskning",
    )
    assert response.status_code == 302
    user = User.objects.get(username="karen.blixen@example.org")
    assert (user.first_name, user.stated_organisation) == ("Karen", "Rungstedlund Forskning")


def test_it_a_deactivated_account_is_not_reactivated_by_signing_up(client, make_user, run_tasks, mailoutbox):
    existing = make_user(Role.ORGANISATION_MEMBER, email="karen.blixen@example.org")
    existing.is_active = False
    existing.save()
    response = client.post(SIGNUP, GOOD)
    assert response.status_code == 200 and b"signup-done" in response.content
    run_tasks()
    (mail,) = mailoutbox
    assert "/konto/aktiver/" not in mail.body


def test_it_repeated_sign_ups_mail_one_address_at_most_three_times_an_hour(client, run_tasks, mailoutbox):
    for _ in range(6):
        response = client.post(SIGNUP, GOOD)
        assert response.status_code == 200 and b"signup-done" in response.content
    run_tasks()
    assert len(mailoutbox) == 3


def test_it_purge_unconfirmed_deletes_only_stale_never_activated_sign_ups(
    client, make_user, run_tasks, mailoutbox
):
    from datetime import timedelta

    from django.utils import timezone

    from videnbro.accounts.services import purge_unconfirmed
    from videnbro.core.models import AuditLog

    now = timezone.now()
    client.post(SIGNUP, GOOD)
    client.post(SIGNUP, {**GOOD, "email": "ny@example.org"})
    client.post(SIGNUP, {**GOOD, "email": "aktiv@example.org"})
    stale = User.objects.get(username="karen.blixen@example.org")
    fresh = User.objects.get(username="ny@example.org")
    active = User.objects.get(username="aktiv@example.org")
    User.objects.filter(pk__in=[stale.pk, active.pk]).update(signed_up_at=now - timedelta(days=8))
    User.objects.filter(pk=active.pk).update(is_active=True, activated_at=now - timedelta(days=7))
    admin_made = make_user(Role.ORGANISATION_MEMBER)  # inactive, never signed up itself
    User.objects.filter(pk=admin_made.pk).update(is_active=False)

    assert purge_unconfirmed(now=now) == 1
    assert not User.objects.filter(pk=stale.pk).exists()
    assert set(
        User.objects.filter(pk__in=[fresh.pk, active.pk, admin_made.pk]).values_list("pk", flat=True)
    ) == {fresh.pk, active.pk, admin_made.pk}
    row = AuditLog.objects.get(action="accounts.user.unconfirmed_purged")
    assert row.object_id == str(stale.pk) and "karen" not in str(row.data)
    assert purge_unconfirmed(now=now + timedelta(days=2), older_than_days=1) == 1  # fresh
    assert purge_unconfirmed(now=now) == 0


@pytest.mark.regression
def test_it_review_finding_3_accounts_activated_before_the_fix_lose_the_sign_up_password(make_user):
    import importlib

    from django.apps import apps

    from videnbro.core.audit import audit_log

    migration = importlib.import_module("videnbro.accounts.migrations.0006_prefix_signup_passwords_unusable")
    password = "Angriberens-Kode-1!"  # noqa: S105
    # signed up and activated the old way: the password from the sign-up form, no
    # "activated" audit row (migration 0005 gave it activated_at from the dates)
    old = make_user(password=password)
    audit_log(actor=None, action="accounts.user.signed_up", obj=old)
    # activated by the new page: the password chosen there stays
    new = make_user(password=password)
    audit_log(actor=None, action="accounts.user.signed_up", obj=new)
    audit_log(actor=new, action="accounts.user.activated", obj=new)
    # created by an administrator, never signed up: untouched
    staff = make_user(password=password)
    migration.lock_prefix_passwords(apps, None)
    for user in (old, new, staff):
        user.refresh_from_db()
    assert not old.has_usable_password() and not old.check_password(password)
    assert old.is_active
    assert new.check_password(password) and staff.check_password(password)
    migration.lock_prefix_passwords(apps, None)  # running again changes nothing
    new.refresh_from_db()
    assert new.check_password(password)
