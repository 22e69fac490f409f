"""The ecosystem registry: geography, organisations and what they can do."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from videnbro.core.text import format_quantity

from .validators import validate_cvr


class Source(models.Model):
    """A document or public page that seeded records cite."""

    code = models.SlugField(_("kode"), max_length=60, unique=True)
    title = models.CharField(_("titel"), max_length=400)
    publisher = models.CharField(_("udgiver"), max_length=200, blank=True)
    year = models.PositiveIntegerField(_("år"), null=True, blank=True)
    url = models.URLField(_("URL"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("kilde")
        verbose_name_plural = _("kilder")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.title


class Sourced(models.Model):
    """Where a record comes from: a document and page, or a public URL."""

    source = models.ForeignKey(
        Source,
        verbose_name=_("kilde"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source_page = models.CharField(_("side i kilden"), max_length=40, blank=True)
    source_url = models.URLField(_("kilde-URL"), max_length=500, blank=True)

    class Meta:
        abstract = True

    @property
    def source_label(self) -> str:
        parts = [str(self.source)] if self.source_id else []
        if self.source_page:
            parts.append(_("s. %(page)s") % {"page": self.source_page})
        return ", ".join(parts)


class Region(Sourced):
    code = models.PositiveIntegerField(_("regionskode"), unique=True)
    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("navn"), max_length=100, unique=True)
    name_en = models.CharField(_("engelsk navn"), max_length=100, blank=True)
    short_name = models.CharField(_("kort navn"), max_length=50)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regioner")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Municipality(Sourced):
    code = models.CharField(_("kommunekode"), max_length=3, unique=True)
    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("navn"), max_length=100, unique=True)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="municipalities"
    )
    # DAWA's "visueltcenter" (a point inside the municipality), for distances such as a
    # volunteer's travel radius; source in seed_data/municipality_centroids.csv.
    latitude = models.DecimalField(_("breddegrad"), max_digits=7, decimal_places=4, null=True, blank=True)
    longitude = models.DecimalField(_("længdegrad"), max_digits=7, decimal_places=4, null=True, blank=True)

    class Meta:
        verbose_name = _("kommune")
        verbose_name_plural = _("kommuner")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Kind(models.TextChoices):
    REGION = "region", _("Region")
    MUNICIPALITY = "municipality", _("Kommune")
    HOSPITAL = "hospital", _("Hospital")
    UNIVERSITY = "university", _("Universitet")
    UNIVERSITY_COLLEGE = "university_college", _("Professionshøjskole")
    GTS_INSTITUTE = "gts_institute", _("GTS-institut")
    RESEARCH_INSTITUTE = "research_institute", _("Forskningsinstitution")
    NATIONAL_AUTHORITY = "national_authority", _("National myndighed")
    COMPANY = "company", _("Virksomhed")
    CIVIL_SOCIETY = "civil_society", _("Civilsamfundsorganisation")
    FOUNDATION = "foundation", _("Fond")
    BUSINESS_ASSOCIATION = "business_association", _("Erhvervsorganisation")
    # Speaks for its members without public authority, e.g. KL (the municipalities) and Danske
    # Regioner (the regions); set the sector when it is not civil society.
    INTEREST_ORGANISATION = "interest_organisation", _("Interesseorganisation")
    CLUSTER = "cluster", _("Klynge")
    REGIONAL_HUB = "regional_hub", _("Regional hub")
    VOLUNTEER_GROUP = "volunteer_group", _("Frivilliggruppe")
    HEALTH_COLLABORATION = "health_collaboration", _("Sundhedssamarbejde om akuthospital")
    OTHER = "other", _("Andet")


class Sector(models.TextChoices):
    PUBLIC = "public", _("Offentlig")
    MARKET = "market", _("Marked")
    CIVIL_SOCIETY = "civil_society", _("Civilsamfund")


# The sector a kind belongs to unless the record says otherwise (docs/registry.md explains).
KIND_DEFAULT_SECTOR: dict[str, str] = {
    Kind.REGION: Sector.PUBLIC,
    Kind.MUNICIPALITY: Sector.PUBLIC,
    Kind.HOSPITAL: Sector.PUBLIC,
    Kind.UNIVERSITY: Sector.PUBLIC,
    Kind.UNIVERSITY_COLLEGE: Sector.PUBLIC,
    Kind.GTS_INSTITUTE: Sector.MARKET,
    Kind.RESEARCH_INSTITUTE: Sector.PUBLIC,
    Kind.NATIONAL_AUTHORITY: Sector.PUBLIC,
    Kind.COMPANY: Sector.MARKET,
    Kind.CIVIL_SOCIETY: Sector.CIVIL_SOCIETY,
    Kind.FOUNDATION: Sector.CIVIL_SOCIETY,
    Kind.BUSINESS_ASSOCIATION: Sector.MARKET,
    Kind.INTEREST_ORGANISATION: Sector.CIVIL_SOCIETY,
    Kind.CLUSTER: Sector.MARKET,
    Kind.REGIONAL_HUB: Sector.MARKET,
    Kind.VOLUNTEER_GROUP: Sector.CIVIL_SOCIETY,
    Kind.HEALTH_COLLABORATION: Sector.PUBLIC,
    Kind.OTHER: Sector.CIVIL_SOCIETY,
}

# Kinds whose records are groupings that other organisations are members of.
GROUP_KINDS = (Kind.CLUSTER, Kind.REGIONAL_HUB, Kind.HEALTH_COLLABORATION)


class SizeBand(models.TextChoices):
    MICRO = "micro", _("Mikro (under 10 ansatte)")
    SMALL = "small", _("Lille (10–49 ansatte)")
    MEDIUM = "medium", _("Mellemstor (50–249 ansatte)")
    LARGE = "large", _("Stor (250+ ansatte)")


class Competence(models.Model):
    name = models.CharField(_("navn"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)

    class Meta:
        verbose_name = _("kompetence")
        verbose_name_plural = _("kompetencer")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrganisationQuerySet(models.QuerySet):
    def public(self) -> OrganisationQuerySet:
        """THE rule for what the public sees: verified organisations only. Records created
        from what the public sends in (offers, DCAT imports) stay staff-only until a registry
        keeper verifies or merges them (docs/decisions/0014-unverified-organisations.md).
        Every public list, count, export, search document, network and report uses this."""
        return self.filter(is_verified=True)

    def unverified(self) -> OrganisationQuerySet:
        return self.filter(is_verified=False)


class Organisation(Sourced):
    """One canonical record per real organisation."""

    key = models.SlugField(_("nøgle"), max_length=120, unique=True)
    name = models.CharField(_("navn"), max_length=200)
    name_en = models.CharField(_("engelsk navn"), max_length=200, blank=True)
    normalised_name = models.CharField(max_length=200, db_index=True, editable=False)
    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices, db_index=True)
    sector = models.CharField(_("sektor"), max_length=20, choices=Sector.choices, db_index=True)
    cvr = models.CharField(
        _("CVR-nummer"),
        max_length=8,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_cvr],
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("kommune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    website = models.URLField(_("hjemmeside"), max_length=300, blank=True)
    size_band = models.CharField(_("størrelse"), max_length=10, choices=SizeBand.choices, blank=True)
    description = models.TextField(_("beskrivelse"), blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("hører under"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="units",
    )
    is_acute_hospital = models.BooleanField(_("akuthospital"), default=False)
    is_verified = models.BooleanField(
        _("verificeret"),
        default=True,
        help_text=_("Fra kilde eller kontrolleret af redaktionen; ubekræftede oprettes af indsendere."),
    )
    verified_at = models.DateTimeField(_("verificeret den"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verificeret af"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    competences = models.ManyToManyField(
        Competence, verbose_name=_("kompetencer"), blank=True, related_name="organisations"
    )
    created = models.DateTimeField(_("oprettet"), auto_now_add=True)
    updated = models.DateTimeField(_("opdateret"), auto_now=True, db_index=True)

    history = HistoricalRecords(excluded_fields=["normalised_name", "updated"])

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(cvr=""), name="organisation_cvr_null_not_blank"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("registry:organisation-detail", kwargs={"key": self.key})

    @property
    def is_group(self) -> bool:
        return self.kind in GROUP_KINDS


class OrganisationAlias(models.Model):
    """Another name for an organisation: abbreviation, spelling variant or former name."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(_("navn"), max_length=200)
    normalised_name = models.CharField(max_length=200, db_index=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("alias")
        verbose_name_plural = _("aliaser")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="alias_unique_per_org"),
        ]

    def __str__(self) -> str:
        return self.name


