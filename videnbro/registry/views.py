"""Registry pages: organisation list and detail, groups, create and edit."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from videnbro.core.downloads import attachment_header
from videnbro.core.errors import PermissionDeniedError
from videnbro.core.forms import handle_inline_form, report_errors
from videnbro.core.pagination import page_of
from videnbro.core.sections import page_sections

from . import exports, permissions, services
from .filters import OrganisationFilter
from .forms import CapacityForm, ContactForm, OrganisationForm
from .models import Capacity, Kind, Organisation
from .selectors import (
    group_members,
    organisation_base_queryset,
    organisation_groups,
    public_organisations,
    visible_organisations,
)
from .signals import organisation_page_sections

PAGE_SIZE = 30


def _filtered(request):
    filterset = OrganisationFilter(
        request.GET or None, queryset=organisation_base_queryset(request.user).order_by("name", "id")
    )
    try:
        queryset = filterset.qs if filterset.is_bound else filterset.queryset
        errors = filterset.errors if filterset.is_bound else {}
    except ValidationError as exc:
        queryset, errors = Organisation.objects.none(), exc.message_dict
    return filterset, queryset, errors


def organisation_list(request):
    filterset, queryset, errors = _filtered(request)
    page, query = page_of(request, queryset, PAGE_SIZE)
    context = {
        "filter": filterset,
        "page": page,
        "errors": errors,
        "query": query,
        "can_create": permissions.can_create_organisation(request.user),
        # Staff review organisations created from offers and imports (issue 12, finding 6).
        "can_review": permissions.can_view_unverified(request.user),
    }
    template = "registry/_organisation_results.html" if request.htmx else "registry/organisation_list.html"
    return render(request, template, context)


def organisation_export(request, fmt: str):
    if fmt not in exports.FORMATS:
        raise Http404
    _filterset, queryset, errors = _filtered(request)
    if errors:
        return HttpResponse(str(errors), status=400, content_type="text/plain; charset=utf-8")
    content, content_type = exports.export_organisations(queryset, fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = attachment_header(f"videnbro-organisationer.{fmt}")
    return response


def organisation_detail(request, key: str):
    organisation = get_object_or_404(
        organisation_base_queryset(request.user)
        .select_related("source")
        .prefetch_related("competences", "capacities", "sites__municipality", "units"),
        key=key,
    )
    memberships = organisation.memberships.select_related("group").order_by("group__name")
    context = {
        "organisation": organisation,
        "memberships": memberships,
        "members": group_members(organisation) if organisation.is_group else None,
        "contacts": organisation.contacts.all()
        if permissions.can_view_contacts(request.user, organisation)
        else None,
        "can_edit": permissions.can_edit_organisation(request.user, organisation),
        "can_verify": not organisation.is_verified and permissions.can_verify_organisation(request.user),
        "history": organisation.history.select_related("history_user")[:10],
        # Higher apps add their sections (partnerships, suggested partners) through a signal.
        "sections": page_sections(
            organisation_page_sections, sender=Organisation, request=request, organisation=organisation
        ),
        "capacity_form": CapacityForm(),
        "contact_form": ContactForm(),
    }
    return render(request, "registry/organisation_detail.html", context)


@login_required
def organisation_create(request):
    if not permissions.can_create_organisation(request.user):
        raise PermissionDeniedError(_("Du har ikke ret til at oprette organisationer."))
    return _organisation_form(request, None)


@login_required
def organisation_edit(request, key: str):
    return _organisation_form(request, _editable(request, key))


@login_required
@require_POST
def organisation_verify(request, key: str):
    organisation = get_object_or_404(visible_organisations(request.user), key=key)
    with report_errors(request):
        services.organisation_verify(actor=request.user, organisation=organisation)
        messages.success(request, _("Organisationen er verificeret og vises nu offentligt."))
    return redirect(organisation)


def _editable(request, key: str) -> Organisation:
    organisation = get_object_or_404(visible_organisations(request.user), key=key)
    if not permissions.can_edit_organisation(request.user, organisation):
        raise PermissionDeniedError(_("Du har ikke ret til at redigere denne organisation."))
    return organisation


@login_required
@require_POST
def capacity_add(request, key: str):
    organisation = _editable(request, key)
    handle_inline_form(
        request,
        CapacityForm(request.POST),
        lambda data: services.capacity_add(actor=request.user, organisation=organisation, **data),
        _("Kapaciteten er tilføjet."),
    )
    return redirect(organisation.get_absolute_url() + "#cap-h")


@login_required
@require_POST
def capacity_remove(request, key: str, pk: int):
    organisation = _editable(request, key)
    capacity = get_object_or_404(Capacity, pk=pk, organisation=organisation)
    services.capacity_remove(actor=request.user, capacity=capacity)
    messages.success(request, _("Kapaciteten er fjernet."))
    return redirect(organisation.get_absolute_url() + "#cap-h")


@login_required
@require_POST
def contact_add(request, key: str):
    organisation = _editable(request, key)
    handle_inline_form(
        request,
        ContactForm(request.POST),
        lambda data: services.contact_add(actor=request.user, organisation=organisation, **data),
        _("Kontaktpersonen er tilføjet."),
    )
    return redirect(organisation.get_absolute_url() + "#contacts-h")


def _organisation_form(request, organisation: Organisation | None):
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            if organisation is None:
                organisation = services.organisation_create(actor=request.user, **form.service_kwargs())
                messages.success(request, _("Organisationen er oprettet."))
            else:
                services.organisation_update(
                    actor=request.user, organisation=organisation, **form.service_kwargs()
                )
                messages.success(request, _("Ændringerne er gemt."))
            return redirect(organisation)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                target = field if field in form.fields else None
                if field == "competences":
                    target = "competences_text"
                for error in errors:
                    form.add_error(target, error)
    return render(request, "registry/organisation_form.html", {"form": form, "organisation": organisation})


def _group_list(request, kind: str, intro: str, title: str):
    groups = organisation_groups(kind)
    return render(
        request, "registry/group_list.html", {"groups": groups, "title": title, "intro": intro, "kind": kind}
    )


def cluster_list(request):
    return _group_list(
        request,
        Kind.CLUSTER,
        title=_("Klynger"),
        intro=_("Danmarks nationale klynger og deres kontorer (kilde: klyngeoversigten 2021–2024)."),
    )


def hub_list(request):
    return _group_list(
        request,
        Kind.REGIONAL_HUB,
        title=_("Regionale hubs"),
        intro=_("Danish Life Science Clusters fem hubs – et kontor og et community i hver region."),
    )


def collaboration_list(request):
    acute = (
        public_organisations()
        .filter(is_acute_hospital=True)
        .select_related("region", "parent")
        .order_by("region__code", "name")
    )
    groups = organisation_groups(Kind.HEALTH_COLLABORATION)
    return render(
        request,
        "registry/collaboration_list.html",
        {
            "groups": groups,
            "acute_hospitals": acute,
            "by_region": acute.values("region__name").annotate(n=Count("id")).order_by("region__name"),
        },
    )
