"""Partnerships: who works with whom, on what, how they are governed, funded and evaluated."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from videnbro.registry.models import Municipality, Organisation, Region, Sourced

from .taxonomy import FocusArea, PartnerType


class Status(models.TextChoices):
    FORMING = "forming", _("Under etablering")
    ACTIVE = "active", _("Aktiv")
    ENDED = "ended", _("Afsluttet")


class DatePrecision(models.TextChoices):
    """How much of a date its source gives: a start "i 2015" is stored as 1 January 2015 with
    year precision (an end as 31 December), and shown and exported as "2015"."""

    YEAR = "year", _("år")
    MONTH = "month", _("måned")
    DAY = "day", _("dag")


# date_format() formats per precision (the page's language names the month).
PRECISION_FORMATS: dict[str, str] = {
    DatePrecision.YEAR: "Y",
    DatePrecision.MONTH: "F Y",
    DatePrecision.DAY: "j. F Y",
}
PRECISION_ISO_LENGTH: dict[str, int] = {DatePrecision.YEAR: 4, DatePrecision.MONTH: 7, DatePrecision.DAY: 10}


def format_date(value: date | None, precision: str) -> str:
    """A date as precise as its source: "2015", "oktober 2017" or "3. oktober 2017"."""
    if value is None:
        return ""
    return date_format(value, PRECISION_FORMATS.get(precision, PRECISION_FORMATS[DatePrecision.DAY]))


def iso_date(value: date | None, precision: str) -> str:
    """ISO 8601 with the source's precision: "2015", "2017-10" or "2017-10-03"."""
    if value is None:
        return ""
    return value.isoformat()[: PRECISION_ISO_LENGTH.get(precision, 10)]


class PartnerTypeOrigin(models.TextChoices):
    SOURCE = "source", _("Som kodet i kilden")
    SUGGESTED = "suggested", _("Foreslået ud fra deltagernes sektorer")
    MANUAL = "manual", _("Valgt af redaktør")


