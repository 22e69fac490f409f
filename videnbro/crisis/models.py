"""The crisis front door: incidents, needs, offers (with their triage trail) and volunteers.

Offers and volunteers come from people without an account; their personal data (contact
e-mail, phone) is shown only to the authority an offer is routed to, and a volunteer's never:
contact goes through the platform. Offers carry their own event trail (`OfferEvent`) instead
of simple-history rows, which keeps the write behind the public front door to a few rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from videnbro.partnerships.taxonomy import FocusArea
from videnbro.registry.models import Municipality, Organisation, Region, Sourced

from .taxonomy import ITEM_CHOICES, OfferPeriod, Priority, Terms


class IncidentKind(models.TextChoices):
    PANDEMIC = "pandemic", _("Epidemi/pandemi")
    MASS_CASUALTY = "mass_casualty", _("Masseskadehændelse")
    SUPPLY = "supply", _("Forsyningskrise")
    CYBER = "cyber", _("Cyberhændelse/IT-nedbrud")
    WEATHER = "weather", _("Ekstremt vejr")
    CBRN = "cbrn", _("CBRN-hændelse")
    OTHER = "other", _("Anden hændelse")


class Incident(Sourced):
    class Status(models.TextChoices):
        DECLARED = "declared", _("Erklæret")
        ACTIVE = "active", _("Aktiv")
        STOOD_DOWN = "stood_down", _("Afblæst")

    key = models.SlugField(_("nøgle"), max_length=120, unique=True)
    title = models.CharField(_("titel"), max_length=200)
    title_en = models.CharField(_("engelsk titel"), max_length=200, blank=True)
    kind = models.CharField(_("type"), max_length=20, choices=IncidentKind.choices)
    description = models.TextField(_("beskrivelse"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DECLARED, db_index=True
    )
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("slut"), null=True, blank=True)
    regions = models.ManyToManyField(
        Region, verbose_name=_("berørte regioner"), blank=True, related_name="incidents"
    )
    municipalities = models.ManyToManyField(
        Municipality, verbose_name=_("berørte kommuner"), blank=True, related_name="incidents"
    )
    responsible = models.ManyToManyField(
        Organisation, verbose_name=_("ansvarlige myndigheder"), related_name="incidents_responsible"
    )
    partnerships = models.ManyToManyField(
        "partnerships.Partnership",
        blank=True,
        verbose_name=_("partnerskaber i hændelsen"),
        related_name="incidents",
    )
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    declared_at = models.DateTimeField(_("erklæret"), null=True, blank=True)
    stood_down_at = models.DateTimeField(_("afblæst"), null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated"])

    class Meta:
        verbose_name = _("hændelse")
        verbose_name_plural = _("hændelser")
        ordering = ["-starts_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="incident_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.STOOD_DOWN


class Need(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Kladde")
        OPEN = "open", _("Åben")
        FULFILLED = "fulfilled", _("Dækket")
        CLOSED = "closed", _("Lukket")

    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, related_name="needs", verbose_name=_("hændelse")
    )
    owner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="crisis_needs", verbose_name=_("myndighed")
    )
    title = models.CharField(_("titel"), max_length=200)
    description = models.TextField(_("beskrivelse"), blank=True)
    focus_area = models.CharField(_("kategori"), max_length=30, choices=FocusArea.choices, db_index=True)
    item = models.CharField(_("vare/ydelse"), max_length=30, choices=ITEM_CHOICES, db_index=True)
    skills = models.JSONField(_("kompetencer"), default=list, blank=True)
    quantity = models.DecimalField(_("mængde"), max_digits=14, decimal_places=2, null=True, blank=True)
    unit = models.CharField(_("enhed"), max_length=40, blank=True)
    per_period = models.CharField(
        _("periode"), max_length=10, choices=OfferPeriod.choices, default=OfferPeriod.TOTAL
    )
    needed_by = models.DateField(_("senest"), null=True, blank=True)
    priority = models.CharField(
        _("prioritet"), max_length=10, choices=Priority.choices, default=Priority.NORMAL, db_index=True
    )
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    municipality = models.ForeignKey(
        Municipality,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("kommune"),
    )
    location = models.CharField(_("leveringssted"), max_length=200, blank=True)
    requirements = models.JSONField(_("krav til tilbud"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    confirmed_at = models.DateTimeField(_("senest bekræftet"))
    expires_at = models.DateTimeField(_("udløber"), db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated"])

    class Meta:
        verbose_name = _("behov")
        verbose_name_plural = _("behov")
        ordering = ["status", "needed_by", "-created"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_expired(self) -> bool:
        """Not confirmed in time: hidden from the public and from matching until confirmed."""
        from django.utils import timezone

        return self.status == self.Status.OPEN and self.expires_at <= timezone.now()


class Offer(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("Ny")
        IN_REVIEW = "in_review", _("Under vurdering")
        NEEDS_INFORMATION = "needs_information", _("Mangler oplysninger")
        ACCEPTED = "accepted", _("Accepteret")
        DECLINED = "declined", _("Afvist")
        FULFILLED = "fulfilled", _("Leveret")
        WITHDRAWN = "withdrawn", _("Trukket tilbage")

    class OffererType(models.TextChoices):
        ORGANISATION = "organisation", _("Organisation")
        PERSON = "person", _("Privatperson")

    class Resolution(models.TextChoices):
        CVR = "cvr", _("CVR-nummer")
        RESOLVER = "resolver", _("Navn genkendt")
        CREATED = "created", _("Ny, ikke verificeret organisation")
        PERSON = "person", _("Privatperson")
        CLAIM = "claim", _("Uverificeret påstand om organisation")

    class ClaimReason(models.TextChoices):
        NAME_DIFFERS = "name_differs", _("navnet svarer ikke til registrets")
        CONTACT_UNCONFIRMED = (
            "contact_unconfirmed",
            _("e-mailadressen er ikke en kontaktperson, organisationen har registreret"),
        )
        CONTACT_DOMAIN_ONLY = (
            "contact_domain_only",
            _(
                "e-mailadressen ligger i organisationens domæne, men er ikke en registreret "
                "kontaktperson (ubekræftet)"
            ),
        )

    reference = models.CharField(_("referencenummer"), max_length=20, unique=True)
    incident = models.ForeignKey(
        Incident,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="offers",
        verbose_name=_("hændelse"),
    )
    need = models.ForeignKey(
        Need,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="targeted_offers",
        verbose_name=_("behov"),
    )
    offerer_type = models.CharField(
        _("tilbudsgiver er"), max_length=15, choices=OffererType.choices, default=OffererType.ORGANISATION
    )
    offerer_name = models.CharField(_("tilbudsgiver"), max_length=200)
    offerer_cvr = models.CharField(_("CVR-nummer"), max_length=8, blank=True)
    contact_name = models.CharField(_("kontaktperson"), max_length=200, blank=True)
    contact_email = models.EmailField(_("e-mail"))
    contact_phone = models.CharField(_("telefon"), max_length=40, blank=True)
    title = models.CharField(_("hvad tilbydes"), max_length=200)
    description = models.TextField(_("beskrivelse"))
    category = models.CharField(
        _("kategori"), max_length=30, choices=FocusArea.choices, blank=True, db_index=True
    )
    category_classified = models.BooleanField(_("kategori foreslået af klassifikatoren"), default=False)
    category_confidence = models.FloatField(null=True, blank=True)
    item = models.CharField(_("vare/ydelse"), max_length=30, choices=ITEM_CHOICES, blank=True)
    quantity = models.DecimalField(_("mængde"), max_digits=14, decimal_places=2, null=True, blank=True)
    unit = models.CharField(_("enhed"), max_length=40, blank=True)
    per_period = models.CharField(_("periode"), max_length=10, choices=OfferPeriod.choices, blank=True)
    available_from = models.DateField(_("kan leveres fra"), null=True, blank=True)
    available_until = models.DateField(_("kan leveres til"), null=True, blank=True)
    municipality = models.ForeignKey(
        Municipality,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("kommune"),
    )
    location = models.CharField(_("lokation"), max_length=200, blank=True)
    terms = models.CharField(_("vilkår"), max_length=10, choices=Terms.choices, blank=True)
    price = models.CharField(_("pris"), max_length=200, blank=True)
    certifications = models.CharField(_("certificeringer"), max_length=300, blank=True)
    details = models.JSONField(_("oplysninger krævet af behovet"), default=dict, blank=True)
    language = models.CharField(max_length=5, default="da")
    channel = models.CharField(_("kanal"), max_length=5, default="web")  # web | api
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW, db_index=True
    )
    # Filled in by the background processing (offer_process).
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="crisis_offers",
        verbose_name=_("organisation"),
    )
    resolution = models.CharField(_("genkendelse"), max_length=10, choices=Resolution.choices, blank=True)
    resolution_candidates = models.JSONField(default=list, blank=True)
    # An unverified claim (issue 12, finding 5): the offer names a verified organisation (by
    # CVR or name) but its name or contact is not one the organisation has confirmed. The offer
    # is not attributed (organisation stays empty) until staff confirm the claim.
    claimed_organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("påstået organisation"),
    )
    claim_reasons = models.JSONField(default=list, blank=True)
    claim_confirmed_at = models.DateTimeField(_("påstand bekræftet"), null=True, blank=True)
    claim_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    duplicate_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
        verbose_name=_("dublet af"),
    )
    matched_need = models.ForeignKey(
        Need,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="matched_offers",
        verbose_name=_("matchet behov"),
    )
    match_score = models.FloatField(_("match-score"), null=True, blank=True, db_index=True)
    match_reasons = models.JSONField(default=list, blank=True)
    routed_to = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="crisis_inbox",
        verbose_name=_("sendt til"),
    )
    processed_at = models.DateTimeField(_("behandlet"), null=True, blank=True, db_index=True)
    first_triaged_at = models.DateTimeField(_("første vurdering"), null=True, blank=True)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True, unique=True)
    fingerprint = models.CharField(max_length=64, blank=True)
    created = models.DateTimeField(_("modtaget"), auto_now_add=True, db_index=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("tilbud")
        verbose_name_plural = _("tilbud")
        ordering = ["-created"]
        indexes = [models.Index(fields=["routed_to", "status"], name="offer_inbox_idx")]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def has_unverified_claim(self) -> bool:
        """Flagged to triage: names an organisation it is not (yet) attributed to."""
        return self.claimed_organisation_id is not None and self.claim_confirmed_at is None

    @property
    def claim_reason_labels(self) -> list[str]:
        return [str(self.ClaimReason(r).label) for r in self.claim_reasons if r in self.ClaimReason.values]


class OfferEvent(models.Model):
    """The offer's trail: every transition, message and update – who, when, why."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("Modtaget")
        PROCESSED = "processed", _("Behandlet automatisk")
        TRANSITION = "transition", _("Status ændret")
        REQUEST_INFO = "request_info", _("Anmodning om oplysninger")
        OFFERER_UPDATE = "offerer_update", _("Opdateret af tilbudsgiver")
        ROUTED = "routed", _("Sendt til myndighed")
        CLAIM_CONFIRMED = "claim_confirmed", _("Organisation bekræftet")

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.from_status}→{self.to_status}"


