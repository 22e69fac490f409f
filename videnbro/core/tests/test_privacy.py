"""Personal data (issue 12, "Make it stay fixed"): one registry of providers answers for every
person-holding model; export finds an address everywhere, erase anonymises it everywhere while
counts stay right, retention clears only what is past its period, and the public page and the
documentation list every provider."""

from __future__ import annotations

import ast
import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import models
from django.db.models import Count
from django.utils import timezone, translation

from videnbro.accounts.models import ApiToken, Role, User
from videnbro.accounts.services import token_create, user_create
from videnbro.broker import services as broker_services
from videnbro.broker.models import AccessRequest, RequestEvent
from videnbro.broker.tests.factories import LPR, dataset_choices, project_data
from videnbro.core import privacy
from videnbro.core.errors import PermissionDeniedError
from videnbro.core.models import AuditLog
from videnbro.core.tasks import send_email
from videnbro.crisis import services as crisis_services
from videnbro.crisis.models import Incident, Offer, OfferEvent, Volunteer
from videnbro.crisis.tests.factories import offer_data
from videnbro.datamap.models import Dataset
from videnbro.registry.models import ContactPerson

EMAIL = "Petra.Privat@Example.org"
ADDRESS = EMAIL.lower()
NAME = "Petra Privatsen"
ROOT = Path(__file__).resolve().parents[3]


def volunteer_data(**overrides) -> dict:
    return {
        "name": NAME,
        "email": EMAIL,
        "phone": "+45 11 22 33 44",
        "skills": ["nurse"],
        "has_danish_authorisation": True,
        "municipality": "101",
        "travel_radius_km": "25",
        "consent": True,
        "certificates": "Førstehjælp",
        **overrides,
    }


