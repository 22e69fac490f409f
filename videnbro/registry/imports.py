"""Organisation import from CSV or XLSX: all rows valid, or nothing is written.

Each row is parsed by the API's input serializer and written by the same services as the
web and API, so the rules are identical everywhere. Rows with a `key` that exists update that
organisation; other rows create one.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from openpyxl import load_workbook

from videnbro.core.audit import audit_log, is_system
from videnbro.core.errors import ApplicationError, PermissionDeniedError

from . import permissions, services
from .models import Organisation
from .serializers import OrganisationInputSerializer

if TYPE_CHECKING:
    from videnbro.accounts.types import Actor

MAX_ROWS = 50_000


@dataclass
class RowError:
    row: int
    errors: dict[str, list[str]]

    def __str__(self) -> str:
        parts = "; ".join(f"{f}: {' '.join(m)}" for f, m in self.errors.items())
        return f"row {self.row}: {parts}"


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def read_rows(path: Path) -> list[dict[str, Any]]:
    """Rows as dicts; row numbers count the header as row 1, as a spreadsheet does."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        text = path.read_bytes().decode("utf-8-sig")
        # Only the delimiter is sniffed (Excel in Danish writes ';'); quoting stays standard,
        # since the sniffer's guesses about doubled quotes corrupt values.
        delimiter = ","
        if text.strip():
            try:
                delimiter = csv.Sniffer().sniff(text[:4096], delimiters=",;\t").delimiter
            except csv.Error:
                delimiter = ","
        return list(csv.DictReader(io.StringIO(text), delimiter=delimiter))
    if suffix in {".xlsx", ".xlsm"}:
        workbook = load_workbook(path, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        values = list(sheet.iter_rows(values_only=True))
        workbook.close()
        if not values:
            return []
        header = [str(h).strip() if h is not None else "" for h in values[0]]
        return [
            {h: ("" if v is None else str(v).strip()) for h, v in zip(header, row, strict=False) if h}
            for row in values[1:]
            if any(v not in (None, "") for v in row)
        ]
    raise ApplicationError("Unsupported file type.", errors={"file": ["Use a .csv or .xlsx file."]})


def _clean_row(raw: dict[str, Any]) -> dict[str, Any]:
    row = {(k or "").strip(): (v.strip() if isinstance(v, str) else v) for k, v in raw.items()}
    data = {k: v for k, v in row.items() if v not in (None, "") and k != "key"}
    if "is_acute_hospital" in data:
        data["is_acute_hospital"] = str(data["is_acute_hospital"]).lower() in {"yes", "ja", "1", "true", "x"}
    data.pop("region", None) if data.get("municipality") else None
    return data


def organisations_import(
    *, actor: Actor, path: Path, skip_invalid: bool = False, dry_run: bool = False
) -> ImportReport:
    if not is_system(actor) and not permissions.can_import_organisations(actor):
        raise PermissionDeniedError("Du har ikke ret til at importere organisationer.")
    rows = read_rows(path)
    if len(rows) > MAX_ROWS:
        raise ApplicationError("Too many rows.", errors={"file": [f"At most {MAX_ROWS} rows per import."]})
    report = ImportReport()
    with transaction.atomic():
        for number, raw in enumerate(rows, start=2):
            key = (raw.get("key") or "").strip()
            existing = Organisation.objects.filter(key=key).first() if key else None
            serializer = OrganisationInputSerializer(data=_clean_row(raw), partial=existing is not None)
            if not serializer.is_valid():
                report.errors.append(
                    RowError(number, {f: [str(m) for m in msgs] for f, msgs in serializer.errors.items()})
                )
                continue
            try:
                with transaction.atomic():  # a savepoint: a bad row leaves nothing behind
                    if existing is None:
                        services.organisation_create(
                            actor=actor, key=key or None, **serializer.validated_data
                        )
                        report.created += 1
                    else:
                        _org, changed = services.organisation_update(
                            actor=actor, organisation=existing, **serializer.validated_data
                        )
                        report.updated += bool(changed)
                        report.unchanged += not changed
            except ValidationError as exc:
                report.errors.append(RowError(number, exc.message_dict))
            except ApplicationError as exc:
                report.errors.append(RowError(number, exc.errors))
        if report.errors and skip_invalid:
            report.skipped = len(report.errors)
        if (report.errors and not skip_invalid) or dry_run:
            transaction.set_rollback(True)
            return report
        audit_log(
            actor=actor,
            action="registry.organisations.imported",
            data={
                "file": path.name,
                "created": report.created,
                "updated": report.updated,
                "skipped": report.skipped,
            },
        )
    return report