class Partnership(models.Model):
    key = models.SlugField(_("nøgle"), max_length=120, unique=True)
    cbs_number = models.PositiveSmallIntegerField(_("CBS-nummer"), null=True, blank=True, unique=True)
    title = models.CharField(_("titel"), max_length=300)
    description = models.TextField(_("beskrivelse"), blank=True)
    focus_area = models.CharField(
        _("fokusområde"), max_length=30, choices=FocusArea.choices, blank=True, db_index=True
    )
    secondary_focus_areas = models.JSONField(_("sekundære fokusområder"), default=list, blank=True)
    partner_type = models.CharField(
        _("partnertype"), max_length=20, choices=PartnerType.choices, blank=True, db_index=True
    )
    partner_type_origin = models.CharField(
        _("partnertypens oprindelse"),
        max_length=10,
        choices=PartnerTypeOrigin.choices,
        default=PartnerTypeOrigin.SUGGESTED,
    )
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("slut"), null=True, blank=True)
    start_precision = models.CharField(
        _("startdatoens præcision"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    end_precision = models.CharField(
        _("slutdatoens præcision"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    is_national = models.BooleanField(_("national"), default=False)
    regions = models.ManyToManyField(
        Region, verbose_name=_("regioner"), blank=True, related_name="partnerships"
    )
    municipalities = models.ManyToManyField(
        Municipality, verbose_name=_("kommuner"), blank=True, related_name="partnerships"
    )
    is_synthetic = models.BooleanField(
        default=False, editable=False, help_text="Benchmark data made by `videnbro synth`."
    )
    created = models.DateTimeField(_("oprettet"), auto_now_add=True)
    updated = models.DateTimeField(_("opdateret"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated"])

    class Meta:
        verbose_name = _("partnerskab")
        verbose_name_plural = _("partnerskaber")
        ordering = [models.F("cbs_number").asc(nulls_last=True), "title"]
        indexes = [models.Index(fields=["partner_type", "focus_area"], name="partnership_landscape_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True)
                | models.Q(start__isnull=True)
                | models.Q(end__gte=models.F("start")),
                name="partnership_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("partnerships:partnership-detail", kwargs={"key": self.key})

    @property
    def period_label(self) -> str:
        """The period as precise as its source: "2015–2018", "2017 – 31. december 2019", "? – "."""
        start = format_date(self.start, self.start_precision)
        end = format_date(self.end, self.end_precision)
        if start and end and self.start_precision == self.end_precision == DatePrecision.YEAR:
            return f"{start}–{end}"
        return f"{start or '?'} – {end}"


class PartnershipSource(Sourced):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="sources")
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("kilde")
        verbose_name_plural = _("kilder")
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "source", "source_page", "source_url"],
                name="partnership_source_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.source_label or self.source_url


class ParticipantRole(models.TextChoices):
    LEAD = "lead", _("Leder")
    PARTNER = "partner", _("Partner")
    FUNDER = "funder", _("Finansierer")
    AUTHORITY = "authority", _("Myndighed")
    SECRETARIAT = "secretariat", _("Sekretariat")
    RECIPIENT = "recipient", _("Modtager")


class Participant(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="participants")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="participations")
    role = models.CharField(
        _("rolle"), max_length=20, choices=ParticipantRole.choices, default=ParticipantRole.PARTNER
    )
    note = models.CharField(
        _("note"), max_length=300, blank=True, help_text=_("Fx »43 virksomheder« for Dansk Industri.")
    )
    mention = models.CharField(_("skrevet som"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("deltager")
        verbose_name_plural = _("deltagere")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "organisation", "role"], name="participant_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"


class BodyKind(models.TextChoices):
    STEERING_GROUP = "steering_group", _("Styregruppe")
    BOARD = "board", _("Bestyrelse")
    WORKING_GROUP = "working_group", _("Arbejdsgruppe")
    REFERENCE_GROUP = "reference_group", _("Referencegruppe")
    EXPERT_GROUP = "expert_group", _("Ekspertgruppe")
    SECRETARIAT = "secretariat", _("Sekretariat")


class GovernanceBody(Sourced):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="governance_bodies")
    kind = models.CharField(_("type"), max_length=20, choices=BodyKind.choices)
    name = models.CharField(_("navn"), max_length=200)
    mandate = models.TextField(_("mandat"), blank=True)
    members: models.ManyToManyField[Organisation, GovernanceMember] = models.ManyToManyField(
        Organisation, through="GovernanceMember", related_name="governance_seats"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("styringsorgan")
        verbose_name_plural = _("styringsorganer")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="body_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class GovernanceMember(models.Model):
    body = models.ForeignKey(GovernanceBody, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["body", "organisation"], name="body_member_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} i {self.body}"


class Contribution(Sourced):
    """Cash, staff hours or in-kind support per partner and year (co-financing, partner fees)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="contributions")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="contributions"
    )
    year = models.PositiveSmallIntegerField(_("år"), null=True, blank=True)
    cash_dkk = models.DecimalField(_("kontant (kr.)"), max_digits=14, decimal_places=2, null=True, blank=True)
    staff_hours = models.DecimalField(_("timer"), max_digits=10, decimal_places=1, null=True, blank=True)
    in_kind = models.CharField(_("naturalier"), max_length=300, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bidrag")
        verbose_name_plural = _("bidrag")
        ordering = ["year", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cash_dkk__gte=0) | models.Q(cash_dkk=None),
                name="contribution_cash_non_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(staff_hours__gte=0) | models.Q(staff_hours=None),
                name="contribution_hours_non_negative",
            ),
        ]


class OutputKind(models.TextChoices):
    OUTPUT = "output", _("Leverance")
    TARGET = "target", _("Mål")
    MILESTONE = "milestone", _("Milepæl")


class Output(Sourced):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="outputs")
    kind = models.CharField(_("type"), max_length=10, choices=OutputKind.choices, default=OutputKind.OUTPUT)
    title = models.CharField(_("titel"), max_length=300)
    description = models.TextField(_("beskrivelse"), blank=True)
    year = models.PositiveSmallIntegerField(_("år"), null=True, blank=True)
    target = models.CharField(_("mål"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("leverance")
        verbose_name_plural = _("leverancer")
        ordering = ["kind", "year", "id"]


class EvaluationKind(models.TextChoices):
    PROCESS = "process", _("Procesevaluering")
    RESULT = "result", _("Resultatevaluering")


class Evaluation(models.Model):
    """CBS recommends systematic evaluation of every partnership, of process and results."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="evaluations")
    kind = models.CharField(_("type"), max_length=10, choices=EvaluationKind.choices)
    date = models.DateField(_("dato"))
    method = models.CharField(_("metode"), max_length=300)
    findings = models.TextField(_("resultater"))
    rating = models.PositiveSmallIntegerField(
        _("vurdering (1–5)"),
        null=True,
        blank=True,
        choices=[(i, str(i)) for i in range(1, 6)],
    )
    evaluator = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evaluering")
        verbose_name_plural = _("evalueringer")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | (models.Q(rating__gte=1) & models.Q(rating__lte=5)),
                name="evaluation_rating_1_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%Y-%m-%d}"
