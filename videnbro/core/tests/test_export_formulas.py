"""No export can carry a spreadsheet formula (issue 12, finding 3).

Every export – each URL or command that hands out a CSV, HXL or XLSX file – is fetched with a
formula planted in a name and in a free-text field, and every cell of the file is checked: no
XLSX formula cell, no text starting with = + - @ (or a tab, a carriage return, blanks before
an '=', their full-width forms) unless neutralised with a leading apostrophe.

The list of exports is checked against the URL configuration and the management commands, so
a new export without a case here fails `test_every_export_is_tested`; and no module outside
`core/tabular.py` may build a workbook or a CSV writer of its own."""

from __future__ import annotations

import ast
import csv
import functools
import inspect
import io
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.management import call_command, get_commands, load_command_class
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from openpyxl import load_workbook

from videnbro.broker.models import AccessRequest
from videnbro.crisis.models import Incident
from videnbro.partnerships.models import Partnership
from videnbro.registry.models import Organisation

PAYLOAD = '=HYPERLINK("http://evil","x")'
# Free-text variants a spreadsheet program also reads as formulas.
VARIANTS = ["@SUM(A1:A9)", "+cmd|' /C calc'!A0", " =1+2", "\t=1+2", "\uff1d1+2", "-2+3"]

ROOT = Path(__file__).resolve().parents[2]  # the videnbro package

# Every export: entry point (URL name or "command:<name>") → the spreadsheet formats it gives.
EXPORTS: dict[str, list[str]] = {
    "crisis:evaluation_download": ["xlsx"],
    "crisis:need_export": ["csv", "xlsx", "hxl.csv"],
    "crisis:offer_export": ["csv", "xlsx", "hxl.csv"],
    "api:need-export": ["csv", "xlsx", "hxl"],
    "api:offer-export": ["csv", "xlsx", "hxl"],
    "registry:organisation-export": ["csv", "xlsx"],
    "partnerships:partnership-export": ["csv", "xlsx"],
    "broker:register": ["csv", "xlsx"],
    "command:export": ["csv", "xlsx"],
}
CASES = [(entry, fmt) for entry, formats in EXPORTS.items() for fmt in formats]

# How an export shows itself: its URL (name or route) says so, or its code calls a table
# writer – core.tabular's, or a function in the project that calls one (found in the code).
EXPORT_ROUTE = re.compile(r"export|eksport|xlsx|csv|hxl|evaluering\.", re.IGNORECASE)
# Building a spreadsheet or CSV anywhere but core/tabular.py.
OWN_WRITER = re.compile(
    r"\bWorkbook\s*\(|\bcsv\.(writer|DictWriter)\b|\bxlsxwriter\b|"
    r"\.to_(csv|excel)\s*\(|\bodf\.opendocument\b|\bpyexcel"
)


# ---------------------------------------------------------------------------------------------
# Reading the files


SIGNS = "=+-@\uff1d\uff0b\uff0d\uff20\u2212\ufe62\ufe63\ufe66"
NUMBER = re.compile(r"[+\-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+\-]?\d+)?")


def is_live_formula(text: str) -> bool:
    """Text a spreadsheet program would evaluate (independent of the writer's own check)."""
    if not text:
        return False
    if text[0] in "\t\r\n":
        return True
    start = text.lstrip().lstrip("\u200b\u200c\u200d\u2060\ufeff").lstrip()
    return start[:1] in SIGNS and not NUMBER.fullmatch(start)


def cells(content: bytes, fmt: str) -> list[tuple[str, object, str]]:
    """(where, value, openpyxl data type or "csv") for every non-empty cell of the file."""
    if fmt == "xlsx":
        book = load_workbook(io.BytesIO(content))
        return [
            (f"{sheet.title}!{cell.coordinate}", cell.value, cell.data_type)
            for sheet in book.worksheets
            for row in sheet.iter_rows()
            for cell in row
            if cell.value is not None
        ]
    text = content.decode("utf-8-sig")
    return [
        (f"row {r + 1} col {c + 1}", value, "csv")
        for r, row in enumerate(csv.reader(io.StringIO(text)))
        for c, value in enumerate(row)
        if value != ""
    ]


