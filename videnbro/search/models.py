"""The search index: one row per searchable record, kept current inside the writing transaction."""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DocType(models.TextChoices):
    ORGANISATION = "organisation", _("Organisation")
    PARTNERSHIP = "partnership", _("Partnerskab")
    CAPACITY = "capacity", _("Kapacitet")
    # "Datasæt" alone is the plural column heading of the data map ("Datasets").
    DATASET = "dataset", pgettext_lazy("search result type", "Datasæt")


class SearchDocument(models.Model):
    doc_type = models.CharField(max_length=20, choices=DocType.choices, db_index=True)
    object_id = models.BigIntegerField()
    title = models.CharField(max_length=300)
    aliases = models.TextField(blank=True)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300)
    owner = models.CharField(
        max_length=60,
        blank=True,
        db_index=True,
        help_text="The record whose reindex replaces this one, e.g. organisation:5.",
    )
    title_terms = models.TextField(blank=True)
    body_terms = models.TextField(blank=True)
    exact_keys = models.TextField(
        blank=True, help_text="Folded name and aliases, '|'-separated, for exact-match ranking."
    )
    focus_area = models.CharField(max_length=30, blank=True, db_index=True)
    region = models.CharField(max_length=30, blank=True, db_index=True)
    sector = models.CharField(max_length=20, blank=True, db_index=True)
    kind = models.CharField(max_length=30, blank=True)
    # Dataset facets. Themes and coding systems are multi-valued: stored '|'-delimited with a
    # leading and trailing '|' ("|births|cancer|"), so one value is matched as a substring on
    # SQLite and PostgreSQL alike and a GROUP BY row splits back into its values.
    custodian = models.CharField(
        max_length=120, blank=True, db_index=True, help_text="The custodian organisation's key."
    )
    themes = models.TextField(blank=True, help_text="'|births|cancer|'")
    coding_systems = models.TextField(blank=True, help_text="'|ICD-10|SKS|'")
    access_route = models.CharField(max_length=60, blank=True, db_index=True)
    personal_data = models.CharField(max_length=3, blank=True, help_text="'yes', 'no' or ''.")
    is_synthetic = models.BooleanField(default=False)
    updated = models.DateTimeField(auto_now=True, db_index=True)
    # PostgreSQL only: the tsvector the full-text query runs against (NULL on SQLite).
    search_vector = SearchVectorField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["doc_type", "object_id"], name="search_doc_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.doc_type}:{self.object_id} {self.title}"
