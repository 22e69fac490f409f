"""Who sees what: the applicant only their own requests, a custodian only those routed to its
organisation, the broker all; anonymous visitors nothing but the public register. Enforced the
same way by the API (404 / 401), the pages (404 / login) and the document downloads."""

from __future__ import annotations

import pytest
from django.urls import reverse

from videnbro.accounts.models import Role
from videnbro.broker import permissions, services
from videnbro.broker.models import AccessRequest, RequestPart

from .factories import BEF, DST, LPR, PDF, RKKP, SDS, upload

S = AccessRequest.Status
P = RequestPart.Status


def api_url(request: AccessRequest, suffix: str = "") -> str:
    return f"/api/v1/access-requests/{request.pk}/{suffix}"


def listed(client) -> set[str]:
    response = client.get("/api/v1/access-requests/")
    assert response.status_code == 200, response.content
    return {r["reference"] for r in response.json()["results"]}


@pytest.fixture
def requests_(make_request, other_applicant):
    """A draft, a submitted request and two routed ones (one to SDS + DST, one only to DST),
    plus another applicant's routed request."""
    return {
        "draft": make_request(S.DRAFT),
        "submitted": make_request(S.SUBMITTED),
        "sds_dst": make_request(S.ROUTED, datasets=(LPR, BEF)),
        "dst": make_request(S.ROUTED, datasets=(BEF,)),
        "other": make_request(S.ROUTED, by=other_applicant, datasets=(LPR,)),
    }


def refs(requests_, *names) -> set[str]:
    return {requests_[n].reference for n in names}


def test_it_the_applicant_sees_only_their_own_requests(
    requests_, applicant, other_applicant, api_as, client_as
):
    assert listed(api_as(applicant)) == refs(requests_, "draft", "submitted", "sds_dst", "dst")
    assert listed(api_as(other_applicant)) == refs(requests_, "other")

    mine = requests_["draft"]
    assert api_as(other_applicant).get(api_url(mine)).status_code == 404
    assert api_as(applicant).get(api_url(mine)).status_code == 200
    assert client_as(other_applicant).get(mine.get_absolute_url()).status_code == 404
    assert client_as(applicant).get(mine.get_absolute_url()).status_code == 200
    # The home page's list is the person's own.
    page = client_as(other_applicant).get(reverse("broker:home")).content.decode()
    assert requests_["other"].reference in page and mine.reference not in page


def test_it_the_custodian_sees_only_requests_routed_to_their_organisation(
    requests_, custodians, api_as, client_as
):
    assert listed(api_as(custodians[SDS])) == refs(requests_, "sds_dst", "other")
    assert listed(api_as(custodians[DST])) == refs(requests_, "sds_dst", "dst")
    assert listed(api_as(custodians[RKKP])) == set()

    for name in ("draft", "submitted", "dst"):  # not routed yet, or routed to someone else
        hidden = requests_[name]
        assert api_as(custodians[SDS]).get(api_url(hidden)).status_code == 404, name
        assert client_as(custodians[SDS]).get(hidden.get_absolute_url()).status_code == 404
    assert api_as(custodians[SDS]).get(api_url(requests_["sds_dst"])).status_code == 200
    assert client_as(custodians[SDS]).get(requests_["sds_dst"].get_absolute_url()).status_code == 200


def test_it_a_custodian_without_an_organisation_sees_nothing(requests_, make_user, api_as):
    orphan = make_user(Role.DATA_CUSTODIAN)
    assert not permissions.is_custodian(orphan)
    assert listed(api_as(orphan)) == set()


@pytest.mark.parametrize("role", [Role.DATA_BROKER, Role.PLATFORM_ADMIN])
def test_it_the_broker_sees_every_submitted_request_but_no_draft(
    requests_, make_user, api_as, client_as, role
):
    broker = make_user(role)
    submitted = [name for name in requests_ if name != "draft"]
    assert listed(api_as(broker)) == refs(requests_, *submitted)
    for name, request in requests_.items():
        expected = 404 if name == "draft" else 200  # a draft is the applicant's own
        assert api_as(broker).get(api_url(request)).status_code == expected
        assert client_as(broker).get(request.get_absolute_url()).status_code == expected


def test_it_anonymous_visitors_get_401_from_the_api(requests_, api):
    request = requests_["sds_dst"]
    for method, url in (
        ("get", "/api/v1/access-requests/"),
        ("get", api_url(request)),
        ("post", "/api/v1/access-requests/"),
        ("post", api_url(request, "transitions/")),
        ("post", api_url(request, "amendments/")),
    ):
        response = getattr(api, method)(url, {}, format="json")
        assert response.status_code == 401, (method, url)
        assert "errors" in response.json()
    assert AccessRequest.objects.count() == len(requests_)