def formulas(content: bytes, fmt: str) -> list[tuple[str, object, str]]:
    return [
        (where, value, kind)
        for where, value, kind in cells(content, fmt)
        if kind == "f" or (isinstance(value, str) and is_live_formula(value))
    ]


# ---------------------------------------------------------------------------------------------
# The planted data and how each export is fetched


@pytest.fixture
def planted(incident, need, submit, run_tasks, rh_staff, make_request, org):
    """The payload in an incident's title, an anonymous offerer's name, an organisation's
    name, a partnership's title and an approved access request's project title; the variants
    in free-text fields next to them."""
    Incident.objects.filter(pk=incident.pk).update(title=PAYLOAD)
    need.title = VARIANTS[0]
    need.save(update_fields=["title"])
    offer = submit(for_need=need, offerer_name=PAYLOAD, title=VARIANTS[1], unit=VARIANTS[4])
    run_tasks()
    offer.refresh_from_db()
    Organisation.objects.filter(pk=org("grundfos").pk).update(name=PAYLOAD, description=VARIANTS[3])
    Partnership.objects.filter(cbs_number=62).update(title=PAYLOAD, description=VARIANTS[2])
    access = make_request(AccessRequest.Status.ACTIVE, project_title=PAYLOAD, purpose=VARIANTS[5])
    return SimpleNamespace(incident=incident, need=need, offer=offer, rh_staff=rh_staff, access=access)


def _get(client, url: str, params: dict | None = None) -> bytes:
    response = client.get(url, params or {})
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    return response.content


def _staff_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _api_as(user):
    from rest_framework.test import APIClient

    from videnbro.accounts.services import token_create

    _token, raw = token_create(actor=user, user=user, name="formula-test")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def _command(fmt: str, tmp_path: Path) -> bytes:
    target = tmp_path / f"organisations.{fmt}"
    call_command("export", "organisations", "--format", fmt, "--output", str(target), stderr=io.StringIO())
    return target.read_bytes()


FETCH = {
    "crisis:evaluation_download": lambda ctx, fmt, _tmp: _get(
        Client(), reverse("crisis:evaluation_download", kwargs={"key": ctx.incident.key, "fmt": fmt})
    ),
    "crisis:need_export": lambda ctx, fmt, _tmp: _get(
        Client(), reverse("crisis:need_export", kwargs={"fmt": fmt})
    ),
    "crisis:offer_export": lambda ctx, fmt, _tmp: _get(
        _staff_client(ctx.rh_staff), reverse("crisis:offer_export", kwargs={"fmt": fmt})
    ),
    "api:need-export": lambda ctx, fmt, _tmp: _get(Client(), reverse("api:need-export"), {"as": fmt}),
    "api:offer-export": lambda ctx, fmt, _tmp: _get(
        _api_as(ctx.rh_staff), reverse("api:offer-export"), {"as": fmt}
    ),
    "registry:organisation-export": lambda ctx, fmt, _tmp: _get(
        Client(), reverse("registry:organisation-export", kwargs={"fmt": fmt})
    ),
    "partnerships:partnership-export": lambda ctx, fmt, _tmp: _get(
        Client(), reverse("partnerships:partnership-export", kwargs={"fmt": fmt})
    ),
    "broker:register": lambda ctx, fmt, _tmp: _get(Client(), reverse("broker:register"), {"format": fmt}),
    "command:export": lambda ctx, fmt, tmp: _command(fmt, tmp),
}


# ---------------------------------------------------------------------------------------------
# The tests


@pytest.mark.regression
@pytest.mark.parametrize(("entry", "fmt"), CASES, ids=[f"{e}-{f}" for e, f in CASES])
def test_it_no_export_holds_a_formula(planted, entry, fmt, tmp_path):
    content = FETCH[entry](planted, fmt, tmp_path)
    kind = "xlsx" if fmt == "xlsx" else "csv"
    assert formulas(content, kind) == []
    values = [value for _where, value, _kind in cells(content, kind)]
    # The payload is in the file – as text, behind an apostrophe – so the check above saw it.
    assert "'" + PAYLOAD in values, values[:40]


