"""Cross-domain records: the audit log that every service write appends to."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditLog(models.Model):
    """One row per write that matters, in the same transaction as the write (pretix log_action)."""

    created = models.DateTimeField(_("tidspunkt"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("aktør"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("aktør (tekst)"), max_length=200, blank=True)
    action = models.CharField(_("handling"), max_length=100, db_index=True)
    object_type = models.CharField(_("objekttype"), max_length=100, blank=True)
    object_id = models.CharField(_("objekt-id"), max_length=64, blank=True, db_index=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        verbose_name = _("auditlinje")
        verbose_name_plural = _("auditlog")
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.created:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"


class DataVersion(models.Model):
    """A counter bumped in the same transaction as writes that change derived views
    (e.g. the landscape); cached results are keyed on it, so a cache is never stale."""

    name = models.CharField(max_length=60, unique=True)
    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("dataversion")
        verbose_name_plural = _("dataversioner")

    def __str__(self) -> str:
        return f"{self.name}={self.value}"