class OrganisationSite(models.Model):
    """An office or department of an organisation (e.g. a cluster's offices, seed 003)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="sites")
    city = models.CharField(_("by"), max_length=100)
    municipality = models.ForeignKey(
        Municipality, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_headquarters = models.BooleanField(_("hovedkontor"), default=False)
    # What the source says beside the city, e.g. "rykker til Fredericia" (seed 003).
    note = models.CharField(_("note"), max_length=200, blank=True)
    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    source_page = models.CharField(_("side i kilden"), max_length=40, blank=True)
    source_url = models.URLField(_("kilde-URL"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("adresse/afdeling")
        verbose_name_plural = _("adresser/afdelinger")
        ordering = ["-is_headquarters", "city"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "city"], name="site_unique_city"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.city}"


class Period(models.TextChoices):
    DAY = "day", _("pr. dag")
    WEEK = "week", _("pr. uge")
    MONTH = "month", _("pr. måned")
    YEAR = "year", _("pr. år")
    TOTAL = "total", _("i alt")


class Capacity(Sourced):
    """A quantified capacity, e.g. '3.000 visirer pr. dag'."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="capacities")
    item = models.CharField(_("hvad"), max_length=200)
    quantity = models.DecimalField(_("mængde"), max_digits=14, decimal_places=2)
    unit = models.CharField(_("enhed"), max_length=50, blank=True)
    per_period = models.CharField(_("periode"), max_length=10, choices=Period.choices, default=Period.TOTAL)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kapacitet")
        verbose_name_plural = _("kapaciteter")
        ordering = ["item"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gte=0), name="capacity_quantity_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{format_quantity(self.quantity)} {self.item} {self.get_per_period_display()}"


class MembershipRole(models.TextChoices):
    MEMBER = "member", _("Medlem")
    PARTNER = "partner", _("Partner")
    OFFICE = "office", _("Kontor")
    HOST = "host", _("Vært")
    LEAD = "lead", _("Leder/ejer")
    SECRETARIAT = "secretariat", _("Sekretariat")
    FUNDER = "funder", _("Finansierer")


class Membership(Sourced):
    """An organisation's membership of a group: a cluster, a hub, an acute-hospital collaboration."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    group = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="members")
    role = models.CharField(
        _("rolle"), max_length=20, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("medlemskab")
        verbose_name_plural = _("medlemskaber")
        ordering = ["group__name", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "group", "role"], name="membership_unique"),
            models.CheckConstraint(
                condition=~models.Q(organisation=models.F("group")), name="membership_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.group} ({self.get_role_display()})"


class ContactPerson(models.Model):
    """Personal data: shown to signed-in members only (registry.permissions)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("navn"), max_length=200)
    title = models.CharField(_("stilling"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telefon"), max_length=40, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kontaktperson")
        verbose_name_plural = _("kontaktpersoner")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