class Volunteer(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Aktiv")
        WITHDRAWN = "withdrawn", _("Trukket tilbage")

    reference = models.CharField(max_length=20, unique=True)
    name = models.CharField(_("navn"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telefon"), max_length=40, blank=True)
    skills = models.JSONField(_("kompetencer"), default=list)
    has_danish_authorisation = models.BooleanField(_("dansk autorisation"), default=False)
    certificates = models.CharField(_("certifikater"), max_length=300, blank=True)
    available_from = models.DateField(_("til rådighed fra"), null=True, blank=True)
    available_until = models.DateField(_("til rådighed til"), null=True, blank=True)
    hours_per_week = models.PositiveSmallIntegerField(_("timer pr. uge"), null=True, blank=True)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("kommune")
    )
    travel_radius_km = models.PositiveSmallIntegerField(_("rejseafstand (km)"), default=25)
    consent_at = models.DateTimeField(_("samtykke givet"))
    consent_version = models.CharField(max_length=20)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    idempotency_key = models.CharField(max_length=100, null=True, blank=True, unique=True)
    created = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("frivillig")
        verbose_name_plural = _("frivillige")
        ordering = ["-created"]

    def __str__(self) -> str:
        return self.reference


class VolunteerContact(models.Model):
    """A message from an authority to a volunteer about a need, relayed by e-mail."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="contacts")
    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="volunteer_contacts")
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.TextField()
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.volunteer} / {self.need_id}"
