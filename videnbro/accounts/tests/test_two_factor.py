"""Staff two-factor authentication (TOTP, django-otp): set-up, turning off, the code step of
log-in on both log-in pages, and the admin site with REQUIRE_STAFF_2FA."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from videnbro.accounts import twofactor
from videnbro.accounts.models import Role
from videnbro.core.errors import ApplicationError, PermissionDeniedError
from videnbro.core.models import AuditLog

pytestmark = pytest.mark.django_db
PASSWORD = "Rigtig-Kode-2026!"  # noqa: S105


@pytest.fixture(autouse=True)
def no_code_throttle(settings):
    """django-otp makes the next try wait 1, 2, 4 … s after a wrong code; tests give a wrong
    code and then the right one at once."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def code(device, steps_ahead: int = 0) -> str:
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def wrong(device) -> str:
    right = {code(device, k) for k in (-1, 0, 1, 2)}
    return next(c for c in ("000000", "111111", "222222", "333333", "444444") if c not in right)


def with_2fa(user):
    device = twofactor.totp_start(actor=user)
    twofactor.totp_confirm(actor=user, token=code(device))
    return TOTPDevice.objects.get(user=user, confirmed=True)


def test_it_only_staff_can_turn_it_on(make_user):
    with pytest.raises(PermissionDeniedError):
        twofactor.totp_start(actor=make_user(Role.ORGANISATION_MEMBER))
    for role in twofactor.STAFF_ROLES:
        assert twofactor.totp_start(actor=make_user(role)).confirmed is False


def test_it_service_confirm_refuses_a_wrong_code_and_accepts_the_right_one(make_user):
    user = make_user(Role.DATA_CUSTODIAN)
    device = twofactor.totp_start(actor=user)
    with pytest.raises(ApplicationError) as exc:
        twofactor.totp_confirm(actor=user, token=wrong(device))
    assert "otp_token" in exc.value.errors and not twofactor.has_2fa(user)
    twofactor.totp_confirm(actor=user, token=code(device))
    assert twofactor.has_2fa(user)
    assert AuditLog.objects.filter(action="accounts.2fa.enabled", object_id=str(user.pk)).exists()
    with pytest.raises(ApplicationError):
        twofactor.totp_disable(actor=user, token=wrong(device))
    twofactor.totp_disable(actor=user, token=code(device, 1))
    assert not twofactor.has_2fa(user)
    assert AuditLog.objects.filter(action="accounts.2fa.disabled").exists()