@pytest.fixture
def mail_dir(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    (tmp_path / "mail").mkdir()
    return tmp_path / "mail"


@pytest.fixture
def person(seeded, org, mail_dir):
    """One record of every kind for the same address (written as people type it)."""
    user = user_create(
        actor=None,
        username=ADDRESS,
        email=ADDRESS,
        password="pw-secret-1",
        organisation=org("koebenhavns-universitet"),
    )
    user.first_name, user.last_name, user.stated_organisation = "Petra", "Privatsen", "Privat ApS"
    user.save()
    token_create(actor=user, user=user, name="cli")
    contact = ContactPerson(
        organisation=org("grundfos"), name=NAME, title="Indkøber", email=EMAIL, phone="+45 11 22 33 44"
    )
    contact._history_user = user
    contact.save()
    offer = crisis_services.offer_submit(
        data=offer_data(contact_email=EMAIL, contact_name=NAME, contact_phone="+45 11 22 33 44")
    ).offer
    volunteer, _created = crisis_services.volunteer_register(data=volunteer_data())
    draft = broker_services.request_save(actor=user, data=project_data(), datasets=dataset_choices(LPR))
    sent = broker_services.request_save(
        actor=user, data=project_data(project_title="Sendt"), datasets=dataset_choices(LPR)
    )
    sent = broker_services.request_transition(actor=user, access_request=sent, to="submitted")
    Dataset.objects.filter(key=LPR).update(contact_point=EMAIL)
    send_email.enqueue(EMAIL, "Kvittering", "Tak for dit tilbud.")
    mail.send_mail("Kvittering", "Tak for dit tilbud.", None, [EMAIL])
    if apps.is_installed("axes"):
        from axes.models import AccessAttempt, AccessLog

        common = {
            "username": EMAIL,
            "ip_address": "192.0.2.7",
            "user_agent": "pytest",
            "http_accept": "*/*",
            "path_info": "/log-ind/",
        }
        AccessAttempt.objects.create(**common, get_data="", post_data="", failures_since_start=1)
        AccessLog.objects.create(**common)
    return {
        "user": user,
        "contact": contact,
        "offer": offer,
        "volunteer": volunteer,
        "draft": draft,
        "sent": sent,
    }


def export() -> dict:
    return privacy.personal_data_export(actor=privacy_actor(), email=EMAIL)


def privacy_actor():
    from videnbro.core.audit import SystemActor

    return SystemActor("test")


# ---------------------------------------------------------------------------------------------
# Export and erase


def test_it_exports_the_address_from_every_provider(person):
    result = export()
    keys = {p.key for p in privacy.providers()}
    assert set(result["providers"]) == keys, keys - set(result["providers"])
    assert result["email"] == ADDRESS
    text = json.dumps(result, default=str)
    for value in (
        NAME,
        "+45 11 22 33 44",
        person["offer"].reference,
        person["volunteer"].reference,
        person["sent"].reference,
        "Privat ApS",
    ):
        assert value in text


def test_it_erases_the_address_everywhere_and_a_new_export_is_empty(person):
    counts = privacy.personal_data_erase(actor=privacy_actor(), email=EMAIL)
    # History rows stay linked to the account, which is anonymised: nothing of their own.
    assert all(counts[p.key] > 0 for p in privacy.providers() if p.key != "core.history"), counts

    assert export()["providers"] == {}
    user = User.objects.get(pk=person["user"].pk)
    assert (user.email, user.first_name, user.last_name, user.stated_organisation) == ("", "", "", "")
    assert user.username == f"slettet-{user.pk}" and not user.is_active
    assert not user.has_usable_password()
    assert not ApiToken.objects.filter(user=user, revoked__isnull=True).exists()
    offer = Offer.objects.get(pk=person["offer"].pk)
    assert (offer.contact_email, offer.contact_phone, offer.contact_name) == ("", "", privacy.ERASED)
    assert offer.title and offer.description  # what was offered stays
    volunteer = Volunteer.objects.get(pk=person["volunteer"].pk)
    assert (volunteer.name, volunteer.email, volunteer.phone) == (privacy.ERASED, "", "")
    assert volunteer.skills == ["nurse"] and volunteer.status == Volunteer.Status.WITHDRAWN
    assert not ContactPerson.objects.filter(pk=person["contact"].pk).exists()
    history = ContactPerson.history.filter(id=person["contact"].pk)
    assert history.exists() and set(history.values_list("name", "email", "phone")) == {
        (privacy.ERASED, "", "")
    }
    assert not AccessRequest.objects.filter(pk=person["draft"].pk).exists()  # never sent
    assert AccessRequest.objects.filter(pk=person["sent"].pk, applicant=user).exists()
    assert not RequestEvent.objects.filter(actor_label=ADDRESS).exists()
    assert not Dataset.objects.filter(contact_point__icontains=ADDRESS).exists()


def test_it_no_audit_row_keeps_the_address_or_name_after_erasure(person):
    privacy.personal_data_erase(actor=privacy_actor(), email=EMAIL)
    row = AuditLog.objects.get(action="core.privacy.erased")
    assert ADDRESS not in json.dumps(row.data).lower() and row.actor_label == "test"
    assert row.data["records"]["crisis.offers"] == 1
    for audit in AuditLog.objects.all():
        text = (json.dumps(audit.data, ensure_ascii=False) + audit.actor_label).lower()
        assert ADDRESS not in text and "privat aps" not in text, (audit.action, text)


def test_it_erasure_keeps_the_counts_that_reports_use(person, run_tasks):
    run_tasks()  # the offer is classified, so it counts in a category
    before = {
        "offers": dict(Offer.objects.values_list("category").annotate(n=Count("pk"))),
        "volunteers": Volunteer.objects.count(),
        "volunteer_skills": sorted(s for v in Volunteer.objects.all() for s in v.skills),
        "requests": AccessRequest.objects.exclude(status=AccessRequest.Status.DRAFT).count(),
        "events": OfferEvent.objects.count(),
    }
    privacy.personal_data_erase(actor=privacy_actor(), email=EMAIL)
    after = {
        "offers": dict(Offer.objects.values_list("category").annotate(n=Count("pk"))),
        "volunteers": Volunteer.objects.count(),
        "volunteer_skills": sorted(s for v in Volunteer.objects.all() for s in v.skills),
        "requests": AccessRequest.objects.exclude(status=AccessRequest.Status.DRAFT).count(),
        "events": OfferEvent.objects.count(),
    }
    assert after == before


def test_it_erasure_leaves_other_people_alone(person):
    other = crisis_services.offer_submit(data=offer_data(contact_name="Ole Anden")).offer
    privacy.personal_data_erase(actor=privacy_actor(), email=EMAIL)
    other.refresh_from_db()
    assert other.contact_name == "Ole Anden" and other.contact_email


def test_it_only_platform_admins_and_the_platform_itself_may_export_or_erase(person, make_user):
    for role in (Role.AUTHORITY_STAFF, Role.DATA_BROKER, Role.ORGANISATION_MEMBER):
        with pytest.raises(PermissionDeniedError):
            privacy.personal_data_export(actor=make_user(role), email=EMAIL)
        with pytest.raises(PermissionDeniedError):
            privacy.personal_data_erase(actor=make_user(role), email=EMAIL)
    assert Offer.objects.get(pk=person["offer"].pk).contact_email == EMAIL
    admin = make_user(Role.PLATFORM_ADMIN)
    assert privacy.personal_data_export(actor=admin, email=EMAIL)["providers"]


# ---------------------------------------------------------------------------------------------
# The command


def test_it_the_command_exports_to_a_file_and_erases_only_with_yes(person, tmp_path):
    target = tmp_path / "export.json"
    call_command("privacy", "export", EMAIL, "-o", str(target), verbosity=0, stderr=io.StringIO())
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["email"] == ADDRESS and "crisis.offers" in data["providers"]

    with pytest.raises(CommandError):  # no terminal to confirm on
        call_command("privacy", "erase", EMAIL, verbosity=0)
    assert Offer.objects.get(pk=person["offer"].pk).contact_email == EMAIL

    out = io.StringIO()
    call_command("privacy", "erase", EMAIL, "--yes", verbosity=0, stdout=out)
    assert "Erased" in out.getvalue()
    assert Offer.objects.get(pk=person["offer"].pk).contact_email == ""


def test_it_the_command_refuses_a_malformed_address(db):
    with pytest.raises(CommandError):
        call_command("privacy", "export", "ikke-en-adresse", verbosity=0)


def test_it_the_retention_command_counts_without_changing_in_a_dry_run(seeded):
    out = io.StringIO()
    call_command("privacy", "retention", "--dry-run", verbosity=0, stdout=out)
    assert "would clear" in out.getvalue() and "crisis.offers" in out.getvalue()
    assert not AuditLog.objects.filter(action="core.privacy.retention").exists()


def test_it_scrub_cuts_out_addresses_and_replaces_whole_usernames_only():
    value = {"user": "jens", "note": "jensen wrote to Petra@X.org", "n": 3, "list": ["PETRA@X.ORG", "jens"]}
    assert privacy.scrub(value, ["petra@x.org", "jens"]) == {
        "user": privacy.ERASED,
        "note": f"jensen wrote to {privacy.ERASED}",
        "n": 3,
        "list": [privacy.ERASED, privacy.ERASED],
    }


# ---------------------------------------------------------------------------------------------
# Retention


def _offer(**fields) -> Offer:
    offer = crisis_services.offer_submit(data=offer_data(contact_name="Kontakt")).offer
    Offer.objects.filter(pk=offer.pk).update(**fields)
    return Offer.objects.get(pk=offer.pk)


def test_it_retention_clears_offer_contacts_only_past_their_period(seeded, settings):
    settings.PRIVACY_OFFER_CONTACT_DAYS = 90
    settings.PRIVACY_OFFER_IDLE_DAYS = 365
    now = timezone.now()
    today = timezone.localdate(now)
    closed_incident = Incident.objects.create(
        key="privatliv-afblaest",
        title="Afblæst",
        kind="other",
        status=Incident.Status.STOOD_DOWN,
        stood_down_at=now - timedelta(days=100),
    )
    recent_incident = Incident.objects.create(
        key="privatliv-nyligt",
        title="Nyligt afblæst",
        kind="other",
        status=Incident.Status.STOOD_DOWN,
        stood_down_at=now - timedelta(days=10),
    )
    expired = [
        _offer(status=Offer.Status.DECLINED, updated=now - timedelta(days=91)),
        _offer(status=Offer.Status.FULFILLED, updated=now - timedelta(days=120)),
        _offer(available_until=today - timedelta(days=91), updated=now - timedelta(days=91)),
        _offer(incident=closed_incident),
        _offer(updated=now - timedelta(days=366)),
    ]
    kept = [
        _offer(status=Offer.Status.DECLINED, updated=now - timedelta(days=89)),
        _offer(status=Offer.Status.IN_REVIEW, updated=now - timedelta(days=200)),
        _offer(available_until=today - timedelta(days=80)),
        _offer(available_until=today + timedelta(days=30)),
        _offer(incident=recent_incident),
        _offer(),
    ]
    provider = next(p for p in privacy.providers() if p.key == "crisis.offers")
    assert provider.retention(now, dry_run=True) >= len(expired)
    assert all(Offer.objects.get(pk=o.pk).contact_email for o in expired)  # dry run: nothing

    counts = privacy.retention_apply(actor=privacy_actor(), now=now)
    assert counts["crisis.offers"] >= len(expired)
    for offer in expired:
        offer.refresh_from_db()
        assert (offer.contact_email, offer.contact_phone, offer.contact_name) == ("", "", privacy.ERASED), (
            offer.pk
        )
    for offer in kept:
        offer.refresh_from_db()
        assert offer.contact_email and offer.contact_name == "Kontakt", offer.pk
    assert AuditLog.objects.filter(action="core.privacy.retention").exists()


def test_it_retention_keeps_volunteers_while_an_incident_is_open(seeded, settings):
    settings.PRIVACY_VOLUNTEER_DAYS = 90
    now = timezone.now()
    today = timezone.localdate(now)
    Incident.objects.exclude(status=Incident.Status.STOOD_DOWN).update(status=Incident.Status.STOOD_DOWN)
    Incident.objects.update(stood_down_at=now - timedelta(days=200))

    def volunteer(days_ago: int, **fields) -> Volunteer:
        v, _created = crisis_services.volunteer_register(
            data=volunteer_data(email=f"frivillig{days_ago}{len(fields)}@example.org")
        )
        Volunteer.objects.filter(pk=v.pk).update(created=now - timedelta(days=days_ago), **fields)
        return v

    old = volunteer(100)
    recent = volunteer(10)
    still_available = volunteer(100, available_until=today + timedelta(days=10))
    open_incident = Incident.objects.create(
        key="privatliv-aaben", title="I gang", kind="other", status=Incident.Status.ACTIVE
    )
    provider = next(p for p in privacy.providers() if p.key == "crisis.volunteers")
    assert provider.retention(now) == 0  # an incident is under way
    Incident.objects.filter(pk=open_incident.pk).update(
        status=Incident.Status.STOOD_DOWN, stood_down_at=now - timedelta(days=95)
    )

    assert provider.retention(now) >= 1
    old.refresh_from_db()
    recent.refresh_from_db()
    still_available.refresh_from_db()
    assert (old.name, old.email, old.phone) == (privacy.ERASED, "", "")
    assert old.status == Volunteer.Status.WITHDRAWN and old.skills == ["nurse"]
    assert recent.email and still_available.email


def test_it_retention_deletes_old_queued_mail_and_mail_files_only(db, mail_dir, settings):
    from django_tasks_db.models import DBTaskResult

    settings.PRIVACY_TASK_DAYS = 30
    settings.PRIVACY_MAIL_FILE_DAYS = 30
    now = timezone.now()
    old = send_email.enqueue("gammel@example.org", "Gammel", "Tekst")
    new = send_email.enqueue("ny@example.org", "Ny", "Tekst")
    DBTaskResult.objects.filter(pk=old.id).update(status="SUCCESSFUL", finished_at=now - timedelta(days=31))
    DBTaskResult.objects.filter(pk=new.id).update(status="SUCCESSFUL", finished_at=now - timedelta(days=5))
    old_file, new_file = mail_dir / "old.log", mail_dir / "new.log"
    old_file.write_text("To: gammel@example.org\n")
    new_file.write_text("To: ny@example.org\n")
    import os

    stamp = (now - timedelta(days=31)).timestamp()
    os.utime(old_file, (stamp, stamp))

    dry = privacy.retention_apply(actor=privacy_actor(), now=now, dry_run=True)
    assert dry["core.tasks"] == 1 and dry["core.mail_files"] == 1 and old_file.exists()
    privacy.retention_apply(actor=privacy_actor(), now=now)
    assert not DBTaskResult.objects.filter(pk=old.id).exists()
    assert DBTaskResult.objects.filter(pk=new.id).exists()
    assert not old_file.exists() and new_file.exists()


def test_it_retention_purges_unconfirmed_accounts_through_accounts(db, settings):
    if not hasattr(User, "signed_up_at"):
        pytest.skip("accounts has no sign-up time yet")
    settings.ACCOUNTS_UNCONFIRMED_DAYS = 7
    now = timezone.now()
    stale = User.objects.create(
        username="gammel@example.org",
        email="gammel@example.org",
        is_active=False,
        signed_up_at=now - timedelta(days=8),
    )
    fresh = User.objects.create(
        username="ny@example.org",
        email="ny@example.org",
        is_active=False,
        signed_up_at=now - timedelta(days=2),
    )
    dry = privacy.retention_apply(actor=privacy_actor(), now=now, dry_run=True)
    assert dry["accounts.users"] == 1 and User.objects.filter(pk=stale.pk).exists()
    privacy.retention_apply(actor=privacy_actor(), now=now)
    assert not User.objects.filter(pk=stale.pk).exists()
    assert User.objects.filter(pk=fresh.pk).exists()


def test_it_retention_deletes_old_login_attempts(db, settings):
    if not apps.is_installed("axes"):
        pytest.skip("django-axes is not installed")
    from axes.models import AccessLog

    settings.PRIVACY_LOGIN_ATTEMPT_DAYS = 30
    now = timezone.now()
    common = {
        "ip_address": "192.0.2.7",
        "user_agent": "pytest",
        "http_accept": "*/*",
        "path_info": "/log-ind/",
    }
    old = AccessLog.objects.create(username="a@example.org", **common)
    new = AccessLog.objects.create(username="b@example.org", **common)
    AccessLog.objects.filter(pk=old.pk).update(attempt_time=now - timedelta(days=31))
    privacy.retention_apply(actor=privacy_actor(), now=now)
    assert not AccessLog.objects.filter(pk=old.pk).exists()
    assert AccessLog.objects.filter(pk=new.pk).exists()


# ---------------------------------------------------------------------------------------------
# The page and the documentation say what the registry says


@pytest.mark.parametrize("language, prefix", [("da", ""), ("en", "/en")])
def test_it_the_page_lists_every_provider_in_both_languages(client, seeded, language, prefix):
    response = client.get(f"{prefix}/privatliv/")
    assert response.status_code == 200
    html = response.content.decode()
    with translation.override(language):
        for provider in privacy.providers():
            section = provider.describe()
            assert f'data-provider="{provider.key}"' in html
            for field in ("label", "purpose", "retention"):
                assert section[field].replace("'", "&#x27;") in html, (provider.key, field)


def test_it_every_provider_is_translated_to_english():
    for provider in privacy.providers():
        for field in ("label", "kept", "purpose", "legal_basis", "audience", "retention_text"):
            with translation.override("da"):
                danish = str(getattr(provider, field))
            with translation.override("en"):
                english = str(getattr(provider, field))
            assert danish and english and english != danish, (provider.key, field)


def test_it_the_documentation_shows_the_registry():
    """docs/privacy.md carries `videnbro privacy docs` verbatim; regenerate it after changing
    a provider."""
    text = (ROOT / "docs" / "privacy.md").read_text(encoding="utf-8")
    assert privacy.providers_markdown("en") in text


# ---------------------------------------------------------------------------------------------
# Coverage: a new person-holding model without a provider fails here


PERSONAL_FIELD_NAMES = {
    "email",
    "contact_email",
    "contact_name",
    "contact_phone",
    "phone",
    "first_name",
    "last_name",
    "username",
    "ip_address",
    "user_agent",
    "stated_organisation",
    "actor_label",
    "contact_point",
}


def personal_models() -> set[str]:
    found = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if not getattr(field, "concrete", False):
                continue
            if (
                isinstance(field, models.EmailField | models.GenericIPAddressField)
                or field.name in PERSONAL_FIELD_NAMES
            ):
                found.add(model._meta.label_lower)
                break
    return found


def test_it_every_model_with_personal_fields_is_covered_by_a_provider():
    uncovered = personal_models() - privacy.covered_models()
    assert not uncovered, f"add a personal-data provider for: {sorted(uncovered)}"


def test_it_the_coverage_check_notices_a_missing_provider(monkeypatch):
    registry = dict(privacy._registry)
    registry.pop("crisis.volunteers")
    monkeypatch.setattr(privacy, "_registry", registry)
    assert "crisis.volunteer" in personal_models() - privacy.covered_models()


def test_it_core_privacy_imports_no_higher_app():
    for path in (
        ROOT / "videnbro" / "core" / "privacy.py",
        ROOT / "videnbro" / "core" / "management" / "commands" / "privacy.py",
    ):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            for name in names:
                assert not name.startswith("videnbro.") or name.startswith("videnbro.core"), (path.name, name)


# ---------------------------------------------------------------------------------------------
# The admin actions (users' change list)


def _admin_client(client):
    admin_user = User.objects.create_superuser(
        "privatliv-admin", "admin@example.org", "pw-secret-1", role=Role.PLATFORM_ADMIN
    )
    client.force_login(admin_user)
    return client


def test_it_the_admin_exports_a_selected_users_data_as_json(client, person):
    response = _admin_client(client).post(
        "/admin/accounts/user/", {"action": "export_personal_data", "_selected_action": [person["user"].pk]}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    assert data[0]["email"] == ADDRESS and "crisis.offers" in data[0]["providers"]


def test_it_the_admin_erases_only_after_confirmation(client, person):
    client = _admin_client(client)
    form = {"action": "erase_personal_data", "_selected_action": [person["user"].pk]}
    response = client.post("/admin/accounts/user/", form)
    assert response.status_code == 200 and ADDRESS in response.content.decode()
    assert Offer.objects.get(pk=person["offer"].pk).contact_email == EMAIL  # not yet

    response = client.post("/admin/accounts/user/", {**form, "post": "yes"})
    assert response.status_code == 302
    assert Offer.objects.get(pk=person["offer"].pk).contact_email == ""
    assert User.objects.get(pk=person["user"].pk).email == ""
    row = AuditLog.objects.get(action="core.privacy.erased")
    assert row.actor_label == "privatliv-admin"
