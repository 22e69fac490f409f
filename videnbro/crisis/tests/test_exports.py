"""Exports of needs and offers: CSV (with BOM), XLSX that openpyxl opens, HXL-tagged CSV with
its hashtag row, formula neutralising, contact data only for the responsible authority, and
who may export."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from videnbro.crisis import exports
from videnbro.crisis.models import Need, Offer

NEEDS_EXPORT = "/api/v1/needs/export/"
OFFERS_EXPORT = "/api/v1/offers/export/"
HXL_ESSENTIALS = {"#org+name", "#adm1+name", "#item+name", "#capacity+num", "#status", "#meta+id"}


def rows_of(response) -> list[list[str]]:
    assert response.status_code == 200, response.content
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def as_dicts(rows: list[list[str]], skip: int = 1) -> list[dict[str, str]]:
    return [dict(zip(rows[0], row, strict=True)) for row in rows[skip:]]


@pytest.fixture
def formula_offer(need, processed, org):
    """A routed offer whose title and offerer name look like spreadsheet formulas."""
    offer = processed(
        title="=1+1",
        offerer_name="@SUM(A1:A9)",
        municipality="101",
        description="Visirer i klar plast, 3.000 om dagen.",
    )
    assert offer.routed_to == org("region-hovedstaden")
    return offer


def test_it_needs_export_as_csv_for_anyone(api, need):
    response = api.get(f"{NEEDS_EXPORT}?as=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="behov.csv"' in response["Content-Disposition"]
    assert response.content.startswith("\ufeff".encode())  # Excel keeps æ/ø/å
    rows = rows_of(response)
    assert rows[0] == [column for column, _tag in exports.NEED_COLUMNS]
    (row,) = as_dicts(rows)
    assert row["id"] == str(need.pk)
    assert row["title"] == "Visirer til akutmodtagelser"
    assert row["item"] == "Visirer"
    assert row["authority"] == "Region Hovedstaden"
    assert row["authority_id"] == "region-hovedstaden"
    assert row["region"] == "Region Hovedstaden"
    assert row["quantity"] == "5000.00"
    assert row["status"] == "open"


def test_it_needs_export_leaves_out_what_the_user_may_not_see(api, api_as, rh_staff, make_need):
    make_need(title="Offentligt behov")
    make_need(title="Kladde", publish=False)
    assert [r["title"] for r in as_dicts(rows_of(api.get(NEEDS_EXPORT)))] == ["Offentligt behov"]
    titles = {r["title"] for r in as_dicts(rows_of(api_as(rh_staff).get(NEEDS_EXPORT)))}
    assert titles == {"Offentligt behov", "Kladde"}


def test_it_needs_export_as_hxl_has_a_hashtag_row(api, need):
    response = api.get(f"{NEEDS_EXPORT}?as=hxl")
    assert 'filename="behov.hxl.csv"' in response["Content-Disposition"]
    assert not response.content.startswith("\ufeff".encode())
    rows = rows_of(response)
    header, tags = rows[0], rows[1]
    assert len(tags) == len(header)
    assert all(tag.startswith("#") for tag in tags)
    assert HXL_ESSENTIALS <= set(tags)
    assert dict(zip(header, tags, strict=True))["authority"] == "#org+name"
    assert as_dicts(rows, skip=2)[0]["id"] == str(need.pk)


def test_it_needs_export_as_xlsx_opens(api, need):
    response = api.get(f"{NEEDS_EXPORT}?as=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert list(values[0]) == [column for column, _tag in exports.NEED_COLUMNS]
    assert values[1][0] == need.pk
    assert values[1][3] == "Visirer"


def test_it_an_unknown_format_is_a_400(api, db):
    response = api.get(f"{NEEDS_EXPORT}?as=pdf")
    assert response.status_code == 400
    assert "as" in response.json()["errors"]


def test_it_offers_export_is_for_authorities(api, api_as, member, formula_offer):
    assert api.get(OFFERS_EXPORT).status_code == 403
    assert api_as(member).get(OFFERS_EXPORT).status_code == 403


def test_it_offers_export_as_hxl_neutralises_formulas(api_as, rh_staff, formula_offer):
    rows = rows_of(api_as(rh_staff).get(f"{OFFERS_EXPORT}?as=hxl"))
    header, tags = rows[0], rows[1]
    assert header == [column for column, _tag in exports.OFFER_COLUMNS]
    assert all(tag.startswith("#") for tag in tags)
    assert HXL_ESSENTIALS <= set(tags)
    (row,) = as_dicts(rows, skip=2)
    assert row["reference"] == formula_offer.reference
    assert row["title"] == "'=1+1"
    assert formula_offer.organisation.name == "@SUM(A1:A9)"
    assert row["offerer"] == "'@SUM(A1:A9)"
    assert row["region"] == "Region Hovedstaden"
    assert row["municipality"] == "København"
    assert row["item"] == "Visirer"
    assert row["quantity"] == "3000.00"
    assert row["routed_to"] == "Region Hovedstaden"
    assert row["contact_email"] == formula_offer.contact_email


def test_it_offers_export_as_xlsx_opens_and_neutralises_formulas(api_as, rh_staff, formula_offer):
    response = api_as(rh_staff).get(f"{OFFERS_EXPORT}?as=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, *rows = list(sheet.values)
    (row,) = [dict(zip(header, values, strict=True)) for values in rows]
    assert row["title"] == "'=1+1"
    assert sheet.cell(row=2, column=header.index("title") + 1).data_type == "s"
    assert row["reference"] == formula_offer.reference


def test_it_offers_export_as_csv_keeps_contact_data_for_the_routed_authority_only(
    api_as, rh_staff, sst_staff, platform_admin, need, processed
):
    routed = processed()
    unrouted = processed(
        title="Sengepladser", category="hospital_beds", description="Tyve ledige senge på klinikken."
    )
    by_reference = {
        r["reference"]: r for r in as_dicts(rows_of(api_as(rh_staff).get(f"{OFFERS_EXPORT}?as=csv")))
    }
    assert set(by_reference) == {routed.reference, unrouted.reference}
    assert by_reference[routed.reference]["contact_email"] == routed.contact_email
    assert by_reference[unrouted.reference]["contact_email"] == ""
    sst_rows = as_dicts(rows_of(api_as(sst_staff).get(OFFERS_EXPORT)))
    assert [(r["reference"], r["contact_email"]) for r in sst_rows] == [(unrouted.reference, "")]
    admin_rows = as_dicts(rows_of(api_as(platform_admin).get(OFFERS_EXPORT)))
    assert all(r["contact_email"] for r in admin_rows)


def test_it_offers_export_follows_the_inbox_filters(api_as, rh_staff, need, processed):
    first, second = processed(), processed()
    Offer.objects.filter(pk=second.pk).update(status="accepted")
    rows = as_dicts(rows_of(api_as(rh_staff).get(f"{OFFERS_EXPORT}?status=accepted")))
    assert [r["reference"] for r in rows] == [second.reference]
    assert first.reference not in {r["reference"] for r in rows}


def test_it_need_dates_are_danish_dates(api, need):
    just_after_midnight = datetime(2026, 3, 3, 0, 30, tzinfo=ZoneInfo("Europe/Copenhagen"))
    Need.objects.filter(pk=need.pk).update(
        created=just_after_midnight,
        expires_at=datetime(2099, 1, 1, 0, 15, tzinfo=ZoneInfo("Europe/Copenhagen")),
    )
    (row,) = as_dicts(rows_of(api.get(NEEDS_EXPORT)))
    assert (row["created"], row["expires"]) == ("2026-03-03", "2099-01-01")
