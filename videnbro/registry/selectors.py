"""Registry reads used by the API, the web pages and exports."""

from __future__ import annotations

from django.db.models import Case, Count, Exists, OuterRef, Prefetch, Q, QuerySet, Value, When

from .models import GROUP_KINDS, Kind, Membership, Organisation, OrganisationAlias
from .text import fold, normalise_name


def organisation_base_queryset() -> QuerySet[Organisation]:
    return Organisation.objects.select_related("municipality", "region", "parent").prefetch_related(
        Prefetch("aliases", queryset=OrganisationAlias.objects.order_by("name")),
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
    alias_exact = OrganisationAlias.objects.filter(
        organisation=OuterRef("pk")
    ).filter(Q(normalised_name=normalised) | Q(name__iexact=q))
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
    from videnbro.core.keys import by_id_or_key

    return by_id_or_key(Organisation.objects, value)


def organisation_groups(kind: str) -> QuerySet[Organisation]:
    assert kind in GROUP_KINDS
    return (
        Organisation.objects.filter(kind=kind)
        .select_related("region", "municipality", "parent")
        .prefetch_related("competences")
        .annotate(member_count=Count("members", distinct=True))
        .order_by("name")
    )


def group_members(group: Organisation) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(group=group)
        .select_related("organisation", "organisation__region", "source")
        .order_by("role", "organisation__name")
    )


def key_figures() -> dict[str, int]:
    counts = dict(
        Organisation.objects.values_list("kind").annotate(n=Count("id")).order_by()
    )
    return {
        "organisations": sum(counts.values()),
        "companies": counts.get(Kind.COMPANY, 0),
        "municipalities": counts.get(Kind.MUNICIPALITY, 0),
        "hospitals": counts.get(Kind.HOSPITAL, 0),
        "acute_hospitals": Organisation.objects.filter(is_acute_hospital=True).count(),
        "knowledge_institutions": sum(
            counts.get(k, 0)
            for k in (Kind.UNIVERSITY, Kind.UNIVERSITY_COLLEGE, Kind.GTS_INSTITUTE,
                      Kind.RESEARCH_INSTITUTE)
        ),
        "clusters": counts.get(Kind.CLUSTER, 0),
        "hubs": counts.get(Kind.REGIONAL_HUB, 0),
        "civil_society": counts.get(Kind.CIVIL_SOCIETY, 0) + counts.get(Kind.VOLUNTEER_GROUP, 0),
    }
