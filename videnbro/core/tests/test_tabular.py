"""The shared table writer: formulas neutralised, control characters that XLSX cannot hold
dropped instead of failing the whole export."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from videnbro.core.tabular import Sheet, write_table, write_workbook

ROWS = [{"a": '=HYPERLINK("http://x")', "b": "tab\tand\x0bvertical\x00nul"}]


def test_it_xlsx_keeps_text_drops_control_characters_and_neutralises_formulas():
    content, _type = write_table(ROWS, ["a", "b"], "xlsx", sheet_title="t")
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet["A2"].value == '\'=HYPERLINK("http://x")'
    assert sheet["B2"].value == "tab\tandverticalnul"


@pytest.mark.parametrize("fmt", ["csv", "hxl"])
def test_it_csv_neutralises_formulas(fmt):
    content, _type = write_table(
        ROWS, ["a", "b"], fmt, sheet_title="t", hxl_tags=["#x", "#y"] if fmt == "hxl" else None
    )
    assert "'=HYPERLINK" in content.decode("utf-8-sig")


# Blanks before the sign and the full-width signs were let through (issue 12, finding 3).
NEW_FORMS = [" =1+1", "\u00a0=1", "\u3000=1", "\u200b=1", "\uff1d1+1", "\uff0b1", "\uff20SUM(A1)", "\n=1"]
FORMULA_TEXTS = [
    "=1+1",
    "+1+1",
    "-1+1",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    "-",
    "=",
    '=HYPERLINK("http://evil","x")',
] + [pytest.param(text, marks=pytest.mark.regression) for text in NEW_FORMS]
PLAIN_TEXTS = ["", "Grundfos", "1+1", "'=1", "a=b", "-5", "+45", "-3,5", "-1.5e3", " -7", "#org+name"]


@pytest.mark.parametrize("text", FORMULA_TEXTS)
def test_it_neutralises_every_formula_form(text):
    for fmt in ("csv", "xlsx"):
        content, _type = write_table([{"a": text}], ["a"], fmt, sheet_title="t")
        if fmt == "csv":
            value = content.decode("utf-8-sig").splitlines()[1].strip('"')
            assert value.startswith("'")
        else:
            cell = load_workbook(io.BytesIO(content)).active["A2"]
            assert cell.data_type == "s" and cell.value.startswith("'")


@pytest.mark.parametrize("text", PLAIN_TEXTS)
def test_it_leaves_plain_text_and_numbers_written_as_text_alone(text):
    content, _type = write_table([{"a": text}], ["a"], "xlsx", sheet_title="t")
    assert load_workbook(io.BytesIO(content)).active["A2"].value == (text or None)


def test_it_numbers_and_negative_numbers_stay_numbers():
    rows = [{"n": -5, "f": -2.5, "d": Decimal("-1.25"), "b": True}]
    content, _type = write_table(rows, ["n", "f", "d", "b"], "xlsx", sheet_title="t")
    sheet = load_workbook(io.BytesIO(content)).active
    assert [(c.value, c.data_type) for c in sheet[2]] == [(-5, "n"), (-2.5, "n"), (-1.25, "n"), (True, "b")]
    content, _type = write_table(rows, ["n", "f", "d", "b"], "csv", sheet_title="t")
    assert content.decode("utf-8-sig").splitlines()[1] == "-5,-2.5,-1.25,True"


def test_it_a_workbook_of_several_sheets_is_written_safely():
    content = write_workbook(
        [
            Sheet("Nøgletal", [("Hændelse", "=1+1"), ("Tilbud", 3)]),
            Sheet("Organisationer", [("@SUM(A1)", 2, -1)], header=("Navn", "Tilbud", "Saldo")),
        ]
    )
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Nøgletal", "Organisationer"]
    assert [c.value for c in book["Nøgletal"]["B"]] == ["'=1+1", 3]
    assert [c.value for c in book["Organisationer"][2]] == ["'@SUM(A1)", 2, -1]
    assert book["Organisationer"].freeze_panes == "A2"
