"""The health data map (Datalandkort, seed 002): where Danish health data lives, what it
holds and how to apply. The platform describes data and brokers access; it never stores or
receives patient-level data."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from videnbro.registry.models import Organisation


class Theme(models.TextChoices):
    HOSPITAL_CARE = "hospital_care", _("Sygehusbehandling")
    PRIMARY_CARE = "primary_care", _("Almen praksis og primærsektor")
    MEDICINES = "medicines", _("Lægemidler")
    CANCER = "cancer", _("Kræft")
    MORTALITY = "mortality", _("Dødsfald")
    BIRTHS = "births", _("Fødsler")
    INFECTIOUS_DISEASE = "infectious_disease", _("Smitsomme sygdomme")
    MENTAL_HEALTH = "mental_health", _("Psykisk sygdom")
    CHRONIC_DISEASE = "chronic_disease", _("Kroniske sygdomme")
    QUALITY = "quality", _("Klinisk kvalitet")
    BIOBANK = "biobank", _("Biobank")
    GENOMICS = "genomics", _("Genomdata")
    POPULATION = "population", _("Befolkning")
    SOCIOECONOMIC = "socioeconomic", _("Socioøkonomi")
    VACCINATION = "vaccination", _("Vaccination")
    LABORATORY = "laboratory", _("Laboratorie")
    PATHOLOGY = "pathology", _("Patologi")
    DENTAL = "dental", _("Tandpleje")
    CARDIOVASCULAR = "cardiovascular", _("Hjerte-kar")
    SURGERY = "surgery", _("Kirurgi")


class Frequency(models.TextChoices):
    DAILY = "daily", _("Dagligt")
    WEEKLY = "weekly", _("Ugentligt")
    MONTHLY = "monthly", _("Månedligt")
    QUARTERLY = "quarterly", _("Kvartalsvis")
    ANNUAL = "annual", _("Årligt")
    IRREGULAR = "irregular", _("Uregelmæssigt")


class AccessRoute(models.Model):
    """How to get access: e.g. Sundhedsdatastyrelsen's Forskerservice, with its steps."""

    key = models.SlugField(_("nøgle"), max_length=60, unique=True)
    name = models.CharField(_("navn"), max_length=200)
    name_en = models.CharField(_("engelsk navn"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="access_routes"
    )
    url = models.URLField(max_length=500, blank=True)
    steps = models.JSONField(_("trin"), default=list, blank=True)
    steps_en = models.JSONField(_("trin (engelsk)"), default=list, blank=True)
    typical_processing_time = models.TextField(_("typisk sagsbehandlingstid"), blank=True)
    fee = models.TextField(_("gebyr"), blank=True)
    source_url = models.URLField(_("kilde-URL"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("adgangsvej")
        verbose_name_plural = _("adgangsveje")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def localised_steps(self) -> list[str]:
        return self.steps_en if get_language() == "en" and self.steps_en else self.steps


class Dataset(models.Model):
    key = models.SlugField(_("nøgle"), max_length=120, unique=True)
    title = models.CharField(_("titel"), max_length=200)
    title_en = models.CharField(_("engelsk titel"), max_length=200, blank=True)
    acronym = models.CharField(_("forkortelse"), max_length=30, blank=True)
    description = models.TextField(_("beskrivelse"), blank=True)
    description_en = models.TextField(_("engelsk beskrivelse"), blank=True)
    custodian = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="custodian_of", verbose_name=_("dataansvarlig")
    )
    publisher = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="published_datasets",
        verbose_name=_("udgiver"),
    )
    contact_point = models.CharField(_("kontaktpunkt"), max_length=300, blank=True)
    themes = models.JSONField(_("temaer"), default=list, blank=True)
    keywords = models.JSONField(_("nøgleord"), default=list, blank=True)
    population_coverage = models.TextField(_("population"), blank=True)
    time_coverage_from = models.PositiveSmallIntegerField(_("data fra år"), null=True, blank=True)
    update_frequency = models.CharField(
        _("opdateringsfrekvens"), max_length=10, choices=Frequency.choices, blank=True
    )
    number_of_records = models.BigIntegerField(_("antal poster"), null=True, blank=True)
    unique_individuals = models.BigIntegerField(_("antal unikke personer"), null=True, blank=True)
    coding_systems = models.JSONField(_("kodesystemer"), default=list, blank=True)
    legal_basis = models.TextField(_("hjemmel"), blank=True)
    personal_data = models.BooleanField(_("indeholder personoplysninger"), default=True)
    access_route = models.ForeignKey(
        AccessRoute,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="datasets",
        verbose_name=_("adgangsvej"),
    )
    landing_page = models.URLField(_("hjemmeside"), max_length=500, blank=True)
    source_url = models.URLField(_("kilde-URL"), max_length=500, blank=True)
    source_note = models.TextField(_("kildenote"), blank=True)
    is_synthetic = models.BooleanField(default=False, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated"])

    class Meta:
        verbose_name = _("datasæt")
        verbose_name_plural = _("datasæt")
        ordering = ["title"]
        indexes = [models.Index(fields=["title", "id"], name="dataset_title_id")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("datamap:dataset_detail", kwargs={"key": self.key})

    @property
    def display_title(self) -> str:
        return self.title_en if get_language() == "en" and self.title_en else self.title

    @property
    def display_description(self) -> str:
        return self.description_en if get_language() == "en" and self.description_en else self.description


class Variable(models.Model):
    class Type(models.TextChoices):
        STRING = "string", _("Tekst")
        DATE = "date", _("Dato")
        INTEGER = "integer", _("Heltal")
        DECIMAL = "decimal", _("Decimaltal")
        CODE = "code", _("Kode")
        BOOLEAN = "boolean", _("Ja/nej")

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="variables")
    name = models.CharField(_("navn"), max_length=100)
    label = models.CharField(_("betegnelse"), max_length=200, blank=True)
    label_en = models.CharField(_("engelsk betegnelse"), max_length=200, blank=True)
    type = models.CharField(_("type"), max_length=10, choices=Type.choices, blank=True)
    coding_system = models.CharField(_("kodesystem"), max_length=30, blank=True)
    source_url = models.URLField(_("kilde-URL"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("variabel")
        verbose_name_plural = _("variable")
        ordering = ["dataset", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "name"], name="variable_unique_per_dataset")
        ]

    def __str__(self) -> str:
        return self.name


class Sandbox(models.Model):
    """A sandbox or secure-analysis offering: who runs it, which data, who may use it."""

    key = models.SlugField(_("nøgle"), max_length=120, unique=True)
    name = models.CharField(_("navn"), max_length=200)
    name_en = models.CharField(_("engelsk navn"), max_length=200, blank=True)
    operator = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="sandboxes", verbose_name=_("driftes af")
    )
    description = models.TextField(_("beskrivelse"), blank=True)
    description_en = models.TextField(_("engelsk beskrivelse"), blank=True)
    data = models.TextField(_("data"), blank=True)
    eligible_users = models.TextField(_("hvem kan bruge den"), blank=True)
    cost_model = models.TextField(_("prismodel"), blank=True)
    access = models.TextField(_("adgang"), blank=True)
    url = models.URLField(max_length=500, blank=True)
    datasets = models.ManyToManyField(Dataset, blank=True, related_name="sandboxes")
    source_url = models.URLField(_("kilde-URL"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("sandkasse")
        verbose_name_plural = _("sandkasser")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
