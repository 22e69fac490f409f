"""Personal data kept by accounts: users and their API tokens, and (with django-axes) the
log of log-in attempts. Registered from AccountsConfig.ready()."""

from __future__ import annotations

from datetime import timedelta

from django.apps import apps
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from videnbro.core.privacy import ERASED, PersonalDataProvider, register, setting_days

from .models import ApiToken, User


def _users(email: str):
    return User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email))


class AccountProvider(PersonalDataProvider):
    key = "accounts.users"
    position = 10
    order = 90  # last: the other providers find a person through the account
    models = ("accounts.User", "accounts.ApiToken")
    label = _("Brugerkonti")
    kept = _(
        "Brugernavn, navn, e-mail, den organisation personen selv har oplyst, rolle og "
        "organisation, tidspunkter for oprettelse, aktivering og seneste log-ind; API-nøgler "
        "(navn, præfiks og tidspunkter – selve nøglen gemmes kun som hash)."
    )
    purpose = _(
        "At personen kan logge ind, søge om adgang til data og arbejde på platformen "
        "med de rettigheder, rollen giver."
    )
    legal_basis = _(
        "Databeskyttelsesforordningens art. 6, stk. 1, litra b (personen har selv "
        "bedt om kontoen) og, for myndigheders og organisationers medarbejdere, "
        "litra e (opgaver i samfundets interesse)."
    )
    audience = _(
        "Personen selv og platformens administratorer; navn og oplyst organisation "
        "vises på personens ansøgninger for dem, der behandler dem."
    )
    retention_text = _(
        "Så længe kontoen bruges. Konti, der aldrig aktiveres, slettes %(days)s "
        "dage efter oprettelsen. Ved sletning anonymiseres kontoen (navn og "
        "adresse fjernes, den kan ikke længere logge ind), så sager, den har "
        "rørt, stadig hænger sammen."
    )

    def retention_params(self):
        return {"days": setting_days("ACCOUNTS_UNCONFIRMED_DAYS", 7)}

    def export(self, email):
        records = []
        for user in _users(email).select_related("organisation").order_by("pk"):
            records.append(
                {
                    "username": user.username,
                    "first_name": user.first_name,
                    "last_name": user.last_name,
                    "email": user.email,
                    "stated_organisation": user.stated_organisation,
                    "role": user.role,
                    "organisation": user.organisation.name if user.organisation_id else None,
                    "is_active": user.is_active,
                    "date_joined": user.date_joined,
                    "last_login": user.last_login,
                    "signed_up_at": getattr(user, "signed_up_at", None),
                    "activated_at": getattr(user, "activated_at", None),
                    "api_tokens": [
                        {
                            "name": t.name,
                            "prefix": t.prefix,
                            "created": t.created,
                            "last_used": t.last_used,
                            "expires": t.expires,
                            "revoked": t.revoked,
                        }
                        for t in user.api_tokens.order_by("created")
                    ],
                    "two_factor_devices": [str(d) for d in _devices(user)],
                }
            )
        return records

    def erase(self, email):
        now = timezone.now()
        count = 0
        for user in _users(email).select_for_update():
            user.username = f"slettet-{user.pk}"
            user.first_name = user.last_name = user.email = user.stated_organisation = ""
            user.is_active = False
            user.set_unusable_password()  # also ends every session (the session hash changes)
            user.save()
            ApiToken.objects.filter(user=user, revoked__isnull=True).update(revoked=now)
            for device in _devices(user):
                device.delete()
            count += 1
        return count

    def retention(self, now, *, dry_run=False):
        from . import services

        purge = getattr(services, "purge_unconfirmed", None)
        if purge is None:  # pragma: no cover - until accounts provides it
            return 0
        if not dry_run:
            return purge(now=now)
        with transaction.atomic():
            count = purge(now=now)
            transaction.set_rollback(True)
        return count


def _devices(user):
    if not apps.is_installed("django_otp"):
        return []
    from django_otp import devices_for_user

    return list(devices_for_user(user, confirmed=None))


class LoginAttemptProvider(PersonalDataProvider):
    """django-axes' records of log-in attempts (only when axes is installed)."""

    key = "accounts.login_attempts"
    position = 70
    order = 20
    models = ("axes.AccessAttempt", "axes.AccessLog", "axes.AccessFailureLog")
    label = _("Log-ind-forsøg")
    kept = _(
        "For hvert forsøg på at logge ind: det brugernavn eller den adresse, der blev "
        "skrevet, IP-adressen, browserens identifikation og tidspunktet; om forsøget "
        "lykkedes, og om kontoen blev spærret."
    )
    purpose = _("At bremse gæt af adgangskoder og at kunne efterforske misbrug.")
    legal_basis = _(
        "Databeskyttelsesforordningens art. 6, stk. 1, litra f (legitim interesse "
        "i at beskytte konti), jf. art. 32 om sikkerhed."
    )
    audience = _("Platformens administratorer.")
    retention_text = _("Slettes %(days)s dage efter forsøget.")

    def retention_params(self):
        return {"days": setting_days("PRIVACY_LOGIN_ATTEMPT_DAYS", 30)}

    @staticmethod
    def _models():
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog

        return {"attempt": AccessAttempt, "log": AccessLog, "failure": AccessFailureLog}

    @staticmethod
    def _names(email):
        return [email, *_users(email).values_list("username", flat=True)]

    def _rows(self, model, email):
        query = Q()
        for name in self._names(email):
            query |= Q(username__iexact=name)
        return model.objects.filter(query)

    def export(self, email):
        records = []
        for kind, model in self._models().items():
            for row in self._rows(model, email).order_by("attempt_time"):
                records.append(
                    {
                        "kind": kind,
                        "username": row.username,
                        "ip_address": row.ip_address,
                        "user_agent": row.user_agent,
                        "path": row.path_info,
                        "attempt_time": row.attempt_time,
                    }
                )
        return records

    def erase(self, email):
        models = self._models()
        # The lock-out counters go; the logs stay as anonymous counts.
        count, _detail = self._rows(models["attempt"], email).delete()
        for kind in ("log", "failure"):
            count += self._rows(models[kind], email).update(username=ERASED, ip_address=None, user_agent="")
        return count

    def retention(self, now, *, dry_run=False):
        cutoff = now - timedelta(days=self.retention_params()["days"])
        count = 0
        for model in self._models().values():
            rows = model.objects.filter(attempt_time__lt=cutoff)
            if dry_run:
                count += rows.count()
            else:
                count += rows.delete()[1].get(model._meta.label, 0)
        return count


register(AccountProvider())
if apps.is_installed("axes"):
    register(LoginAttemptProvider())
