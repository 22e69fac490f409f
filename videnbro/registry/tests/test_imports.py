"""Organisation import and export through the management commands."""

import csv
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from videnbro.core.audit import SYSTEM
from videnbro.core.errors import ApplicationError, PermissionDeniedError
from videnbro.core.models import AuditLog
from videnbro.registry.exports import COLUMNS
from videnbro.registry.imports import organisations_import
from videnbro.registry.models import Organisation

HEADER = ["key", "name", "kind", "cvr", "municipality", "aliases"]
GOOD = ["", "Zeta Import ApS", "company", "10007127", "461", "ZI | Zeta"]
BAD_CVR = ["", "Zeta Bad CVR", "company", "12345678", "", ""]
BAD_KIND = ["", "Zeta Bad Kind", "spaceship", "", "", ""]


def write_csv(path, rows, header=HEADER, delimiter=","):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def run(*args):
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def state():
    return (Organisation.objects.count(), AuditLog.objects.count(), Organisation.history.count())


CSV_SNIFFER_BUG = pytest.mark.regression  # was a strict xfail; the bug is fixed


@pytest.mark.parametrize("fmt", [pytest.param("csv", marks=CSV_SNIFFER_BUG), "xlsx"])
def test_it_round_trips_an_export_unchanged(seeded, tmp_path, fmt):
    path = tmp_path / f"organisations.{fmt}"
    run("export", "organisations", "--format", fmt, "-o", str(path))
    before = state()
    out, err = run("import", "organisations", str(path), "--dry-run")
    total = Organisation.objects.count()
    assert err == ""
    assert out.strip() == (f"Dry run, nothing written: created 0, updated 0, unchanged {total}, bad rows 0")
    assert state() == before


@pytest.mark.parametrize("fmt", [pytest.param("csv", marks=CSV_SNIFFER_BUG), "xlsx"])
def test_it_imports_an_export_for_real_without_changes(seeded, tmp_path, fmt):
    path = tmp_path / f"organisations.{fmt}"
    run("export", "organisations", "--format", fmt, "-o", str(path))
    before = Organisation.history.count()
    out, _err = run("import", "organisations", str(path))
    assert "created 0, updated 0" in out
    assert Organisation.history.count() == before