def test_it_anonymous_visitors_are_sent_to_log_in_from_the_pages(requests_, client):
    request = requests_["sds_dst"]
    login = reverse("accounts:login")
    for url in (
        reverse("broker:request_create"),
        reverse("broker:inbox"),
        reverse("broker:overview"),
        request.get_absolute_url(),
        reverse("broker:request_edit", args=[request.reference]),
        reverse("broker:amendment_create", args=[request.reference]),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(login), url
    response = client.post(
        reverse("broker:request_transition", args=[request.reference]), {"to": S.WITHDRAWN}
    )
    assert response.status_code == 302 and response["Location"].startswith(login)
    assert AccessRequest.objects.get(pk=request.pk).status == S.ROUTED
    # The front page and the register are public.
    assert client.get(reverse("broker:home")).status_code == 200
    assert client.get(reverse("broker:register")).status_code == 200


def test_it_the_inbox_lists_only_the_parts_of_the_custodians_organisation(requests_, custodians, client_as):
    page = client_as(custodians[SDS]).get(reverse("broker:inbox"))
    assert page.status_code == 200
    parts = list(page.context["page"].object_list)
    assert {p.custodian.key for p in parts} == {SDS}
    assert {p.request.reference for p in parts} == refs(requests_, "sds_dst", "other")
    text = page.content.decode()
    assert requests_["dst"].reference not in text and requests_["draft"].reference not in text

    dst_parts = client_as(custodians[DST]).get(reverse("broker:inbox")).context["page"]
    assert {p.request.reference for p in dst_parts.object_list} == refs(requests_, "sds_dst", "dst")


def test_it_the_inbox_shows_decided_parts_only_when_asked(make_request, custodians, client_as):
    decided = make_request(S.ROUTED, parts={SDS: P.APPROVED})
    open_ = make_request(S.ROUTED, parts={SDS: P.IN_REVIEW})
    client = client_as(custodians[SDS])

    def inbox(**params):
        return {
            p.request.reference
            for p in client.get(reverse("broker:inbox"), params).context["page"].object_list
        }

    assert inbox() == {open_.reference}
    assert inbox(status="all") == {open_.reference, decided.reference}
    assert inbox(status=P.APPROVED) == {decided.reference}
    response = client.get(reverse("broker:inbox"), {"status": "nonsense"})
    assert response.status_code == 200 and "errors" in response.context
    assert response.context["errors"]["status"]


@pytest.mark.parametrize("who", ["applicant", "broker"])
def test_it_the_inbox_is_for_custodians(seeded, request, client_as, who):
    response = client_as(request.getfixturevalue(who)).get(reverse("broker:inbox"))
    assert response.status_code == 403


@pytest.mark.parametrize("who", ["applicant", "sds_custodian"])
def test_it_the_broker_overview_is_403_for_everyone_else(seeded, request, client_as, who):
    response = client_as(request.getfixturevalue(who)).get(reverse("broker:overview"))
    assert response.status_code == 403


def test_it_the_broker_overview_lists_every_submitted_request(requests_, broker, client_as):
    response = client_as(broker).get(reverse("broker:overview"))
    assert response.status_code == 200
    assert {r.reference for r in response.context["page"].object_list} == refs(
        requests_, *[name for name in requests_ if name != "draft"]
    )
    routed = client_as(broker).get(reverse("broker:overview"), {"status": S.ROUTED})
    assert {r.reference for r in routed.context["page"].object_list} == refs(
        requests_, "sds_dst", "dst", "other"
    )


def test_it_documents_are_downloadable_only_by_those_who_see_the_request(
    make_request, applicant, other_applicant, broker, custodians, api_as, client_as, api, client
):
    request = make_request(S.DRAFT, datasets=(LPR,))
    document = services.document_add(
        actor=applicant, access_request=request, kind="protocol", upload=upload("protokol.pdf", PDF)
    )
    web = reverse("broker:document_download", args=[request.reference, document.pk])
    rest = api_url(request, f"documents/{document.pk}/")

    def can_download(user) -> bool:
        by_web = client_as(user).get(web)
        by_api = api_as(user).get(rest)
        assert by_web.status_code == by_api.status_code, (by_web, by_api)
        if by_web.status_code == 200:
            for response in (by_web, by_api):
                assert b"".join(response.streaming_content) == PDF
                assert "protokol.pdf" in response["Content-Disposition"]
                assert response["Content-Type"] == "application/pdf"
            return True
        assert by_web.status_code == 404
        return False

    assert can_download(applicant)
    assert not can_download(broker)  # a draft is the applicant's own until it is sent
    assert not can_download(custodians[SDS])
    assert not can_download(other_applicant)

    for to, actor in ((S.SUBMITTED, applicant), (S.SCREENING, broker), (S.ROUTED, broker)):
        request = services.request_transition(actor=actor, access_request=request, to=to)
    assert can_download(broker) and can_download(custodians[SDS])
    assert not can_download(custodians[DST])  # no part of this request
    assert not can_download(other_applicant)

    assert api.get(rest).status_code == 401
    anonymous = client.get(web)
    assert anonymous.status_code == 302 and reverse("accounts:login") in anonymous["Location"]
    missing = reverse("broker:document_download", args=[request.reference, document.pk + 999])
    assert client_as(applicant).get(missing).status_code == 404


def test_it_a_document_of_one_request_is_not_reachable_through_another(
    make_request, applicant, api_as, client_as
):
    first, second = make_request(S.DRAFT), make_request(S.DRAFT)
    document = services.document_add(
        actor=applicant, access_request=first, kind="protocol", upload=upload("protokol.pdf", PDF)
    )
    assert (
        client_as(applicant)
        .get(reverse("broker:document_download", args=[second.reference, document.pk]))
        .status_code
        == 404
    )
    assert api_as(applicant).get(api_url(second, f"documents/{document.pk}/")).status_code == 404
