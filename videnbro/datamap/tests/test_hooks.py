"""The data map's seams: higher apps add sections to the dataset page through
`dataset_page_sections`, and `videnbro import` runs importers registered with the registry
(the data map's DCAT importer among them)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from videnbro.datamap.cli import import_dcat
from videnbro.datamap.models import Dataset
from videnbro.datamap.signals import dataset_page_sections
from videnbro.registry import importers

pytestmark = pytest.mark.django_db


@pytest.fixture
def section_templates(tmp_path, settings):
    (tmp_path / "probe").mkdir()
    (tmp_path / "probe" / "section.html").write_text(
        '<section data-testid="probe-{{ name }}">{{ name }}: {{ key }}</section>', encoding="utf-8"
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0].get("DIRS", [])]}
    ]


@pytest.fixture
def connect():
    """`connect(receiver)` – connected for this test only."""
    connected = []

    def add(receiver):
        dataset_page_sections.connect(receiver, sender=Dataset, weak=False)
        connected.append(receiver)

    yield add
    for receiver in connected:
        dataset_page_sections.disconnect(receiver, sender=Dataset)


def test_it_shows_the_sections_receivers_add_to_the_dataset_page_in_their_order(
    client, seeded, section_templates, connect
):
    seen = []

    def late(sender, dataset, request, **kwargs):
        seen.append((dataset.key, request.path))
        return {
            "template": "probe/section.html",
            "context": {"name": "late", "key": dataset.key},
            "order": 20,
        }

    def early(sender, dataset, request, **kwargs):
        return {
            "template": "probe/section.html",
            "context": {"name": "early", "key": dataset.key},
            "order": 10,
        }

    def nothing(sender, dataset, request, **kwargs):
        return None

    for receiver in (late, nothing, early):
        connect(receiver)
    response = client.get("/datalandkort/landspatientregisteret/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "early: landspatientregisteret" in html and "late: landspatientregisteret" in html
    assert html.index('data-testid="probe-early"') < html.index('data-testid="probe-late"')
    assert seen == [("landspatientregisteret", "/datalandkort/landspatientregisteret/")]


def test_it_shows_no_section_without_receivers(client, seeded):
    response = client.get("/datalandkort/landspatientregisteret/")
    assert response.status_code == 200 and "probe-" not in response.content.decode()


def test_it_registers_the_dcat_importer_when_the_app_is_ready():
    dcat = importers.importers()["dcat"]
    assert dcat.handler is import_dcat and dcat.urls and "xml" in dcat.formats


def test_it_dispatches_videnbro_import_to_a_registered_importer(monkeypatch):
    monkeypatch.setattr(importers, "_importers", dict(importers._importers))
    calls = []

    def probe(source, *, dry_run, fmt, stdout, stderr, style):
        calls.append((source, dry_run, fmt))
        stdout.write("probe ran")

    importers.register_importer("probe", probe, help="`import probe FILE` is a test.", formats=("csv",))
    out = StringIO()
    call_command("import", "probe", "some.csv", "--dry-run", "--format", "csv", stdout=out)
    assert calls == [("some.csv", True, "csv")] and "probe ran" in out.getvalue()
    importers.register_importer("probe", probe)  # the same handler again is harmless
    with pytest.raises(ValueError, match="already registered"):
        importers.register_importer("probe", lambda *a, **k: None)
    with pytest.raises(ValueError, match="built in"):
        importers.register_importer("organisations", probe)


def test_it_refuses_an_importer_nobody_registered():
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("import", "nothing-here", "file.csv", stdout=StringIO(), stderr=StringIO())
