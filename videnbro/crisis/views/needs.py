"""Needs: the public list, and for their authority create, show (with matching offers,
volunteers and partners), move and contact volunteers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from videnbro.core.forms import report_errors
from videnbro.core.pagination import page_of
from videnbro.matching.matcher import MatchRequest, match

from .. import permissions, services
from ..filters import NeedFilter
from ..forms import NeedForm
from ..matching import volunteers_for_need
from ..models import Incident, Need, Offer, Volunteer
from ..selectors import moves_for, needs_visible_to, order_offers
from ..taxonomy import REQUIREMENT_BY_SLUG
from .common import form_page, require_authority


def need_list(request):
    filterset = NeedFilter(request.GET, queryset=needs_visible_to(request.user), request=request)
    needs = (
        filterset.qs.order_by("status", "priority", "needed_by", "-created")
        if filterset.is_valid()
        else Need.objects.none()
    )
    page, query = page_of(request, needs, 25)
    return render(
        request,
        "crisis/need_list.html",
        {
            "filter": filterset,
            "page": page,
            "query": query,
            "is_authority": permissions.is_authority(request.user),
        },
    )


@login_required
def need_create(request):
    require_authority(request)
    incident_key = request.GET.get("incident")
    initial = {"incident": Incident.objects.filter(key=incident_key).first()} if incident_key else {}
    form = NeedForm(request.POST or None, initial=initial)
    return form_page(
        request,
        form,
        lambda: services.need_create(actor=request.user, data=request.POST),
        success=_("Behovet er oprettet."),
        next_url=lambda need: reverse("crisis:need_detail", kwargs={"pk": need.pk}),
        title=_("Nyt behov"),
        submit=_("Opret behov"),
        intro=_(
            "Vælg de oplysninger, et tilbud skal give: tilbudsformularen bygges ud fra "
            "dem og afviser tilbud, der mangler dem."
        ),
    )


def _need_for(request, pk: int) -> Need:
    need = needs_visible_to(request.user).filter(pk=pk).first()
    if need is None:
        raise Http404
    return need


def need_detail(request, pk: int):
    need = _need_for(request, pk)
    can_manage = permissions.can_manage_need(request.user, need)
    context = {
        "need": need,
        "can_manage": can_manage,
        "requirements": [REQUIREMENT_BY_SLUG[s] for s in need.requirements if s in REQUIREMENT_BY_SLUG],
    }
    if can_manage:
        context["offers"] = order_offers(
            Offer.objects.filter(matched_need=need).select_related("organisation"), "score"
        )
        context["volunteers"] = (
            volunteers_for_need(need, limit=25) if need.item == "staff" or need.skills else []
        )
        context["next_statuses"] = moves_for(need)
        try:
            context["suggestions"], _focus = match(
                MatchRequest(
                    text=f"{need.title}. {need.description}"[:5000],
                    focus_area=need.focus_area,
                    region=need.region.slug if need.region else None,
                    limit=8,
                    asker=need.owner,
                )
            )
        except ValidationError:
            context["suggestions"] = []
    return render(request, "crisis/need_detail.html", context)


@login_required
@require_POST
def need_status(request, pk: int):
    need = get_object_or_404(Need, pk=pk)
    with report_errors(request):
        if request.POST.get("to") == "confirm":
            days = request.POST.get("days") or "7"
            services.need_confirm(actor=request.user, need=need, days=int(days) if days.isdigit() else 0)
            messages.success(request, _("Behovet er bekræftet."))
        else:
            services.need_transition(actor=request.user, need=need, to=request.POST.get("to", ""))
            messages.success(request, _("Behovets status er ændret."))
    return redirect("crisis:need_detail", pk=need.pk)


@login_required
@require_POST
def volunteer_contact(request, pk: int, volunteer: int):
    need = get_object_or_404(Need, pk=pk)
    target = get_object_or_404(Volunteer, pk=volunteer)
    with report_errors(request):
        services.volunteer_contact(
            actor=request.user, need=need, volunteer=target, message=request.POST.get("message", "")
        )
        messages.success(request, _("Beskeden er sendt til den frivillige gennem Videnbro."))
    return redirect("crisis:need_detail", pk=need.pk)