@pytest.mark.regression
def test_it_an_anonymous_offerer_named_like_a_formula_is_text_in_the_evaluation_workbook(
    incident,
    need,
    submit,
    run_tasks,
):
    """The issue's case: an anonymous offer from '=HYPERLINK("http://evil","x")' made the
    public evaluation workbook hold a live HYPERLINK formula."""
    submit(for_need=need, offerer_name=PAYLOAD)
    run_tasks()
    content = _get(
        Client(), reverse("crisis:evaluation_download", kwargs={"key": incident.key, "fmt": "xlsx"})
    )
    book = load_workbook(io.BytesIO(content))
    found = [
        (sheet.title, cell.coordinate, cell.data_type, cell.value)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and "HYPERLINK" in cell.value
    ]
    assert all(data_type == "s" and not value.startswith("=") for _s, _c, data_type, value in found), found
    assert formulas(content, "xlsx") == []


def _url_entries() -> set[str]:
    found = set()

    def walk(patterns, route="", namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, route + str(pattern.pattern), inner)
            else:
                yield route + str(pattern.pattern), namespace + (pattern.name or ""), pattern

    for route, name, pattern in walk(get_resolver().url_patterns):
        callback = pattern.callback
        if route.startswith("admin/"):
            continue
        if hasattr(callback, "cls") and getattr(callback, "actions", None):  # a viewset
            code = "".join(
                inspect.getsource(getattr(callback.cls, action)) for action in set(callback.actions.values())
            )
        elif hasattr(callback, "view_class"):
            code = inspect.getsource(callback.view_class)
        else:
            callback = inspect.unwrap(callback)
            code = inspect.getsource(callback)
        if not (getattr(callback, "__module__", "") or "").startswith("videnbro."):
            continue
        if (
            EXPORT_ROUTE.search(name)
            or EXPORT_ROUTE.search(route.replace("format", ""))
            or writer_call().search(code)
        ):
            found.add(name)
    return found


@functools.cache
def writer_call() -> re.Pattern:
    """A call of a table writer or of a module-level project function that (in turn) calls
    one – `export_offers`, `render_xlsx` … (views and API modules are what is looked for, so
    they do not count as writers)."""
    calls: dict[str, set[str]] = {}
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts or path.name in ("views.py", "api.py"):
            continue
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef):
                calls.setdefault(node.name, set()).update(
                    call.func.id if isinstance(call.func, ast.Name) else call.func.attr
                    for call in ast.walk(node)
                    if isinstance(call, ast.Call) and isinstance(call.func, ast.Name | ast.Attribute)
                )
    writers = {"write_table", "write_workbook"}
    while more := {name for name, called in calls.items() if called & writers} - writers:
        writers |= more
    names = "|".join(sorted(map(re.escape, writers)))
    return re.compile(rf"\b({names})\s*\(")


def _command_entries() -> set[str]:
    found = set()
    for name, app in get_commands().items():
        if not app.startswith("videnbro."):
            continue
        source = inspect.getsource(type(load_command_class(app, name)))
        if writer_call().search(source):
            found.add(f"command:{name}")
    return found


def test_it_every_export_is_tested():
    """A new export URL or command (named like one, or calling a table writer) needs a case
    in EXPORTS."""
    assert _url_entries() | _command_entries() == set(EXPORTS)


def test_it_no_module_writes_a_spreadsheet_but_the_safe_writer():
    own = []
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if "/tests/" in f"/{relative}" or "/migrations/" in relative or relative == "core/tabular.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if OWN_WRITER.search(line):
                own.append(f"{relative}:{number}: {line.strip()}")
    assert own == [], "write spreadsheets and CSV through videnbro.core.tabular"