def test_it_exports_every_organisation_in_the_import_columns(seeded, tmp_path):
    csv_path, xlsx_path = tmp_path / "o.csv", tmp_path / "o.xlsx"
    json_path = tmp_path / "o.json"
    for fmt, path in (("csv", csv_path), ("xlsx", xlsx_path), ("json", json_path)):
        run("export", "organisations", "--format", fmt, "-o", str(path))
    raw = csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "a BOM so Excel reads æøå"
    rows = list(csv.DictReader(StringIO(raw.decode("utf-8-sig"))))
    assert list(rows[0]) == COLUMNS
    assert len(rows) == Organisation.objects.count()
    by_key = {row["key"]: row for row in rows}
    assert by_key["koebenhavns-universitet"]["name"] == "Københavns Universitet"
    assert by_key["koebenhavns-universitet"]["municipality"] == "101"
    assert "KU" in by_key["koebenhavns-universitet"]["aliases"].split(" | ")
    assert by_key["copenhagen-capacity"]["cvr"] == "17538896"
    assert by_key["bispebjerg-hospital"]["is_acute_hospital"] == "yes"

    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert data == rows  # JSON carries exactly the CSV rows

    workbook = load_workbook(xlsx_path, read_only=True)
    values = list(workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    assert list(values[0]) == COLUMNS
    assert len(values) - 1 == len(rows)


def test_it_reports_every_bad_row_and_writes_nothing(seeded, tmp_path):
    path = write_csv(tmp_path / "bad.csv", [GOOD, BAD_CVR, BAD_KIND])
    before = state()
    err = StringIO()
    with pytest.raises(CommandError) as info:
        call_command("import", "organisations", str(path), stdout=StringIO(), stderr=err)
    assert "Nothing imported: 2 bad row(s)" in str(info.value)
    lines = err.getvalue().splitlines()
    assert lines == [
        "row 3: cvr: 12345678 er ikke et gyldigt CVR-nummer (kontrolcifferet passer ikke).",
        'row 4: kind: "spaceship" er ikke et gyldigt valg.',
    ]
    assert state() == before
    assert not Organisation.objects.filter(name="Zeta Import ApS").exists()


def test_it_imports_the_good_rows_with_skip_invalid(seeded, tmp_path):
    path = write_csv(tmp_path / "bad.csv", [GOOD, BAD_CVR, BAD_KIND])
    before = Organisation.objects.count()
    out, err = run("import", "organisations", str(path), "--skip-invalid")
    assert "row 3" in err and "row 4" in err
    assert "created 1" in out and "bad rows 2" in out
    assert Organisation.objects.count() == before + 1
    created = Organisation.objects.get(name="Zeta Import ApS")
    assert (created.cvr, created.region.slug, created.sector) == ("10007127", "syddanmark", "market")
    assert sorted(created.aliases.values_list("name", flat=True)) == ["ZI", "Zeta"]
    assert AuditLog.objects.filter(action="registry.organisations.imported").count() == 1


def test_it_writes_nothing_on_a_dry_run(seeded, tmp_path):
    path = write_csv(tmp_path / "good.csv", [GOOD])
    before = state()
    out, _err = run("import", "organisations", str(path), "--dry-run")
    assert "Dry run, nothing written: created 1" in out
    assert state() == before


@CSV_SNIFFER_BUG
def test_it_reads_quotes_in_values_after_the_first_4096_characters(seeded, tmp_path):
    filler = [["", f"Zeta Filler {n}", "company", "", "", ""] for n in range(200)]
    quoted = ["", "Zeta Quoted", "company", "", "", 'Han sagde "hej"']
    path = write_csv(tmp_path / "quoted.csv", [*filler, quoted])
    assert path.read_text(encoding="utf-8").index('""hej""') > 4096
    run("import", "organisations", str(path))
    assert list(Organisation.objects.get(name="Zeta Quoted").aliases.values_list("name", flat=True)) == [
        'Han sagde "hej"'
    ]


@CSV_SNIFFER_BUG
def test_it_reads_quotes_in_values(seeded, tmp_path):
    path = write_csv(tmp_path / "quoted.csv", [["", "Zeta Quoted", "company", "", "", 'Han sagde "hej"']])
    run("import", "organisations", str(path))
    assert list(Organisation.objects.get(name="Zeta Quoted").aliases.values_list("name", flat=True)) == [
        'Han sagde "hej"'
    ]


def test_it_reads_semicolon_separated_csv(seeded, tmp_path):
    path = write_csv(tmp_path / "excel.csv", [GOOD], delimiter=";")
    out, _err = run("import", "organisations", str(path))
    assert "created 1" in out
    assert Organisation.objects.filter(name="Zeta Import ApS").exists()


def test_it_imports_an_xlsx_sheet(seeded, tmp_path):
    workbook = Workbook()
    workbook.active.append(HEADER)
    workbook.active.append(GOOD)
    path = tmp_path / "new.xlsx"
    workbook.save(path)
    out, _err = run("import", "organisations", str(path))
    assert "created 1" in out
    assert Organisation.objects.get(name="Zeta Import ApS").cvr == "10007127"


def test_it_updates_an_existing_organisation_by_key(seeded, tmp_path):
    path = write_csv(tmp_path / "update.csv", [["grundfos", "", "", "", "", ""]], header=HEADER)
    # Only the columns that are filled in change anything: an empty row is a no-op.
    out, _err = run("import", "organisations", str(path))
    assert "updated 0, unchanged 1" in out
    path = write_csv(tmp_path / "update2.csv", [["grundfos", "Pumper"]], header=["key", "description"])
    out, _err = run("import", "organisations", str(path))
    assert "updated 1" in out
    assert Organisation.objects.get(key="grundfos").description == "Pumper"


def test_it_reports_a_duplicate_within_the_same_file(seeded, tmp_path):
    path = write_csv(tmp_path / "dup.csv", [GOOD, ["", "Zeta Import", "company", "", "", ""]])
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import", "organisations", str(path), stdout=StringIO(), stderr=err)
    assert err.getvalue().startswith("row 3: name: Zeta Import ApS findes allerede")
    assert not Organisation.objects.filter(name__startswith="Zeta Import").exists()


def test_it_refuses_an_unsupported_or_missing_file(seeded, tmp_path):
    path = tmp_path / "o.json"
    path.write_text("[]")
    with pytest.raises(CommandError, match="Use a .csv or .xlsx file."):
        run("import", "organisations", str(path))
    with pytest.raises(CommandError, match="No such file"):
        run("import", "organisations", str(tmp_path / "missing.csv"))


def test_it_refuses_imports_by_users_without_the_right(seeded, tmp_path, grundfos_member):
    path = write_csv(tmp_path / "good.csv", [GOOD])
    with pytest.raises(PermissionDeniedError):
        organisations_import(actor=grundfos_member, path=path)
    report = organisations_import(actor=SYSTEM, path=path, dry_run=True)
    assert report.ok and report.created == 1


def test_it_rejects_an_unknown_file_type_in_the_service(seeded, tmp_path):
    path = tmp_path / "o.txt"
    path.write_text("key,name\n")
    with pytest.raises(ApplicationError):
        organisations_import(actor=SYSTEM, path=path)
