"""The crisis overview and incidents: declare, show, move, evaluate."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from videnbro.core.errors import PermissionDeniedError
from videnbro.core.forms import report_errors

from .. import permissions, services
from ..forms import IncidentForm
from ..models import Incident, Need
from ..report import context as report_context
from ..report import evaluate
from ..selectors import moves_for, needs_visible_to
from .common import form_page


def home(request):
    incidents = Incident.objects.prefetch_related("responsible").order_by("status", "-starts_on")
    needs = (
        needs_visible_to(request.user)
        .filter(status=Need.Status.OPEN)
        .order_by("priority", "needed_by", "-created")[:20]
    )
    return render(
        request,
        "crisis/home.html",
        {
            "open_incidents": [i for i in incidents if i.is_open],
            "past_incidents": [i for i in incidents if not i.is_open],
            "needs": needs,
            "is_authority": permissions.is_authority(request.user),
        },
    )


@login_required
def incident_create(request):
    if not permissions.can_declare_incident(request.user):
        raise PermissionDeniedError(_("Kun myndighedsmedarbejdere kan erklære en hændelse."))
    form = IncidentForm(
        request.POST or None,
        initial={"responsible": [request.user.organisation.key] if request.user.organisation else []},
    )
    return form_page(
        request,
        form,
        lambda: services.incident_declare(actor=request.user, data=request.POST),
        success=_("Hændelsen er erklæret."),
        next_url=lambda incident: reverse("crisis:incident_detail", kwargs={"key": incident.key}),
        title=_("Erklær en hændelse"),
        submit=_("Erklær hændelse"),
    )


def incident_detail(request, key: str):
    incident = get_object_or_404(Incident.objects.prefetch_related("responsible", "regions"), key=key)
    needs = needs_visible_to(request.user).filter(incident=incident).order_by("status", "priority")
    can_manage = permissions.can_manage_incident(request.user, incident)
    return render(
        request,
        "crisis/incident_detail.html",
        {
            "incident": incident,
            "needs": needs,
            "can_manage": can_manage,
            "next_statuses": moves_for(incident) if can_manage else [],
            "partnership_count": incident.partnerships.count(),
            "can_post_need": permissions.is_authority(request.user) and incident.is_open,
        },
    )


@login_required
@require_POST
def incident_status(request, key: str):
    incident = get_object_or_404(Incident, key=key)
    with report_errors(request):
        services.incident_transition(
            actor=request.user,
            incident=incident,
            to=request.POST.get("to", ""),
            note=request.POST.get("note", ""),
        )
        messages.success(request, _("Hændelsens status er ændret."))
    return redirect("crisis:incident_detail", key=incident.key)


def evaluation(request, key: str):
    incident = get_object_or_404(Incident, key=key)
    return render(request, "crisis/evaluation.html", report_context(evaluate(incident)))
