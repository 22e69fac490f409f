"""The shared table writer: formulas neutralised, control characters that XLSX cannot hold
dropped instead of failing the whole export."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from videnbro.core.tabular import write_table

ROWS = [{"a": "=HYPERLINK(\"http://x\")", "b": "tab\tand\x0bvertical\x00nul"}]


def test_xlsx_keeps_text_drops_control_characters_and_neutralises_formulas():
    content, _type = write_table(ROWS, ["a", "b"], "xlsx", sheet_title="t")
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet["A2"].value == "'=HYPERLINK(\"http://x\")"
    assert sheet["B2"].value == "tab\tandverticalnul"


@pytest.mark.parametrize("fmt", ["csv", "hxl"])
def test_csv_neutralises_formulas(fmt):
    content, _type = write_table(ROWS, ["a", "b"], fmt, sheet_title="t",
                                 hxl_tags=["#x", "#y"] if fmt == "hxl" else None)
    assert "'=HYPERLINK" in content.decode("utf-8-sig")