def test_it_set_up_page_shows_a_server_side_qr_code_and_confirms_with_a_code(make_user):
    user = make_user(Role.DATA_BROKER)
    client = Client()
    client.force_login(user)
    page = client.get("/konto/tofaktor/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and 'data-testid="totp-secret"' in html
    assert "<script" not in html.split('data-testid="two-factor"')[1].split("</div>")[0]
    assert "style=" not in html.split('data-testid="two-factor"')[1].split("</div>")[0]
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    refused = client.post("/konto/tofaktor/", {"otp_token": wrong(device)})
    assert refused.status_code == 200 and refused.context["form"].errors["otp_token"]
    assert not twofactor.has_2fa(user)
    done = client.post("/konto/tofaktor/", {"otp_token": code(device)})
    assert done.status_code == 302 and twofactor.has_2fa(user)
    assert client.get("/konto/tofaktor/").context["enabled"] is True
    # turning it off needs a code
    client.post("/konto/tofaktor/", {"otp_token": wrong(device)})
    assert twofactor.has_2fa(user)
    client.post("/konto/tofaktor/", {"otp_token": code(device, 1)})
    assert not twofactor.has_2fa(user)


def test_it_the_set_up_page_is_for_staff_and_signed_in_users(make_user):
    client = Client()
    assert client.get("/konto/tofaktor/").status_code == 302  # to log-in
    client.force_login(make_user(Role.ORGANISATION_MEMBER))
    assert client.get("/konto/tofaktor/").status_code == 403


@pytest.mark.parametrize("login_url, after", [("/log-ind/", "/dataindgang/"), ("/admin/login/", "/admin/")])
def test_it_log_in_asks_for_the_code_after_the_password(make_user, login_url, after):
    user = make_user(Role.PLATFORM_ADMIN, password=PASSWORD)
    device = with_2fa(user)
    client = Client()
    response = client.post(
        f"{login_url}?next={after}", {"username": user.username, "password": PASSWORD, "next": after}
    )
    assert response.status_code == 302
    # a password alone reaches nothing but the code page
    page = client.get(after)
    assert page.status_code == 302 and page["Location"].startswith("/log-ind/kode/")
    assert client.get("/api/v1/organisations/").status_code == 401
    verify = page["Location"]
    assert client.get(verify).status_code == 200
    refused = client.post(verify, {"otp_token": wrong(device)})
    assert refused.status_code == 200 and refused.context["form"].errors
    assert client.get(after).status_code == 302
    passed = client.post(verify, {"otp_token": code(device, 1)})
    assert passed.status_code == 302 and passed["Location"] == after
    assert client.get(after).status_code == 200


def test_it_without_a_device_log_in_needs_no_code(make_user):
    user = make_user(Role.AUTHORITY_STAFF, password=PASSWORD)
    client = Client()
    assert client.post("/log-ind/", {"username": user.username, "password": PASSWORD}).status_code == 302
    assert client.get("/dataindgang/").status_code == 200


def test_it_admin_needs_no_code_unless_required(make_user, settings):
    settings.REQUIRE_STAFF_2FA = False
    client = Client()
    client.force_login(make_user(Role.PLATFORM_ADMIN))
    assert client.get("/admin/").status_code == 200


@pytest.mark.regression
def test_it_with_require_staff_2fa_the_admin_refuses_a_session_without_a_code(make_user, settings):
    settings.REQUIRE_STAFF_2FA = True
    admin_user = make_user(Role.PLATFORM_ADMIN, password=PASSWORD)
    client = Client()
    assert (
        client.post("/admin/login/", {"username": admin_user.username, "password": PASSWORD}).status_code
        == 302
    )
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/konto/tofaktor/")
    assert client.get("/admin/accounts/user/").status_code == 302
    # set it up from there: the session is then verified and the admin opens
    client.get("/konto/tofaktor/")
    device = TOTPDevice.objects.get(user=admin_user, confirmed=False)
    done = client.post("/konto/tofaktor/?next=/admin/", {"otp_token": code(device), "next": "/admin/"})
    assert done.status_code == 302 and done["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    # the next log-in asks for the code before the admin opens
    client.logout()
    client.post("/admin/login/", {"username": admin_user.username, "password": PASSWORD})
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/log-ind/kode/")
    client.post(response["Location"], {"otp_token": code(device, 1)})
    assert client.get("/admin/").status_code == 200


def test_it_the_admin_backstop_refuses_an_unverified_staff_session(make_user, settings, rf):
    from django.contrib import admin
    from django.contrib.auth.models import AnonymousUser

    settings.REQUIRE_STAFF_2FA = True
    request = rf.get("/admin/")
    request.user = make_user(Role.PLATFORM_ADMIN)
    request.user.is_verified = lambda: False
    assert admin.site.has_permission(request) is False
    request.user.is_verified = lambda: True
    assert admin.site.has_permission(request) is True
    request.user = AnonymousUser()
    assert admin.site.has_permission(request) is False


def test_it_staff_find_the_set_up_page_in_the_header(make_user):
    staff, member = Client(), Client()
    staff.force_login(make_user(Role.DATA_CUSTODIAN))
    member.force_login(make_user(Role.ORGANISATION_MEMBER))
    assert b'data-testid="two-factor-link"' in staff.get("/").content
    assert b'data-testid="two-factor-link"' not in member.get("/").content


@pytest.mark.regression
def test_it_review_finding_2_a_session_opened_before_2fa_was_turned_on_must_give_the_code(make_user):
    user = make_user(Role.PLATFORM_ADMIN, password=PASSWORD)
    old = Client()
    assert old.post("/log-ind/", {"username": user.username, "password": PASSWORD}).status_code == 302
    assert old.get("/dataindgang/").status_code == 200
    # 2FA is turned on in another session (another browser, or the set-up page elsewhere)
    device = with_2fa(user)
    page = old.get("/dataindgang/")
    assert page.status_code == 302 and page["Location"].startswith("/log-ind/kode/")
    assert old.get("/api/v1/organisations/").status_code == 401
    assert old.get("/admin/").status_code == 302
    old.post(page["Location"], {"otp_token": code(device, 1)})
    assert old.get("/dataindgang/").status_code == 200


@pytest.mark.regression
def test_it_review_finding_2_a_session_without_the_pending_flag_is_not_verified(make_user):
    user = make_user(Role.AUTHORITY_STAFF, password=PASSWORD)
    with_2fa(user)
    client = Client()
    client.force_login(user)
    session = client.session  # e.g. a session stored before the flag existed
    session.pop(twofactor.PENDING_SESSION_KEY, None)
    session.save()
    page = client.get("/dataindgang/")
    assert page.status_code == 302 and page["Location"].startswith("/log-ind/kode/")
    assert client.get("/api/v1/organisations/").status_code == 401
    assert client.get("/konto/tofaktor/").status_code == 302
    # the code page and log-out stay open
    assert client.get("/log-ind/kode/").status_code == 200


def test_it_turning_2fa_on_keeps_the_current_session_verified(make_user):
    user = make_user(Role.AUTHORITY_STAFF, password=PASSWORD)
    client = Client()
    client.post("/log-ind/", {"username": user.username, "password": PASSWORD})
    client.get("/konto/tofaktor/")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert client.post("/konto/tofaktor/", {"otp_token": code(device)}).status_code == 302
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    assert client.get("/dataindgang/").status_code == 200
    assert client.get("/api/v1/organisations/").status_code == 200
