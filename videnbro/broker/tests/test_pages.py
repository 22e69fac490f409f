"""The web flow with Django's test client: apply with datasets preselected from the data map,
keep every input on an error, save or save-and-send, follow the request (progress, parts, only
the buttons the person may press), move it, and the public register with its exports."""

from __future__ import annotations

import csv
import io
from html.parser import HTMLParser

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from openpyxl import load_workbook

from videnbro.broker.models import AccessRequest, RequestPart
from videnbro.datamap.models import Dataset

from .factories import BEF, DBCG, DST, LPR, RKKP, SDS, VARIABLES, project_data

S = AccessRequest.Status
P = RequestPart.Status
NEW = "/dataindgang/ny/"


class _Page(HTMLParser):
    """The inputs of a page and the buttons with their test id and the table row they sit
    in (a part's row is `part-<custodian key>`)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.inputs: list[dict] = []
        self.buttons: list[tuple[str | None, str | None]] = []
        self._row: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "tr":
            self._row = attributes.get("data-testid")
        elif tag == "input":
            self.inputs.append(attributes)
        elif tag == "button" and attributes.get("data-testid"):
            self.buttons.append((self._row, attributes["data-testid"]))

    def handle_endtag(self, tag):
        if tag == "tr":
            self._row = None

    def checkboxes(self, name: str) -> dict[str, bool]:
        return {
            i["value"]: "checked" in i
            for i in self.inputs
            if i.get("type") == "checkbox" and i.get("name") == name
        }

    def moves(self) -> set[str]:
        """The request's own move buttons (outside the parts' rows)."""
        return {b.removeprefix("move-") for row, b in self.buttons if row is None and b.startswith("move-")}

    def part_moves(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for row, button in self.buttons:
            if row and button.startswith("part-move-"):
                out.setdefault(row.removeprefix("part-"), set()).add(button.removeprefix("part-move-"))
        return out


def page(response) -> _Page:
    assert response.status_code == 200, response.status_code
    return _Page(response.content.decode())


def messages_of(response) -> list[tuple[str, str]]:
    return [(m.level_tag, m.message) for m in get_messages(response.wsgi_request)]


def form_post(datasets: dict[str, list[str]], **overrides) -> dict:
    """The create form as a browser posts it: project fields, dataset checkboxes and one
    `var-<key>` list per dataset."""
    data = {**project_data(), **overrides}
    data["datasets"] = list(datasets)
    for key, variables in datasets.items():
        data[f"var-{key}"] = variables
    return data


# ---------------------------------------------------------------------------------------------
# Applying


def test_it_the_form_shows_the_variables_of_datasets_preselected_from_the_data_map(
    seeded, applicant, client_as
):
    response = client_as(applicant).get(NEW, {"d": [LPR, DBCG, "findes-ikke"]})
    form = page(response)
    assert form.checkboxes("datasets")[LPR] and form.checkboxes("datasets")[DBCG]
    assert not form.checkboxes("datasets")[BEF]
    lpr = form.checkboxes(f"var-{LPR}")
    assert set(VARIABLES[LPR]) <= set(lpr) and not any(lpr.values())
    assert set(VARIABLES[DBCG]) <= set(form.checkboxes(f"var-{DBCG}"))
    assert form.checkboxes(f"var-{BEF}") == {}
    assert response.context["custodian_count"] == 2
    assert not AccessRequest.objects.exists()  # looking creates nothing


def test_it_the_form_keeps_every_input_on_an_error(seeded, applicant, client_as):
    data = form_post(
        {LPR: ["C_ADIAG"], BEF: ["KOEN"]},
        project_title="",
        purpose="Mit formål, som ikke må gå tabt",
        then="stay",
    )
    response = client_as(applicant).post(NEW, data)

    form = page(response)
    html = response.content.decode()
    assert 'id="id_project_title-errors"' in html
    assert response.context["form"].errors["project_title"]
    assert "Mit formål, som ikke må gå tabt" in html
    assert form.checkboxes("datasets")[LPR] and form.checkboxes("datasets")[BEF]
    assert form.checkboxes(f"var-{LPR}")["C_ADIAG"]
    assert not form.checkboxes(f"var-{LPR}")["D_INDDTO"]
    assert form.checkboxes(f"var-{BEF}")["KOEN"]
    assert not AccessRequest.objects.exists()


def test_it_the_form_shows_dataset_errors_and_keeps_the_rest(seeded, applicant, client_as):
    data = form_post({LPR: ["C_ADIAG", "OPFUNDET"]}, then="stay")
    response = client_as(applicant).post(NEW, data)
    assert "OPFUNDET" in " ".join(response.context["dataset_errors"])
    assert 'data-testid="dataset-errors"' in response.content.decode()
    assert response.context["form"]["purpose"].value() == project_data()["purpose"]
    assert page(response).checkboxes("datasets")[LPR]
    assert not AccessRequest.objects.exists()


def test_it_the_form_names_a_period_that_ends_before_it_starts(seeded, applicant, client_as):
    response = client_as(applicant).post(
        NEW, form_post({LPR: ["C_ADIAG"]}, period_from="2024-01-01", period_to="2020-01-01")
    )
    assert response.context["form"].errors["period_to"]
    assert 'id="id_period_to-errors"' in response.content.decode()
    assert not AccessRequest.objects.exists()


def test_it_saving_a_draft_stays_on_the_form(seeded, applicant, client_as):
    response = client_as(applicant).post(NEW, form_post({LPR: ["C_ADIAG"]}, then="stay"))
    request = AccessRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("broker:request_edit", args=[request.reference])
    assert messages_of(response) == [("success", "Kladden er gemt.")]
    assert request.status == S.DRAFT and request.applicant == applicant
    assert request.requested_datasets.get().variables == ["C_ADIAG"]


def test_it_save_and_send_submits(seeded, applicant, client_as):
    response = client_as(applicant).post(
        NEW, form_post({LPR: VARIABLES[LPR], BEF: VARIABLES[BEF]}, then="submit")
    )
    request = AccessRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == request.get_absolute_url()
    assert request.status == S.SUBMITTED
    assert [level for level, _m in messages_of(response)] == ["success"]


def test_it_save_and_send_keeps_an_incomplete_draft_and_says_what_is_missing(seeded, applicant, client_as):
    client = client_as(applicant)
    response = client.post(NEW, form_post({LPR: []}, legal_basis="", then="submit"))
    request = AccessRequest.objects.get()
    assert request.status == S.DRAFT
    assert response["Location"] == reverse("broker:request_edit", args=[request.reference])
    ((level, message),) = messages_of(response)
    assert level == "error" and "Skal udfyldes" in message
    assert Dataset.objects.get(key=LPR).title in message  # its variables are missing
    form = page(client.get(response["Location"]))
    assert form.checkboxes("datasets")[LPR]


def test_it_the_edit_page_shows_what_was_saved_and_saves_changes(make_request, applicant, client_as):
    request = make_request(S.DRAFT, datasets=(LPR,))
    client = client_as(applicant)
    edit = reverse("broker:request_edit", args=[request.reference])
    form = page(client.get(edit))
    assert {v for v, checked in form.checkboxes(f"var-{LPR}").items() if checked} == set(VARIABLES[LPR])
    response = client.post(edit, form_post({LPR: ["C_ADIAG"], DBCG: ["ER-status"]}, purpose="Ændret formål"))
    assert response.status_code == 302 and response["Location"] == request.get_absolute_url()
    request.refresh_from_db()
    assert request.purpose == "Ændret formål"
    assert dict(request.requested_datasets.values_list("dataset__key", "variables")) == {
        LPR: ["C_ADIAG"],
        DBCG: ["ER-status"],
    }


def test_it_the_edit_page_refuses_a_request_that_is_no_longer_editable(
    make_request, applicant, broker, other_applicant, client_as
):
    request = make_request(S.SUBMITTED)
    edit = reverse("broker:request_edit", args=[request.reference])
    response = client_as(applicant).get(edit)
    assert response.status_code == 302 and response["Location"] == request.get_absolute_url()
    assert [level for level, _m in messages_of(response)] == ["error"]
    draft = make_request(S.DRAFT)
    draft_edit = reverse("broker:request_edit", args=[draft.reference])
    assert client_as(broker).get(draft_edit).status_code == 404  # a draft is private
    assert client_as(other_applicant).get(draft_edit).status_code == 404
    returned_edit = reverse("broker:request_edit", args=[make_request(S.RETURNED).reference])
    assert client_as(broker).get(returned_edit).status_code == 403


def test_it_an_amendment_starts_from_the_parents_project(make_request, applicant, client_as):
    parent = make_request(S.ACTIVE)
    client = client_as(applicant)
    url = reverse("broker:amendment_create", args=[parent.reference])
    response = client.get(url)
    assert response.context["form"]["project_title"].value() == parent.project_title
    response = client.post(url, form_post({LPR: ["C_DIAG"]}, period_to="2035-12-31"))
    amendment = AccessRequest.objects.get(parent=parent)
    assert response["Location"] == amendment.get_absolute_url()
    assert amendment.kind == AccessRequest.Kind.AMENDMENT and amendment.status == S.DRAFT
    assert AccessRequest.objects.get(pk=parent.pk).status == S.ACTIVE
    assert parent.reference in client.get(amendment.get_absolute_url()).content.decode()


# ---------------------------------------------------------------------------------------------
# Following a request


def test_it_the_detail_page_shows_progress_and_parts(make_request, applicant, client_as):
    request = make_request(S.ROUTED, parts={SDS: P.APPROVED_WITH_CONDITIONS, DST: P.UPDATES_REQUESTED})
    response = client_as(applicant).get(request.get_absolute_url())
    html = response.content.decode()
    progress = response.context["progress"]
    assert [s for s, _label, _reached, current in progress if current] == [S.ROUTED]
    assert [s for s, _label, reached, _current in progress if reached] == [
        S.DRAFT,
        S.SUBMITTED,
        S.SCREENING,
        S.ROUTED,
    ]
    assert 'aria-current="step"' in html
    for key in (SDS, DST, RKKP):
        assert f'data-testid="part-{key}"' in html
    assert "Afgørelse: approved_with_conditions." in html  # the conditions
    assert "C_ADIAG" in html  # the chosen variables per part


@pytest.mark.parametrize(
    ("who", "moves", "part_moves"),
    [
        ("applicant", {S.WITHDRAWN}, {DST: {P.IN_REVIEW}}),
        (
            "broker",
            set(),
            {
                SDS: {P.UPDATES_REQUESTED, P.APPROVED, P.APPROVED_WITH_CONDITIONS, P.REJECTED},
                RKKP: {P.IN_REVIEW},
            },
        ),
        (
            "sds_custodian",
            set(),
            {SDS: {P.UPDATES_REQUESTED, P.APPROVED, P.APPROVED_WITH_CONDITIONS, P.REJECTED}},
        ),
        ("rkkp_custodian", set(), {RKKP: {P.IN_REVIEW}}),
        ("dst_custodian", set(), {}),
    ],
)
def test_it_the_detail_page_offers_only_the_persons_own_moves(
    make_request, request, client_as, who, moves, part_moves
):
    access_request = make_request(S.ROUTED, parts={SDS: P.IN_REVIEW, DST: P.UPDATES_REQUESTED})
    shown = page(client_as(request.getfixturevalue(who)).get(access_request.get_absolute_url()))
    assert shown.moves() == moves
    assert shown.part_moves() == part_moves


@pytest.mark.parametrize(
    ("state", "who", "moves"),
    [
        (S.DRAFT, "applicant", {S.SUBMITTED, S.WITHDRAWN}),
        (S.RETURNED, "broker", set()),
        (S.SUBMITTED, "applicant", {S.WITHDRAWN}),
        (S.SUBMITTED, "broker", {S.SCREENING}),
        (S.SCREENING, "broker", {S.RETURNED, S.ROUTED}),
        (S.COST_ESTIMATE, "applicant", {S.ACCEPTED, S.WITHDRAWN}),
        (S.COST_ESTIMATE, "broker", set()),
        (S.ACTIVE, "applicant", set()),
        (S.ACTIVE, "broker", {S.CLOSED}),
        (S.CLOSED, "broker", set()),
    ],
)
def test_it_the_detail_page_buttons_follow_the_state(make_request, request, client_as, state, who, moves):
    access_request = make_request(state)
    shown = page(client_as(request.getfixturevalue(who)).get(access_request.get_absolute_url()))
    assert shown.moves() == moves


def test_it_the_cost_estimate_button_appears_when_every_part_has_decided(make_request, broker, client_as):
    access_request = make_request(S.ROUTED, parts={SDS: P.APPROVED, DST: P.REJECTED, RKKP: P.APPROVED})
    shown = page(client_as(broker).get(access_request.get_absolute_url()))
    assert shown.moves() == {S.COST_ESTIMATE}
    assert any(i.get("name") == "cost_estimate" for i in shown.inputs)


def test_it_a_move_shows_a_message_and_returns_to_the_request(make_request, broker, client_as):
    request = make_request(S.SUBMITTED)
    client = client_as(broker)
    url = reverse("broker:request_transition", args=[request.reference])

    def post(data) -> list[tuple[str, str]]:
        response = client.post(url, data, follow=True)
        assert response.redirect_chain == [(request.get_absolute_url(), 302)]
        html = response.content.decode()
        shown = [(m.level_tag, m.message) for m in response.context["messages"]]
        assert all(message in html for _level, message in shown)
        return shown

    ((level, message),) = post({"to": S.SCREENING})
    assert level == "success" and "Screening hos Dataindgangen" in message
    assert AccessRequest.objects.get(pk=request.pk).status == S.SCREENING
    ((level, message),) = post({"to": S.RETURNED, "note": ""})
    assert level == "error" and "begrundelse" in message
    ((level, _message),) = post({"to": S.ACTIVE})
    assert level == "error"
    assert AccessRequest.objects.get(pk=request.pk).status == S.SCREENING


def test_it_a_part_move_from_the_page(make_request, sds_custodian, client_as):
    request = make_request(S.ROUTED, parts={SDS: P.IN_REVIEW})
    part = request.parts.get(custodian__key=SDS)
    response = client_as(sds_custodian).post(
        reverse("broker:request_transition", args=[request.reference]),
        {"to": P.APPROVED_WITH_CONDITIONS, "part": str(part.pk), "note": "Kun aggregater"},
    )
    assert response.status_code == 302
    assert [level for level, _m in messages_of(response)] == ["success"]
    part.refresh_from_db()
    assert (part.status, part.conditions) == (P.APPROVED_WITH_CONDITIONS, "Kun aggregater")


def test_it_a_move_by_the_wrong_side_is_403(make_request, applicant, dst_custodian, client_as):
    submitted = make_request(S.SUBMITTED)
    response = client_as(applicant).post(
        reverse("broker:request_transition", args=[submitted.reference]), {"to": S.SCREENING}
    )
    assert response.status_code == 403
    assert AccessRequest.objects.get(pk=submitted.pk).status == S.SUBMITTED
    request = make_request(S.ROUTED)
    url = reverse("broker:request_transition", args=[request.reference])
    sds_part = request.parts.get(custodian__key=SDS)
    response = client_as(dst_custodian).post(url, {"to": P.IN_REVIEW, "part": sds_part.pk})
    assert response.status_code == 403
    assert client_as(applicant).get(url).status_code == 405
    sds_part.refresh_from_db()
    assert sds_part.status == P.PENDING


def test_it_the_home_page_lists_the_applicants_requests(make_request, applicant, client_as):
    mine = make_request(S.ROUTED)
    response = client_as(applicant).get(reverse("broker:home"))
    assert [r.reference for r in response.context["mine"]] == [mine.reference]
    assert 'data-testid="my-requests"' in response.content.decode()


# ---------------------------------------------------------------------------------------------
# The public register


@pytest.fixture
def register_entries(make_request, applicant):
    """One approved use whose texts try to become spreadsheet formulas, one approved plain
    one, and a draft that must not appear."""
    formula = make_request(
        S.ACTIVE,
        project_title='=HYPERLINK("http://x.example","Klik")',
        purpose="@SUM(A1:A9)",
        parts={SDS: P.APPROVED, DST: P.REJECTED, RKKP: P.APPROVED},
    )
    plain = make_request(S.ACCEPTED, project_title="Almindeligt projekt", datasets=(BEF,))
    draft = make_request(S.DRAFT, project_title="Hemmelig kladde")
    return formula, plain, draft


def test_it_the_register_page_lists_approved_uses_without_personal_data(register_entries, client, applicant):
    formula, plain, _draft = register_entries
    response = client.get(reverse("broker:register"))
    html = response.content.decode()
    assert response.status_code == 200
    assert [r.reference for r, _d in response.context["page"].object_list] == [
        plain.reference,
        formula.reference,
    ]
    assert "Almindeligt projekt" in html and "Hemmelig kladde" not in html
    assert applicant.email not in html and applicant.username not in html
    assert applicant.last_name not in html


def test_it_the_register_exports_csv_safe_from_formulas(register_entries, client, applicant):
    formula, plain, _draft = register_entries
    response = client.get(reverse("broker:register"), {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    rows = {r["Reference"]: r for r in csv.DictReader(io.StringIO(text))}
    assert set(rows) == {formula.reference, plain.reference}
    assert rows[formula.reference]["Projekt"] == '\'=HYPERLINK("http://x.example","Klik")'
    assert rows[formula.reference]["Formål"] == "'@SUM(A1:A9)"
    assert rows[formula.reference]["Organisation"] == "Københavns Universitet"
    datasets = rows[formula.reference]["Datasæt"]
    assert "Landspatientregisteret" in datasets and "Befolkningsregisteret" not in datasets
    assert applicant.email not in text and applicant.username not in text
    assert applicant.last_name not in text


def test_it_the_register_exports_xlsx_safe_from_formulas(register_entries, client, applicant):
    formula, _plain, _draft = register_entries
    response = client.get(reverse("broker:register"), {"format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header, *body = rows
    assert header[0] == "Reference" and len(body) == 2
    entry = next(r for r in body if r[0] == formula.reference)
    assert entry[1].startswith("'=") and entry[3].startswith("'@")
    assert all(not (isinstance(v, str) and v.startswith(("=", "+", "-", "@"))) for row in body for v in row)
    flat = " ".join(str(v) for row in rows for v in row)
    assert applicant.email not in flat and applicant.username not in flat
    assert applicant.last_name not in flat


@pytest.mark.regression
def test_it_the_exports_give_the_approval_date_in_danish_time(register_entries, client):
    """The exports took the date of the UTC timestamp: approved at 00:30 in Copenhagen was
    listed as the day before (the page said the right day)."""
    from datetime import UTC, datetime

    _formula, plain, _draft = register_entries
    AccessRequest.objects.filter(pk=plain.pk).update(
        approved_at=datetime(2026, 3, 9, 23, 30, tzinfo=UTC)
    )  # 10 March, 00:30 in Denmark
    text = client.get(reverse("broker:register"), {"format": "csv"}).content.decode("utf-8-sig")
    rows = {r["Reference"]: r for r in csv.DictReader(io.StringIO(text))}
    assert rows[plain.reference]["Godkendt"] == "2026-03-10"
    sheet = load_workbook(
        io.BytesIO(client.get(reverse("broker:register"), {"format": "xlsx"}).content)
    ).active
    assert [r[6] for r in sheet.iter_rows(values_only=True) if r[0] == plain.reference] == ["2026-03-10"]


# ---------------------------------------------------------------------------------------------
# English


def test_it_the_english_pages_render(make_request, applicant, broker, sds_custodian, client_as, client):
    request = make_request(S.ROUTED)
    for user, urls in (
        (
            applicant,
            ["/en/dataindgang/", "/en/dataindgang/ny/?d=" + LPR, f"/en/dataindgang/{request.reference}/"],
        ),
        (broker, ["/en/dataindgang/oversigt/", f"/en/dataindgang/{request.reference}/"]),
        (sds_custodian, ["/en/dataindgang/indbakke/"]),
    ):
        signed_in = client_as(user)
        for url in urls:
            response = signed_in.get(url)
            assert response.status_code == 200, url
            assert response.context["LANGUAGE_CODE"] == "en", url
    assert client.get("/en/dataindgang/register/").status_code == 200
    assert client.get("/en/dataindgang/register/?format=csv").status_code == 200


def test_it_a_dataset_page_lists_its_approved_uses_without_personal_data(make_request, applicant, client):
    from videnbro.datamap.models import Dataset

    request = make_request(S.ACTIVE, datasets=(LPR, BEF), parts={SDS: P.APPROVED, DST: P.REJECTED})
    lpr = client.get(Dataset.objects.get(key=LPR).get_absolute_url()).content.decode()
    assert request.project_title in lpr and "approved-uses" in lpr
    assert applicant.email not in lpr and applicant.get_full_name() not in lpr
    bef = client.get(Dataset.objects.get(key=BEF).get_absolute_url()).content.decode()
    assert "approved-uses" not in bef  # its custodian rejected


def test_it_the_answer_form_lets_the_applicant_change_the_parts_variables(make_request, applicant, client_as):
    request = make_request(S.ROUTED, datasets=(LPR, BEF), parts={SDS: P.UPDATES_REQUESTED})
    part = request.parts.get(custodian__key=SDS)
    client = client_as(applicant)
    html = client.get(request.get_absolute_url()).content.decode()
    assert 'data-testid="answer-variables"' in html and f'name="var-{LPR}"' in html
    assert f'name="var-{BEF}"' not in html  # another custodian's dataset
    response = client.post(
        reverse("broker:request_transition", args=[request.reference]),
        {
            "to": P.IN_REVIEW,
            "part": part.pk,
            "note": "Nu kun aktionsdiagnosen",
            "answer_datasets": [LPR],
            f"var-{LPR}": ["C_ADIAG"],
        },
    )
    assert response.status_code == 302
    assert request.requested_datasets.get(dataset__key=LPR).variables == ["C_ADIAG"]
    assert request.parts.get(pk=part.pk).status == P.IN_REVIEW
