"""The data entry point (Dataindgang, seed 002): one access request covering datasets from
several custodians, brokered between the applicant and the registry owners.

The platform holds the application and its documents (protocol, approvals) – never data:
uploads that look like a data extract are refused (see `inspection.py`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from videnbro.datamap.models import Dataset, Sandbox
from videnbro.registry.models import Organisation


class AccessRequest(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Kladde")
        SUBMITTED = "submitted", _("Indsendt")
        SCREENING = "screening", _("Screening hos Dataindgangen")
        RETURNED = "returned", _("Sendt retur til ansøger")
        ROUTED = "routed", _("Til behandling hos dataansvarlige")
        COST_ESTIMATE = "cost_estimate", _("Prisoverslag sendt")
        ACCEPTED = "accepted", _("Accepteret af ansøger")
        PROVISIONING = "provisioning", _("Data stilles til rådighed")
        ACTIVE = "active", _("Aktiv")
        CLOSED = "closed", pgettext_lazy("access request status", "Afsluttet")
        WITHDRAWN = "withdrawn", _("Trukket tilbage")

    class Kind(models.TextChoices):
        NEW = "new", _("Ny ansøgning")
        AMENDMENT = "amendment", _("Tillæg")

    class Environment(models.TextChoices):
        DST = "dst_research_service", _("Danmarks Statistiks forskermaskine")
        SDS = "sds_research_service", _("Sundhedsdatastyrelsens forskermaskine")
        SANDBOX = "sandbox", _("En datasandkasse")
        OWN = "own_approved", _("Eget godkendt sikkert miljø")

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.NEW)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="amendments",
        verbose_name=_("hovedansøgning"),
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="access_requests",
        verbose_name=_("ansøger"),
    )
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="access_requests",
        verbose_name=_("ansøgers organisation"),
    )
    # The organisation as the applicant gave it, when they have no verified one (self sign-up);
    # the broker checks it during screening, the register shows it.
    organisation_name = models.CharField(_("organisation (oplyst af ansøger)"), max_length=200, blank=True)
    project_title = models.CharField(_("projekttitel"), max_length=300)
    purpose = models.TextField(_("formål"), blank=True)
    description = models.TextField(_("projektbeskrivelse"), blank=True)
    legal_basis = models.TextField(_("hjemmel"), blank=True)
    period_from = models.DateField(_("periode fra"), null=True, blank=True)
    period_to = models.DateField(_("periode til"), null=True, blank=True)
    population = models.TextField(_("population"), blank=True)
    environment = models.CharField(
        _("sikkert analysemiljø"), max_length=30, choices=Environment.choices, blank=True
    )
    sandbox = models.ForeignKey(
        Sandbox,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="access_requests",
        verbose_name=_("sandkasse"),
    )
    funding = models.TextField(_("finansiering"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    due_at = models.DateTimeField(_("frist for næste skridt"), null=True, blank=True, db_index=True)
    cost_estimate = models.DecimalField(
        _("prisoverslag (kr.)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    cost_note = models.TextField(_("note til prisoverslag"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(_("godkendt"), null=True, blank=True)
    active_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("adgangsansøgning")
        verbose_name_plural = _("adgangsansøgninger")
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"{self.reference} {self.project_title}"

    def get_absolute_url(self) -> str:
        return reverse("broker:request_detail", kwargs={"reference": self.reference})

    @property
    def is_overdue(self) -> bool:
        return self.due_at is not None and self.due_at < timezone.now()

    @property
    def organisation_label(self) -> str:
        return self.organisation.name if self.organisation is not None else self.organisation_name

    @property
    def has_overdue_step(self) -> bool:
        """Its own step is late, or (while with the custodians) an undecided part is."""
        if self.is_overdue:
            return True
        return self.status == self.Status.ROUTED and any(
            part.is_overdue and part.status in RequestPart.OPEN for part in self.parts.all()
        )


class RequestPart(models.Model):
    """The part of a request one custodian decides on: its datasets."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Afventer")
        IN_REVIEW = "in_review", _("Under behandling")
        UPDATES_REQUESTED = "updates_requested", _("Ændringer ønsket")
        APPROVED = "approved", _("Godkendt")
        APPROVED_WITH_CONDITIONS = "approved_with_conditions", _("Godkendt med vilkår")
        REJECTED = "rejected", _("Afvist")

    OPEN = (Status.PENDING, Status.IN_REVIEW, Status.UPDATES_REQUESTED)
    APPROVED = (Status.APPROVED, Status.APPROVED_WITH_CONDITIONS)
    DECIDED = (*APPROVED, Status.REJECTED)

    request = models.ForeignKey(AccessRequest, on_delete=models.CASCADE, related_name="parts")
    custodian = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="access_request_parts",
        verbose_name=_("dataansvarlig"),
    )
    status = models.CharField(
        _("status"), max_length=30, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    due_at = models.DateTimeField(_("frist"), null=True, blank=True, db_index=True)
    conditions = models.TextField(_("vilkår"), blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("delansøgning")
        verbose_name_plural = _("delansøgninger")
        ordering = ["custodian__name"]
        constraints = [
            models.UniqueConstraint(fields=["request", "custodian"], name="part_unique_per_custodian")
        ]

    def __str__(self) -> str:
        return f"{self.request.reference} / {self.custodian}"

    @property
    def is_overdue(self) -> bool:
        return self.due_at is not None and self.due_at < timezone.now()


class RequestedDataset(models.Model):
    request = models.ForeignKey(AccessRequest, on_delete=models.CASCADE, related_name="requested_datasets")
    dataset = models.ForeignKey(
        Dataset, on_delete=models.PROTECT, related_name="access_requests", verbose_name=_("datasæt")
    )
    part = models.ForeignKey(
        RequestPart, null=True, blank=True, on_delete=models.SET_NULL, related_name="datasets"
    )
    variables = models.JSONField(_("ønskede variable"), default=list, blank=True)

    class Meta:
        ordering = ["dataset__title"]
        constraints = [
            models.UniqueConstraint(fields=["request", "dataset"], name="dataset_once_per_request")
        ]

    def __str__(self) -> str:
        return f"{self.request.reference} / {self.dataset}"


def _document_path(instance: RequestDocument, filename: str) -> str:
    return f"broker/{instance.request.reference}/{timezone.now():%Y%m%d%H%M%S}-{filename}"


class RequestDocument(models.Model):
    class Kind(models.TextChoices):
        PROTOCOL = "protocol", _("Protokol")
        ETHICS = "ethics", _("Videnskabsetisk godkendelse")
        RECORD_OF_PROCESSING = "record_of_processing", _("Fortegnelse/anmeldelse af behandling")
        FUNDING = "funding", _("Bevilling")
        OTHER = "other", _("Andet")

    request = models.ForeignKey(AccessRequest, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("dokumenttype"), max_length=30, choices=Kind.choices)
    file = models.FileField(_("fil"), upload_to=_document_path, max_length=300)
    filename = models.CharField(_("filnavn"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("størrelse"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("dokument")
        verbose_name_plural = _("dokumenter")
        ordering = ["created", "id"]

    def __str__(self) -> str:
        return self.filename


class RequestEvent(models.Model):
    """Who moved what from where to where, when and why."""

    request = models.ForeignKey(AccessRequest, on_delete=models.CASCADE, related_name="events")
    part = models.ForeignKey(
        RequestPart, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True)
    actor_role = models.CharField(max_length=20, blank=True)
    from_status = models.CharField(max_length=30, blank=True)
    to_status = models.CharField(max_length=30)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["created", "id"]

    def __str__(self) -> str:
        return f"{self.request.reference}: {self.from_status} → {self.to_status}"


def state_label(value: str) -> str:
    """The display label of a request or a part state ('in_review' → 'Under behandling');
    the two sets of values do not overlap."""
    labels = {**dict(AccessRequest.Status.choices), **dict(RequestPart.Status.choices)}
    return str(labels.get(value, value))
