"""Issue 12, finding 4: log-in lock-out (django-axes) on the site's and the admin's log-in
pages, per account and per client, and limits on password-reset mails."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from videnbro.accounts.models import Role

pytestmark = pytest.mark.django_db
PASSWORD = "Rigtig-Kode-2026!"  # noqa: S105


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def _hammer(client, url, username, times, **extra):
    for _ in range(times):
        client.post(url, {"username": username, "password": "forkert-kode"}, **extra)


@pytest.mark.regression
@pytest.mark.parametrize("url", ["/log-ind/", "/admin/login/"])
def test_it_finding_4_forty_wrong_passwords_then_the_right_one_does_not_log_in(make_user, url):
    user = make_user(Role.PLATFORM_ADMIN, password=PASSWORD)
    client = Client()
    _hammer(client, url, user.username, 40)
    response = client.post(url, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 429
    assert not _logged_in(client)
    assert "For mange forsøg" in response.content.decode()
    assert int(response["Retry-After"]) > 0


def test_it_the_lock_out_page_is_translated(make_user):
    user = make_user(Role.ORGANISATION_MEMBER, password=PASSWORD)
    client = Client()
    _hammer(client, "/en/log-ind/", user.username, 10)
    response = client.post("/en/log-ind/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 429 and b"Too many" in response.content


def test_it_the_account_is_locked_from_every_client_and_the_client_for_every_account(make_user):
    user = make_user(Role.ORGANISATION_MEMBER, password=PASSWORD)
    other = make_user(Role.ORGANISATION_MEMBER, password=PASSWORD)
    _hammer(Client(REMOTE_ADDR="10.0.0.1"), "/log-ind/", user.username, 10)
    # the account, from another client
    elsewhere = Client(REMOTE_ADDR="10.0.0.2")
    response = elsewhere.post("/log-ind/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 429 and not _logged_in(elsewhere)
    # another account, from the hammering client
    same = Client(REMOTE_ADDR="10.0.0.1")
    response = same.post("/log-ind/", {"username": other.username, "password": PASSWORD})
    assert response.status_code == 429 and not _logged_in(same)
    # another account from another client is not affected
    fine = Client(REMOTE_ADDR="10.0.0.3")
    response = fine.post("/log-ind/", {"username": other.username, "password": PASSWORD})
    assert response.status_code == 302 and _logged_in(fine)


def test_it_the_user_name_case_does_not_reset_the_count(make_user):
    user = make_user(Role.ORGANISATION_MEMBER, password=PASSWORD)
    for i in range(10):
        Client(REMOTE_ADDR=f"10.0.1.{i}").post(
            "/log-ind/",
            {"username": user.username.upper() if i % 2 else user.username, "password": "forkert"},
        )
    client = Client(REMOTE_ADDR="10.0.1.99")
    response = client.post("/log-ind/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 429


def test_it_a_success_resets_the_count(make_user):
    user = make_user(Role.ORGANISATION_MEMBER, password=PASSWORD)
    client = Client()
    _hammer(client, "/log-ind/", user.username, 9)
    assert client.post("/log-ind/", {"username": user.username, "password": PASSWORD}).status_code == 302
    client.logout()
    _hammer(client, "/log-ind/", user.username, 9)
    assert client.post("/log-ind/", {"username": user.username, "password": PASSWORD}).status_code == 302


def test_it_behind_a_proxy_the_forwarded_client_is_counted(make_user, settings):
    user = make_user(Role.ORGANISATION_MEMBER, password=PASSWORD)
    other = make_user(Role.ORGANISATION_MEMBER, password=PASSWORD)
    proxy = "192.0.2.10"
    with override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}):
        _hammer(Client(REMOTE_ADDR=proxy), "/log-ind/", user.username, 10, HTTP_X_FORWARDED_FOR="203.0.113.5")
        # another client behind the same proxy is not locked out ...
        ok = Client(REMOTE_ADDR=proxy)
        assert (
            ok.post(
                "/log-ind/",
                {"username": other.username, "password": PASSWORD},
                HTTP_X_FORWARDED_FOR="203.0.113.6",
            ).status_code
            == 302
        )
        # ... and the hammering client cannot dodge by prepending a forged address
        forged = Client(REMOTE_ADDR=proxy)
        assert (
            forged.post(
                "/log-ind/",
                {"username": other.username, "password": PASSWORD},
                HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5",
            ).status_code
            == 429
        )


@pytest.mark.regression
def test_it_finding_4_twenty_reset_requests_queue_at_most_three_mails(make_user, run_tasks, mailoutbox):
    make_user(Role.ORGANISATION_MEMBER, email="forsker@example.org")
    for i in range(20):  # from many clients, so only the per-address limit applies
        response = Client(REMOTE_ADDR=f"10.0.2.{i}").post(
            "/konto/ny-adgangskode/", {"email": "forsker@example.org"}
        )
        assert response.status_code == 302 and response["Location"].endswith("/sendt/")
    run_tasks()
    assert len([m for m in mailoutbox if m.to == ["forsker@example.org"]]) == 3


def test_it_reset_requests_per_client_are_limited_with_the_same_answer_for_any_address(
    make_user, run_tasks, mailoutbox
):
    make_user(Role.ORGANISATION_MEMBER, email="forsker@example.org")
    client = Client(REMOTE_ADDR="10.0.3.1")
    answers = []
    for i in range(10):
        address = "forsker@example.org" if i % 2 else f"ukendt{i}@example.org"
        answers.append(client.post("/konto/ny-adgangskode/", {"email": address}))
    assert {(r.status_code, r["Location"]) for r in answers} == {(302, "/konto/ny-adgangskode/sendt/")}
    blocked = client.post("/konto/ny-adgangskode/", {"email": "forsker@example.org"})
    assert blocked.status_code == 429 and "Retry-After" in blocked
    unknown = client.post("/konto/ny-adgangskode/", {"email": "ukendt@example.org"})
    assert unknown.status_code == 429
    run_tasks()
    assert len(mailoutbox) == 3  # the per-address limit for the one real address


def _attack_rounds(client, url, victim, attacker, rounds):
    """Review finding 1: wrong passwords for the victim, each 9 followed by one correct log-in
    to the attacker's own account from the same client."""
    for _ in range(rounds):
        _hammer(client, url, victim.username, 9)
        client.post(url, {"username": attacker.username, "password": PASSWORD})
        client.logout()


