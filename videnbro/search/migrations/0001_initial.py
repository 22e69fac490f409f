import django.contrib.postgres.search
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models


def create_backend_structures(apps, schema_editor):
    """SQLite: an FTS5 table (rowid = SearchDocument.id). PostgreSQL: GIN indexes."""
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(
            "CREATE VIRTUAL TABLE search_fts USING fts5("
            "title_terms, body_terms, tokenize='unicode61 remove_diacritics 0')"
        )
    elif vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX search_document_vector_idx ON search_searchdocument "
            "USING GIN (search_vector)"
        )
        schema_editor.execute(
            "CREATE INDEX search_document_title_trgm_idx ON search_searchdocument "
            "USING GIN (title gin_trgm_ops)"
        )


def drop_backend_structures(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS search_fts")
    elif vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS search_document_vector_idx")
        schema_editor.execute("DROP INDEX IF EXISTS search_document_title_trgm_idx")


class Migration(migrations.Migration):
    initial = True
    dependencies: list = []

    operations = [
        TrigramExtension(),
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("doc_type", models.CharField(choices=[("organisation", "Organisation"),
                                                       ("partnership", "Partnerskab"),
                                                       ("capacity", "Kapacitet")],
                                              db_index=True, max_length=20)),
                ("object_id", models.BigIntegerField()),
                ("title", models.CharField(max_length=300)),
                ("aliases", models.TextField(blank=True)),
                ("body", models.TextField(blank=True)),
                ("url", models.CharField(max_length=300)),
                ("owner", models.CharField(blank=True, db_index=True, max_length=60, help_text="The record whose reindex replaces this one, e.g. organisation:5.")),
                ("title_terms", models.TextField(blank=True)),
                ("body_terms", models.TextField(blank=True)),
                ("exact_keys", models.TextField(blank=True, help_text="Folded name and aliases, '|'-separated, for exact-match ranking.")),
                ("focus_area", models.CharField(blank=True, db_index=True, max_length=30)),
                ("region", models.CharField(blank=True, db_index=True, max_length=30)),
                ("sector", models.CharField(blank=True, db_index=True, max_length=20)),
                ("kind", models.CharField(blank=True, max_length=30)),
                ("is_synthetic", models.BooleanField(default=False)),
                ("updated", models.DateTimeField(auto_now=True, db_index=True)),
                ("search_vector", django.contrib.postgres.search.SearchVectorField(blank=True, null=True)),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("doc_type", "object_id"),
                                                        name="search_doc_unique")],
            },
        ),
        migrations.RunPython(create_backend_structures, drop_backend_structures),
    ]
