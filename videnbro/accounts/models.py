"""Users, their organisation and role, and hashed API tokens."""

from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PLATFORM_ADMIN = "platform_admin", _("Platformsadministrator")
    CLUSTER_SECRETARIAT = "cluster_secretariat", _("Klyngesekretariat")
    AUTHORITY_STAFF = "authority_staff", _("Myndighedsmedarbejder")
    ORGANISATION_MEMBER = "organisation_member", _("Organisationsmedlem")
    DATA_CUSTODIAN = "data_custodian", _("Dataansvarlig")
    DATA_BROKER = "data_broker", _("Datamægler")


class User(AbstractUser):
    """A person who signs in; belongs to at most one organisation with one role."""

    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="users",
    )
    role = models.CharField(_("rolle"), max_length=30, choices=Role.choices, default=Role.ORGANISATION_MEMBER)
    # What a person who signed up on their own says they work for. Unverified: it never
    # grants rights in the registry (only `organisation`, set by an administrator, does).
    stated_organisation = models.CharField(_("oplyst organisation"), max_length=200, blank=True)
    # Self-service sign-up: when the person asked for an account, and when they proved control
    # of the address by the mailed link (and chose their password). Accounts signed up but never
    # activated expire (services.purge_unconfirmed); accounts made by administrators have neither.
    signed_up_at = models.DateTimeField(_("oprettet af personen selv"), null=True, blank=True)
    activated_at = models.DateTimeField(_("aktiveret"), null=True, blank=True)

    class Meta:
        verbose_name = _("bruger")
        verbose_name_plural = _("brugere")

    def has_role(self, *roles: str) -> bool:
        return self.is_active and (self.role in roles or self.is_superuser)

    @property
    def is_platform_admin(self) -> bool:
        return self.is_active and (self.is_superuser or self.role == Role.PLATFORM_ADMIN)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token; only its SHA-256 digest is stored, the raw value is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("navn"), max_length=100, blank=True)
    prefix = models.CharField(_("præfiks"), max_length=16, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(_("oprettet"), auto_now_add=True)
    last_used = models.DateTimeField(_("senest brugt"), null=True, blank=True)
    expires = models.DateTimeField(_("udløber"), null=True, blank=True)
    revoked = models.DateTimeField(_("tilbagekaldt"), null=True, blank=True)

    class Meta:
        verbose_name = _("API-nøgle")
        verbose_name_plural = _("API-nøgler")

    def __str__(self) -> str:
        return f"{self.user} {self.prefix}…"

    @property
    def is_valid(self) -> bool:
        now = timezone.now()
        return self.revoked is None and (self.expires is None or self.expires > now)