@pytest.mark.regression
@pytest.mark.parametrize("url", ["/log-ind/", "/admin/login/"])
def test_it_review_finding_1_own_log_ins_do_not_reset_the_victims_failures(make_user, url):
    victim = make_user(Role.PLATFORM_ADMIN, password=PASSWORD)
    attacker = make_user(
        Role.PLATFORM_ADMIN if url.startswith("/admin/") else Role.ORGANISATION_MEMBER, password=PASSWORD
    )
    client = Client(REMOTE_ADDR="10.9.0.1")
    _attack_rounds(client, url, victim, attacker, 4)  # 36 wrong guesses in all
    response = client.post(url, {"username": victim.username, "password": PASSWORD})
    assert response.status_code == 429 and not _logged_in(client)
    # the victim is locked out from every client, not only the attacker's
    elsewhere = Client(REMOTE_ADDR="10.9.0.2")
    assert elsewhere.post(url, {"username": victim.username, "password": PASSWORD}).status_code == 429


def test_it_a_success_resets_only_the_own_failures_from_that_client(make_user):
    from axes.models import AccessAttempt

    user = make_user(Role.ORGANISATION_MEMBER, password=PASSWORD)
    other = make_user(Role.ORGANISATION_MEMBER, password=PASSWORD)
    _hammer(Client(REMOTE_ADDR="10.9.1.1"), "/log-ind/", user.username, 3)
    _hammer(Client(REMOTE_ADDR="10.9.1.2"), "/log-ind/", user.username, 3)
    _hammer(Client(REMOTE_ADDR="10.9.1.2"), "/log-ind/", other.username, 3)
    client = Client(REMOTE_ADDR="10.9.1.2")
    assert client.post("/log-ind/", {"username": user.username.upper(), "password": "x"}).status_code == 200
    assert client.post("/log-ind/", {"username": user.username, "password": PASSWORD}).status_code == 302
    left = set(AccessAttempt.objects.values_list("username", "ip_address"))
    assert left == {(user.username, "10.9.1.1"), (other.username, "10.9.1.2")}


def test_it_the_lock_out_ends_after_the_cool_off(make_user, settings):
    from datetime import timedelta

    from axes.models import AccessAttempt
    from django.utils import timezone

    user = make_user(Role.ORGANISATION_MEMBER, password=PASSWORD)
    client = Client(REMOTE_ADDR="10.9.2.1")
    _hammer(client, "/log-ind/", user.username, 10)
    assert client.post("/log-ind/", {"username": user.username, "password": PASSWORD}).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )
    assert client.post("/log-ind/", {"username": user.username, "password": PASSWORD}).status_code == 302
    assert _logged_in(client)
