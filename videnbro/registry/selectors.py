"""Registry reads used by the API, the web pages and exports."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Case, Count, Exists, OuterRef, Prefetch, Q, QuerySet, Value, When

from videnbro.core.keys import by_id_or_key
from videnbro.core.text import fold, normalise_name

from .models import GROUP_KINDS, Kind, Membership, Organisation, OrganisationAlias
from .permissions import can_view_unverified

if TYPE_CHECKING:
    from videnbro.accounts.types import Actor


def public_organisations() -> QuerySet[Organisation]:
    """Organisations the public may see (verified); the one rule is
    `OrganisationQuerySet.public()` – every public read goes through it."""
    return Organisation.objects.public()


def visible_organisations(user: Actor) -> QuerySet[Organisation]:
    """All organisations for staff who review unverified ones, the public ones for everyone
    else (anonymous, self-service accounts, members)."""
    return Organisation.objects.all() if can_view_unverified(user) else public_organisations()


def organisation_base_queryset(user: Actor = None) -> QuerySet[Organisation]:
    """Organisations with what lists and pages show; public ones unless `user` may review
    unverified records."""
    return (
        visible_organisations(user)
        .select_related("municipality", "region", "parent")
        .prefetch_related(
            Prefetch("aliases", queryset=OrganisationAlias.objects.order_by("name")),
        )
    )


def organisation_search(queryset: QuerySet[Organisation], q: str) -> QuerySet[Organisation]:
    """Substring match on name, aliases and folded forms ('aarhus' finds 'Århus').

    Exact name or alias matches rank first ("SSI" → Statens Serum Institut), then names that
    start with the query, then the rest alphabetically.
    """
    q = " ".join(q.split())
    if not q:
        return queryset
    normalised = normalise_name(q) or fold(q)
    alias_exact = OrganisationAlias.objects.filter(organisation=OuterRef("pk")).filter(
        Q(normalised_name=normalised) | Q(name__iexact=q)
    )
    condition = (
        Q(name__icontains=q)
        | Q(name_en__icontains=q)
        | Q(normalised_name__contains=normalised)
        | Q(aliases__normalised_name__startswith=normalised)
        | Q(aliases__name__iexact=q)
    )
    matching_ids = Organisation.objects.filter(condition).values("id")
    return (
        queryset.filter(id__in=matching_ids)
        .annotate(
            search_rank=Case(
                When(Q(normalised_name=normalised) | Exists(alias_exact), then=Value(0)),
                When(normalised_name__startswith=normalised, then=Value(1)),
                default=Value(2),
            )
        )
        .order_by("search_rank", "name", "id")
    )


def organisation_by_id_or_key(value: str) -> Organisation | None:
    """Filters accept an organisation as its numeric id or its key."""
    return by_id_or_key(Organisation.objects, value)


def organisation_groups(kind: str) -> QuerySet[Organisation]:
    assert kind in GROUP_KINDS
    return (
        public_organisations()
        .filter(kind=kind)
        .select_related("region", "municipality", "parent")
        .prefetch_related("competences")
        .annotate(
            member_count=Count(
                "members", distinct=True, filter=Q(members__organisation__in=public_organisations())
            )
        )
        .order_by("name")
    )


def group_members(group: Organisation) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(group=group, organisation__in=public_organisations().values("pk"))
        .select_related("organisation", "organisation__region", "source")
        .order_by("role", "organisation__name")
    )


def key_figures() -> dict[str, int]:
    """The home page's counts: public (verified) organisations only."""
    counts = dict(public_organisations().values_list("kind").annotate(n=Count("id")).order_by())
    return {
        "organisations": sum(counts.values()),
        "companies": counts.get(Kind.COMPANY, 0),
        "municipalities": counts.get(Kind.MUNICIPALITY, 0),
        "hospitals": counts.get(Kind.HOSPITAL, 0),
        "acute_hospitals": public_organisations().filter(is_acute_hospital=True).count(),
        "knowledge_institutions": sum(
            counts.get(k, 0)
            for k in (Kind.UNIVERSITY, Kind.UNIVERSITY_COLLEGE, Kind.GTS_INSTITUTE, Kind.RESEARCH_INSTITUTE)
        ),
        "clusters": counts.get(Kind.CLUSTER, 0),
        "hubs": counts.get(Kind.REGIONAL_HUB, 0),
        "civil_society": counts.get(Kind.CIVIL_SOCIETY, 0) + counts.get(Kind.VOLUNTEER_GROUP, 0),
    }


def _ascii_domain(host: str) -> str:
    """A host name as DNS compares it: lower case, IDNA (punycode) for non-ASCII labels."""
    host = (host or "").strip().strip(".").lower()
    if host.isascii():
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def email_domain(email: str) -> str:
    return _ascii_domain((email or "").rpartition("@")[2])


def website_domain(url: str) -> str:
    """'https://www.copcap.com/en/' → 'copcap.com'."""
    from urllib.parse import urlsplit

    host = urlsplit(url if "//" in (url or "") else f"//{url}").hostname or ""
    return _ascii_domain(host).removeprefix("www.")


def contact_is_confirmed(organisation: Organisation, email: str) -> bool:
    """Does the registry vouch for this address as the organisation's? Only when it is exactly
    the address of a contact person the organisation has registered (case-insensitive). An
    address in the organisation's website domain is not proof: anyone can type
    info@copcap.com into a form (issue 12, finding 5) – see contact_in_website_domain."""
    email = (email or "").strip()
    if not email or not email_domain(email):
        return False
    return organisation.contacts.filter(email__iexact=email).exists()


def contact_in_website_domain(organisation: Organisation, email: str) -> bool:
    """Does the address lie in the domain of the organisation's registered website (or a
    subdomain)? A hint for triage, never a confirmation: the address is typed, not proven."""
    domain = email_domain(email)
    site = website_domain(organisation.website)
    return bool(domain) and bool(site) and "." in site and (domain == site or domain.endswith("." + site))
