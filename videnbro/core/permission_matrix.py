"""The permission matrix: for every web page and API operation, what each role gets.

One row per URL name and HTTP method (and per ownership case where the owner matters). The
tests in `core/tests/test_permission_matrix.py` fail when a URL pattern has no row, and
exercise every row for every role against a small seeded world; `docs/permissions.md` shows
the same data as tables (`python -m videnbro.core.permission_matrix` prints them, and a test
checks the document is current). Only strings live here – no app is imported.

Roles (the columns): `anonymous`; `applicant` – a self-signed-up account (organisation member
without an organisation); `organisation_member` of Grundfos; `authority_staff` of Region
Hovedstaden; `data_custodian` of Sundhedsdatastyrelsen; `data_broker`, `cluster_secretariat`
and `platform_admin` (no organisation).

The seeded world the rows refer to (`@name.attribute` in URL arguments and bodies):
- `own_org` Grundfos (the organisation member's), `partner_org` Novo Nordisk (shares an
  active partnership with Grundfos), `other_org` IKEA (unrelated), `authority_org` Region
  Hovedstaden (the authority staff's), `unverified_org` an organisation not yet verified by
  staff (as made from an anonymous offer); `capacity` a capacity of Grundfos;
- `partnership` the active partnership of Grundfos and Novo Nordisk;
- `incident` an active incident Region Hovedstaden is responsible for; `need` a published
  need of Region Hovedstaden; `offer` an offer routed to Region Hovedstaden, `offer_link`
  its private status link parts; `volunteer` with `volunteer_link`; `my_offers` a valid
  signed link to the offers of one address;
- `request` the applicant's access request routed to Sundhedsdatastyrelsen with one
  `document`; `draft` the organisation member's draft request; `dataset`.

Outcomes:
- `ok`: 2xx, or a redirect that is not to the login page (a form that saved, a language
  switch);
- `input`: allowed – 2xx, a redirect that is not to the login page, or 400/409 (the minimal
  body the test sends is refused on its content or on the record's state, after the
  permission check passed);
- `login`: a redirect to the login page;
- `400`, `401`, `403`, `404`: exactly that status (404 = the record is hidden from this
  role).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ROLES = (
    "anonymous",
    "applicant",
    "organisation_member",
    "authority_staff",
    "data_custodian",
    "data_broker",
    "cluster_secretariat",
    "platform_admin",
)
SHORT = {
    "anonymous": "anon",
    "applicant": "appl",
    "organisation_member": "member",
    "authority_staff": "authority",
    "data_custodian": "custodian",
    "data_broker": "broker",
    "cluster_secretariat": "secretariat",
    "platform_admin": "admin",
}

OK, INPUT, LOGIN = "ok", "input", "login"
E400, E401, E403, E404 = "400", "401", "403", "404"
OUTCOMES = (OK, INPUT, LOGIN, E400, E401, E403, E404)
SYMBOL = {OK: "✓", INPUT: "✓", LOGIN: "login", E400: "400", E401: "401", E403: "403", E404: "404"}


@dataclass(frozen=True)
class Row:
    app: str
    name: str  # the URL name, e.g. "registry:organisation-edit" or "api:offer-detail"
    method: str
    action: str  # what the row is about, in a few words
    outcomes: dict[str, str]
    ownership: str = "–"
    kwargs: dict[str, Any] = field(default_factory=dict)
    query: str = ""
    data: dict[str, Any] | None = None
    upload: bool = False  # send `data` with a small PDF as multipart `file`
    url: str = ""  # for an unnamed pattern ("route:…"): the path to request

    @property
    def is_api(self) -> bool:
        return self.name.startswith("api:") or self.name.startswith("route:api/")

    @property
    def id(self) -> str:
        own = "" if self.ownership == "–" else f"[{self.ownership}]"
        return f"{self.method} {self.name}{own}"


def grant(default: str, *, anon: str | None = None, **by_role: str) -> dict[str, str]:
    """Every role gets `default` unless named (`anon=` for anonymous, roles by full name)."""
    unknown = set(by_role) - set(ROLES)
    assert not unknown, unknown
    outcomes = {role: by_role.get(role, default) for role in ROLES}
    if anon is not None:
        outcomes["anonymous"] = anon
    return outcomes


def only(
    *roles: str, allowed: str = OK, others: str = E403, anon: str = LOGIN, **by_role: str
) -> dict[str, str]:
    """`allowed` for the given roles, `others` for the other signed-in roles."""
    unknown = (set(roles) | set(by_role)) - set(ROLES)
    assert not unknown, unknown
    outcomes = {role: allowed if role in roles else others for role in ROLES}
    outcomes["anonymous"] = anon
    outcomes.update(by_role)
    return outcomes


EVERYONE = grant(OK)
SIGNED_IN = grant(OK, anon=LOGIN)
KEEPERS = ("cluster_secretariat", "platform_admin")
AUTHORITY = ("authority_staff", "platform_admin")  # authority staff of the organisation
BROKERS = ("data_broker", "platform_admin")
PDF_NAME = "protokol.pdf"


def _web(app: str) -> Any:
    def row(name: str, method: str, action: str, outcomes: dict[str, str], **kwargs: Any) -> Row:
        return Row(app, f"{app}:{name}" if ":" not in name else name, method, action, outcomes, **kwargs)

    return row


def _api(app: str) -> Any:
    def row(name: str, method: str, action: str, outcomes: dict[str, str], **kwargs: Any) -> Row:
        return Row(app, f"api:{name}", method, action, outcomes, **kwargs)

    return row


OWN = {"key": "@own_org.key"}
OTHER = {"key": "@other_org.key"}
API_OWN = {"pk": "@own_org.pk"}
API_OTHER = {"pk": "@other_org.pk"}
REQUEST = {"reference": "@request.reference"}
DRAFT = {"reference": "@draft.reference"}

web, api = _web("core"), _api("core")
ROWS: list[Row] = [
    web("site:home", "GET", "home page", EVERYONE),
    Row("core", "set_language", "POST", "switch language", EVERYONE, data={"language": "en", "next": "/"}),
    Row("core", "javascript-catalog", "GET", "translations for scripts", EVERYONE),
    web("core:privacy", "GET", "personal data: what is kept, why, how long", EVERYONE),
    api("health", "GET", "health check", EVERYONE),
    api("api-root", "GET", "API index", EVERYONE),
    api("openapi", "GET", "OpenAPI schema", EVERYONE),
    api("docs", "GET", "API documentation page", EVERYONE),
    Row(
        "core",
        "route:api/v1/^.*$",
        "GET",
        "an unknown API path (JSON 404)",
        grant(E404),
        url="/api/v1/no-such-endpoint/",
    ),
]

web = _web("accounts")
ROWS += [
    web("login", "GET", "sign-in page (signed-in: sent on)", EVERYONE),
    web("logout", "POST", "sign out", EVERYONE),
    web("signup", "GET", "self-service sign-up page", EVERYONE),
    web(
        "activate",
        "GET",
        "activation link (a forged one)",
        grant(E400),
        kwargs={"uidb64": "MQ", "token": "forged-token"},
    ),
    web("password_reset", "GET", "ask for a password reset", EVERYONE),
    web("password_reset_done", "GET", "reset mail sent", EVERYONE),
    web(
        "password_reset_confirm",
        "GET",
        "reset link (a forged one)",
        EVERYONE,
        kwargs={"uidb64": "MQ", "token": "forged-token"},
    ),
    web("password_reset_complete", "GET", "reset done", EVERYONE),
    web("otp_verify", "GET", "two-factor code step (none pending: sent on)", grant(OK, anon=LOGIN)),
    web(
        "two_factor",
        "GET",
        "set up two-factor authentication (staff accounts)",
        only("authority_staff", "data_custodian", "data_broker", *KEEPERS),
    ),
]

web, api = _web("registry"), _api("registry")
EDIT_OWN = only("organisation_member", *KEEPERS)
EDIT_OTHER = only(*KEEPERS)
CREATE_ORG = only("authority_staff", *KEEPERS)
REVIEWERS = ("authority_staff", *KEEPERS)  # see and verify unverified organisations
UNVERIFIED = {"key": "@unverified_org.key"}
ROWS += [
    web("organisation-list", "GET", "list organisations", EVERYONE),
    web("organisation-export", "GET", "export organisations", EVERYONE, kwargs={"fmt": "csv"}),
    web("organisation-detail", "GET", "organisation page (contacts: see below)", EVERYONE, kwargs=OWN),
    web(
        "organisation-detail",
        "GET",
        "page of an unverified organisation",
        only(*REVIEWERS, others=E404, anon=E404),
        ownership="unverified",
        kwargs=UNVERIFIED,
    ),
    web("organisation-create", "GET", "create an organisation", CREATE_ORG),
    web(
        "organisation-verify",
        "POST",
        "verify an organisation",
        only(*REVIEWERS, others=E404),
        ownership="unverified",
        kwargs=UNVERIFIED,
        data={},
    ),
    web(
        "organisation-verify",
        "POST",
        "verify an organisation",
        only(*REVIEWERS, allowed=INPUT),
        ownership="verified",
        kwargs=OWN,
        data={},
    ),
    web("organisation-edit", "GET", "edit an organisation", EDIT_OWN, ownership="own", kwargs=OWN),
    web("organisation-edit", "GET", "edit an organisation", EDIT_OTHER, ownership="other", kwargs=OTHER),
    web("capacity-add", "POST", "add a capacity", {**EDIT_OWN}, ownership="own", kwargs=OWN, data={}),
    web("capacity-add", "POST", "add a capacity", EDIT_OTHER, ownership="other", kwargs=OTHER, data={}),
    web(
        "capacity-remove",
        "POST",
        "remove a capacity",
        EDIT_OWN,
        ownership="own",
        kwargs={**OWN, "pk": "@capacity.pk"},
        data={},
    ),
    web("contact-add", "POST", "add a contact person", EDIT_OWN, ownership="own", kwargs=OWN, data={}),
    web("contact-add", "POST", "add a contact person", EDIT_OTHER, ownership="other", kwargs=OTHER, data={}),
    web("cluster-list", "GET", "clusters", EVERYONE),
    web("hub-list", "GET", "hubs", EVERYONE),
    web("collaboration-list", "GET", "acute collaborations", EVERYONE),
    api("organisation-list", "GET", "list organisations", EVERYONE),
    api(
        "organisation-list",
        "POST",
        "create an organisation",
        only("authority_staff", *KEEPERS, anon=E401),
        data={"name": "Matrixtest ApS", "kind": "company"},
    ),
    api("organisation-resolve", "GET", "resolve a name", EVERYONE, query="name=Grundfos"),
    api("organisation-detail", "GET", "one organisation (contacts: see below)", EVERYONE, kwargs=API_OWN),
    api(
        "organisation-detail",
        "PATCH",
        "edit an organisation",
        only("organisation_member", *KEEPERS, anon=E401),
        ownership="own",
        kwargs=API_OWN,
        data={},
    ),
    api(
        "organisation-detail",
        "PATCH",
        "edit an organisation",
        only(*KEEPERS, anon=E401),
        ownership="other",
        kwargs=API_OTHER,
        data={},
    ),
    api(
        "organisation-detail",
        "PUT",
        "replace an organisation's fields",
        only("organisation_member", *KEEPERS, anon=E401),
        ownership="own",
        kwargs=API_OWN,
        data={"name": "@own_org.name", "kind": "@own_org.kind"},
    ),
    api(
        "organisation-detail",
        "GET",
        "an unverified organisation",
        only(*REVIEWERS, others=E404, anon=E404),
        ownership="unverified",
        kwargs={"pk": "@unverified_org.pk"},
    ),
    api(
        "organisation-verify",
        "POST",
        "verify an organisation",
        only(*REVIEWERS, others=E404, anon=E401),
        ownership="unverified",
        kwargs={"pk": "@unverified_org.pk"},
        data={},
    ),
    api(
        "organisation-verify",
        "POST",
        "verify an organisation",
        only(*REVIEWERS, allowed=INPUT, anon=E401),
        ownership="verified",
        kwargs=API_OWN,
        data={},
    ),
    api(
        "organisation-capacities",
        "POST",
        "add a capacity",
        only("organisation_member", *KEEPERS, anon=E401),
        ownership="own",
        kwargs=API_OWN,
        data={"item": "Respiratorer", "quantity": "2"},
    ),
    api(
        "organisation-capacities",
        "POST",
        "add a capacity",
        only(*KEEPERS, anon=E401),
        ownership="other",
        kwargs=API_OTHER,
        data={"item": "Respiratorer", "quantity": "2"},
    ),
]

web, api = _web("partnerships"), _api("partnerships")
PARTICIPANT = only("organisation_member", *KEEPERS)
ROWS += [
    web("partnership-list", "GET", "list partnerships", EVERYONE),
    web("partnership-export", "GET", "export partnerships", EVERYONE, kwargs={"fmt": "csv"}),
    web("partnership-detail", "GET", "partnership page", EVERYONE, kwargs={"key": "@partnership.key"}),
    web(
        "partnership-create",
        "GET",
        "create a partnership (anyone with an organisation)",
        only("organisation_member", "authority_staff", "data_custodian", *KEEPERS),
    ),
    web(
        "partnership-edit",
        "GET",
        "edit a partnership",
        PARTICIPANT,
        ownership="participant",
        kwargs={"key": "@partnership.key"},
    ),
    web(
        "evaluation-add",
        "POST",
        "evaluate a partnership",
        only("organisation_member", "authority_staff", *KEEPERS, allowed=INPUT),
        ownership="participant",
        kwargs={"key": "@partnership.key"},
        data={
            "kind": "process",
            "date": "2026-01-01",
            "method": "Interviews",
            "findings": "Godt samarbejde.",
        },
    ),
    web("landscape", "GET", "landscape", EVERYONE),
    web(
        "landscape-figure",
        "GET",
        "landscape figure",
        EVERYONE,
        kwargs={"figure": "partnertyper", "fmt": "svg"},
    ),
    web("network", "GET", "collaboration network", EVERYONE),
    api("partnership-list", "GET", "list partnerships", EVERYONE),
    api(
        "partnership-list",
        "POST",
        "create a partnership",
        only("organisation_member", "authority_staff", "data_custodian", *KEEPERS, allowed=INPUT, anon=E401),
        data={"title": "Matrixtestpartnerskab"},
    ),
    api("partnership-detail", "GET", "one partnership", EVERYONE, kwargs={"pk": "@partnership.pk"}),
    api(
        "partnership-detail",
        "PATCH",
        "edit a partnership",
        only("organisation_member", *KEEPERS, allowed=INPUT, anon=E401),
        ownership="participant",
        kwargs={"pk": "@partnership.pk"},
        data={},
    ),
    api(
        "partnership-detail",
        "PUT",
        "replace a partnership's fields",
        only("organisation_member", *KEEPERS, allowed=INPUT, anon=E401),
        ownership="participant",
        kwargs={"pk": "@partnership.pk"},
        data={"title": "@partnership.title"},
    ),
    api("landscape", "GET", "landscape counts", EVERYONE),
    api("network", "GET", "collaboration network", EVERYONE),
]

web, api = _web("search"), _api("search")
ROWS += [
    web("search", "GET", "search page", EVERYONE, query="q=respirator"),
    api("search", "GET", "search", EVERYONE, query="q=respirator"),
]

web, api = _web("matching"), _api("matching")
ROWS += [
    web("organisation-suggestions", "GET", "suggested partners", EVERYONE, kwargs=OWN),
    api("classify", "POST", "classify a text into focus areas", grant(INPUT), data={"text": "respiratorer"}),
    api("match", "POST", "match a need to organisations", grant(INPUT), data={"text": "respiratorer"}),
]

web, api = _web("crisis"), _api("crisis")
INCIDENT = {"key": "@incident.key"}
NEED = {"pk": "@need.pk"}
ROWS += [
    web("home", "GET", "crisis front door", EVERYONE),
    web("incident_create", "GET", "declare an incident", only(*AUTHORITY)),
    web("incident_detail", "GET", "incident page", EVERYONE, kwargs=INCIDENT),
    web(
        "incident_status",
        "POST",
        "change an incident's status",
        only(*AUTHORITY, allowed=INPUT),
        ownership="responsible authority",
        kwargs=INCIDENT,
        data={},
    ),
    web("evaluation", "GET", "public evaluation of an incident", EVERYONE, kwargs=INCIDENT),
    web("evaluation_download", "GET", "evaluation workbook", EVERYONE, kwargs={**INCIDENT, "fmt": "xlsx"}),
    web("need_list", "GET", "open needs", EVERYONE),
    web("need_create", "GET", "post a need", only(*AUTHORITY)),
    web("need_export", "GET", "export open needs", EVERYONE, kwargs={"fmt": "csv"}),
    web("need_detail", "GET", "need page", EVERYONE, kwargs=NEED),
    web(
        "need_status",
        "POST",
        "change a need's status",
        only(*AUTHORITY, allowed=INPUT),
        ownership="owner authority",
        kwargs=NEED,
        data={},
    ),
    web(
        "volunteer_contact",
        "POST",
        "message a volunteer about a need",
        only(*AUTHORITY, allowed=INPUT),
        ownership="owner authority",
        kwargs={**NEED, "volunteer": "@volunteer.pk"},
        data={},
    ),
    web("offer_for_need", "GET", "offer for a need (public form)", EVERYONE, kwargs=NEED),
    web("offer_create", "GET", "offer help (public form)", EVERYONE),
    web(
        "offer_status",
        "GET",
        "offer status by private link",
        EVERYONE,
        ownership="link holder",
        kwargs="@offer_link",
    ),
    web(
        "offer_status",
        "GET",
        "offer status by private link",
        grant(E404),
        ownership="forged link",
        kwargs={"reference": "@offer.reference", "token": "forged"},
    ),
    web("my_offers", "GET", "ask for a link to one's offers", EVERYONE),
    web(
        "my_offers_list",
        "GET",
        "one's offers by signed link",
        EVERYONE,
        ownership="link holder",
        kwargs={"signed": "@my_offers"},
    ),
    web(
        "my_offers_list",
        "GET",
        "one's offers by signed link",
        grant(E404),
        ownership="forged link",
        kwargs={"signed": "forged"},
    ),
    web("inbox", "GET", "authority inbox", only(*AUTHORITY)),
    web("inbox_bulk", "POST", "bulk triage", only(*AUTHORITY, allowed=INPUT), data={}),
    web("offer_export", "GET", "export offers", only(*AUTHORITY, anon=E403), kwargs={"fmt": "csv"}),
    web(
        "offer_detail",
        "GET",
        "offer (routed to the authority)",
        only(*AUTHORITY),
        ownership="routed authority",
        kwargs={"pk": "@offer.pk"},
    ),
    web(
        "offer_action",
        "POST",
        "triage an offer",
        only(*AUTHORITY, allowed=INPUT),
        ownership="routed authority",
        kwargs={"pk": "@offer.pk"},
        data={},
    ),
    web("volunteer_register", "GET", "volunteer sign-up (public form)", EVERYONE),
    web(
        "volunteer_status",
        "GET",
        "volunteer status by private link",
        EVERYONE,
        ownership="link holder",
        kwargs="@volunteer_link",
    ),
    web(
        "frames",
        "GET",
        "capacity frames of an authority",
        only(*AUTHORITY),
        query="authority=region-hovedstaden",
    ),
    web(
        "frames_chart",
        "GET",
        "capacity frames chart",
        only(*AUTHORITY),
        kwargs={"fmt": "svg"},
        query="authority=region-hovedstaden",
    ),
    api("incident-list", "GET", "list incidents", EVERYONE),
    api("incident-list", "POST", "declare an incident", only(*AUTHORITY, allowed=INPUT, anon=E403), data={}),
    api("incident-detail", "GET", "one incident", EVERYONE, kwargs={"pk": "@incident.pk"}),
    api("incident-evaluation", "GET", "incident evaluation", EVERYONE, kwargs={"pk": "@incident.pk"}),
    api(
        "incident-transitions",
        "POST",
        "change an incident's status",
        only(*AUTHORITY, allowed=INPUT, anon=E403),
        ownership="responsible authority",
        kwargs={"pk": "@incident.pk"},
        data={"to": "stood_down"},
    ),
    api("need-list", "GET", "open needs", EVERYONE),
    api(
        "need-list",
        "POST",
        "post a need",
        only(*AUTHORITY, allowed=INPUT, anon=E403),
        data={"owner": "region-hovedstaden"},
    ),
    api("need-export", "GET", "export open needs", EVERYONE, query="format_type=csv"),
    api("need-detail", "GET", "one need", EVERYONE, kwargs={"pk": "@need.pk"}),
    api(
        "need-confirm",
        "POST",
        "confirm a need is still current",
        only(*AUTHORITY, allowed=INPUT, anon=E403),
        ownership="owner authority",
        kwargs={"pk": "@need.pk"},
        data={},
    ),
    api(
        "need-transitions",
        "POST",
        "change a need's status",
        only(*AUTHORITY, allowed=INPUT, anon=E403),
        ownership="owner authority",
        kwargs={"pk": "@need.pk"},
        data={"to": "closed"},
    ),
    api(
        "need-volunteers",
        "GET",
        "volunteers matching a need (no contact data)",
        only(*AUTHORITY, anon=E403),
        ownership="owner authority",
        kwargs={"pk": "@need.pk"},
    ),
    api("offer-list", "GET", "offers (inbox)", only(*AUTHORITY, anon=E403)),
    api("offer-list", "POST", "offer help (the public door)", grant(INPUT), data={}),
    api("offer-export", "GET", "export offers", only(*AUTHORITY, anon=E403)),
    api(
        "offer-detail",
        "GET",
        "one offer",
        only(*AUTHORITY, others=E404, anon=E404),
        ownership="routed authority",
        kwargs={"pk": "@offer.pk"},
    ),
    api(
        "offer-detail",
        "PATCH",
        "offerer updates an offer",
        grant(INPUT),
        ownership="link holder",
        kwargs={"pk": "@offer.pk"},
        query="token=@offer_link.token",
        data={},
    ),
    api(
        "offer-detail",
        "PATCH",
        "offerer updates an offer",
        grant(E404, authority_staff=E403, platform_admin=E403),
        ownership="no token",
        kwargs={"pk": "@offer.pk"},
        data={},
    ),
    api(
        "offer-claim",
        "POST",
        "claim an unrouted offer",
        only("authority_staff", allowed=INPUT, others=E404, platform_admin=E403, anon=E404),
        ownership="routed authority",
        kwargs={"pk": "@offer.pk"},
        data={},
    ),
    api(
        "offer-confirm-claim",
        "POST",
        "confirm an offer's claimed organisation",
        only(*AUTHORITY, allowed=INPUT, others=E404, anon=E404),
        ownership="routed authority",
        kwargs={"pk": "@offer.pk"},
        data={},
    ),
    api(
        "offer-transitions",
        "POST",
        "triage an offer",
        only(*AUTHORITY, allowed=INPUT, others=E404, anon=E404),
        ownership="routed authority",
        kwargs={"pk": "@offer.pk"},
        data={},
    ),
    api(
        "offer-withdraw",
        "POST",
        "offerer withdraws",
        grant(INPUT),
        ownership="link holder",
        kwargs={"pk": "@offer.pk"},
        query="token=@offer_link.token",
        data={},
    ),
    api(
        "offer-withdraw",
        "POST",
        "offerer withdraws",
        grant(E404, authority_staff=E403, platform_admin=E403),
        ownership="no token",
        kwargs={"pk": "@offer.pk"},
        data={},
    ),
    api("volunteer-list", "GET", "volunteers (no contact data)", only(*AUTHORITY, anon=E403)),
    api("volunteer-list", "POST", "volunteer sign-up (the public door)", grant(INPUT), data={}),
    api(
        "volunteer-detail",
        "GET",
        "one volunteer (no contact data)",
        only(*AUTHORITY, anon=E403),
        kwargs={"pk": "@volunteer.pk"},
    ),
    api(
        "capacity-frames",
        "GET",
        "capacity frames of an authority",
        only(*AUTHORITY, anon=E403),
        query="authority=region-hovedstaden&item=visors",
    ),
]

web, api = _web("datamap"), _api("datamap")
ROWS += [
    web("dataset_list", "GET", "data map", EVERYONE),
    web("compare", "GET", "compare datasets", EVERYONE),
    web("sandbox_list", "GET", "sandboxes", EVERYONE),
    web("dataset_detail", "GET", "dataset page", EVERYONE, kwargs={"key": "@dataset.key"}),
    api("dataset-list", "GET", "list datasets", EVERYONE),
    api("dataset-detail", "GET", "one dataset", EVERYONE, kwargs={"pk": "@dataset.pk"}),
    api("catalogue-ttl", "GET", "DCAT catalogue (Turtle)", EVERYONE),
    api("catalogue-jsonld", "GET", "DCAT catalogue (JSON-LD)", EVERYONE),
]

web, api = _web("broker"), _api("broker")
# The applicant's request routed to Sundhedsdatastyrelsen: the applicant, the custodian of
# the routed part and the broker see it; everyone else gets a 404.
SEES_REQUEST = only("applicant", "data_custodian", *BROKERS, others=E404)
ROWS += [
    web("home", "GET", "data entry point", EVERYONE),
    web("register", "GET", "public register of approved uses", EVERYONE),
    web("request_create", "GET", "apply for data", SIGNED_IN),
    web("inbox", "GET", "custodian inbox", only("data_custodian")),
    web("overview", "GET", "broker overview", only(*BROKERS)),
    web("request_detail", "GET", "an access request", SEES_REQUEST, ownership="applicant's", kwargs=REQUEST),
    web(
        "request_detail",
        "GET",
        "an access request (draft)",
        only("organisation_member", others=E404),
        ownership="member's draft",
        kwargs=DRAFT,
    ),
    web(
        "request_edit",
        "GET",
        "edit an access request",
        only(
            "applicant",
            allowed=INPUT,
            others=E404,
            data_custodian=E403,
            data_broker=E403,
            platform_admin=E403,
        ),
        ownership="applicant's",
        kwargs=REQUEST,
    ),
    web(
        "request_transition",
        "POST",
        "move an access request",
        only("applicant", "data_custodian", *BROKERS, allowed=INPUT, others=E404),
        ownership="applicant's",
        kwargs=REQUEST,
        data={},
    ),
    web(
        "amendment_create",
        "GET",
        "apply for an amendment",
        only(
            "applicant",
            allowed=INPUT,
            others=E404,
            data_custodian=E403,
            data_broker=E403,
            platform_admin=E403,
        ),
        ownership="applicant's",
        kwargs=REQUEST,
    ),
    web(
        "document_upload",
        "POST",
        "attach a document",
        only(
            "applicant",
            allowed=INPUT,
            others=E404,
            data_custodian=E403,
            data_broker=E403,
            platform_admin=E403,
        ),
        ownership="applicant's",
        kwargs=REQUEST,
        data={"kind": "protocol"},
        upload=True,
    ),
    web(
        "document_download",
        "GET",
        "download a document",
        SEES_REQUEST,
        ownership="applicant's",
        kwargs={**REQUEST, "document_id": "@document.pk"},
    ),
    web(
        "document_remove",
        "POST",
        "remove a document",
        only(
            "applicant",
            allowed=INPUT,
            others=E404,
            data_custodian=E403,
            data_broker=E403,
            platform_admin=E403,
        ),
        ownership="applicant's",
        kwargs={**REQUEST, "document_id": "@document.pk"},
        data={},
    ),
    api("access-register", "GET", "public register of approved uses", EVERYONE),
    api("access-request-list", "GET", "one's visible access requests", grant(OK, anon=E401)),
    api("access-request-list", "POST", "apply for data", grant(INPUT, anon=E401), data={}),
    api(
        "access-request-detail",
        "GET",
        "an access request",
        {**SEES_REQUEST, "anonymous": E401},
        ownership="applicant's",
        kwargs={"pk": "@request.pk"},
    ),
    api(
        "access-request-detail",
        "PATCH",
        "edit an access request",
        only(
            "applicant",
            allowed=INPUT,
            others=E404,
            data_custodian=E403,
            data_broker=E403,
            platform_admin=E403,
            anon=E401,
        ),
        ownership="applicant's",
        kwargs={"pk": "@request.pk"},
        data={},
    ),
    api(
        "access-request-amendments",
        "POST",
        "apply for an amendment",
        only(
            "applicant",
            allowed=INPUT,
            others=E404,
            data_custodian=E403,
            data_broker=E403,
            platform_admin=E403,
            anon=E401,
        ),
        ownership="applicant's",
        kwargs={"pk": "@request.pk"},
        data={},
    ),
    api(
        "access-request-documents",
        "POST",
        "attach a document",
        only(
            "applicant",
            allowed=INPUT,
            others=E404,
            data_custodian=E403,
            data_broker=E403,
            platform_admin=E403,
            anon=E401,
        ),
        ownership="applicant's",
        kwargs={"pk": "@request.pk"},
        data={"kind": "protocol"},
        upload=True,
    ),
    api(
        "access-request-document",
        "GET",
        "download a document",
        {**SEES_REQUEST, "anonymous": E401},
        ownership="applicant's",
        kwargs={"pk": "@request.pk", "document_id": "@document.pk"},
    ),
    api(
        "access-request-document",
        "DELETE",
        "remove a document",
        only(
            "applicant",
            allowed=INPUT,
            others=E404,
            data_custodian=E403,
            data_broker=E403,
            platform_admin=E403,
            anon=E401,
        ),
        ownership="applicant's",
        kwargs={"pk": "@request.pk", "document_id": "@document.pk"},
    ),
    api(
        "access-request-transitions",
        "POST",
        "move an access request",
        only("applicant", "data_custodian", *BROKERS, allowed=INPUT, others=E404, anon=E401),
        ownership="applicant's",
        kwargs={"pk": "@request.pk"},
        data={},
    ),
]

# Not a URL: who sees an organisation's contact persons on its page and in the API
# (`registry.permissions.can_view_contacts`; tested in registry/tests/test_contacts.py).
CONTACTS = {
    "own organisation": grant(OK, anon=E403, applicant=E403, data_broker=E403),
    "partner organisation (shares a current, curated partnership)": grant(
        OK, anon=E403, applicant=E403, data_broker=E403
    ),
    "unrelated organisation": grant(E403, authority_staff=OK, cluster_secretariat=OK, platform_admin=OK),
}


def rows_for(name: str) -> list[Row]:
    return [row for row in ROWS if row.name == name]


def markdown() -> str:
    """The tables of docs/permissions.md, one per app (generated; do not edit by hand)."""
    header = "| action | method and URL name | ownership | " + " | ".join(SHORT[r] for r in ROLES) + " |"
    rule = "|---|---|---|" + "---|" * len(ROLES)
    out: list[str] = []
    for app in dict.fromkeys(row.app for row in ROWS):
        out += [f"### {app}", "", header, rule]
        for row in ROWS:
            if row.app == app:
                cells = " | ".join(SYMBOL[row.outcomes[r]] for r in ROLES)
                out.append(f"| {row.action} | `{row.method} {row.name}` | {row.ownership} | {cells} |")
        out.append("")
    out += [
        "### contact persons (on the organisation page and in the API)",
        "",
        "| organisation | " + " | ".join(SHORT[r] for r in ROLES) + " |",
        "|---|" + "---|" * len(ROLES),
    ]
    for what, outcomes in CONTACTS.items():
        cells = " | ".join("✓" if outcomes[r] == OK else "–" for r in ROLES)
        out.append(f"| {what} | {cells} |")
    return "\n".join(out) + "\n"


if __name__ == "__main__":  # pragma: no cover
    print(markdown(), end="")  # noqa: T201
