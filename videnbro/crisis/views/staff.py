"""Authority staff pages: the offer inbox (with bulk actions), an offer's triage page and the
three-frame capacity overview."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from videnbro.core.csp import svg_chart_policy
from videnbro.core.forms import report_errors
from videnbro.core.pagination import page_of
from videnbro.partnerships.taxonomy import FocusArea
from videnbro.registry.models import Organisation

from .. import permissions, services
from ..filters import OfferFilter
from ..frames import capacity_frames
from ..frames import frames_chart as draw_frames_chart
from ..models import Offer
from ..selectors import allowed_moves, group_duplicates, offers_visible_to, order_offers
from ..taxonomy import ITEM_CHOICES
from .common import require_authority


@login_required
def inbox(request):
    require_authority(request)
    filterset = OfferFilter(request.GET, queryset=offers_visible_to(request.user), request=request)
    offers = (
        order_offers(filterset.qs, filterset.ordering_value) if filterset.is_valid() else Offer.objects.none()
    )
    page, query = page_of(request, offers, 50)
    return render(
        request,
        "crisis/inbox.html",
        {
            "filter": filterset,
            "page": page,
            "groups": group_duplicates(list(page.object_list)),
            "query": query,
            "statuses": Offer.Status.choices,
            "bulk_targets": [
                (s, Offer.Status(s).label)
                for s in (
                    Offer.Status.IN_REVIEW,
                    Offer.Status.ACCEPTED,
                    Offer.Status.DECLINED,
                    Offer.Status.FULFILLED,
                )
            ],
        },
    )


@login_required
@require_POST
def inbox_bulk(request):
    require_authority(request)
    ids = [int(i) for i in request.POST.getlist("offer") if i.isdigit()]
    to = request.POST.get("to", "")
    if not ids or to not in Offer.Status.values:
        messages.error(request, _("Vælg tilbud og en handling."))
        return redirect(reverse("crisis:inbox") + "?" + request.POST.get("query", ""))
    offers = offers_visible_to(request.user).filter(pk__in=ids)
    result = services.offer_bulk_transition(
        actor=request.user, offers=offers, to=to, note=request.POST.get("note", "")
    )
    if result.done:
        messages.success(
            request,
            _("%(n)s tilbud er ændret til »%(s)s«.") % {"n": len(result.done), "s": Offer.Status(to).label},
        )
    for offer, reason in result.skipped:
        messages.warning(request, f"{offer.reference}: {reason}")
    return redirect(reverse("crisis:inbox") + "?" + request.POST.get("query", ""))


def _visible_offer(request, pk: int) -> Offer:
    require_authority(request)
    offer = offers_visible_to(request.user).filter(pk=pk).first()
    if offer is None:
        raise Http404
    return offer


@login_required
def offer_detail(request, pk: int):
    offer = _visible_offer(request, pk)
    return render(
        request,
        "crisis/offer_detail.html",
        {
            "offer": offer,
            "events": offer.events.select_related("actor"),
            "can_triage": permissions.can_triage_offer(request.user, offer),
            "can_claim": offer.routed_to_id is None and request.user.organisation_id is not None,
            "can_confirm_claim": offer.has_unverified_claim
            and permissions.can_confirm_offer_claim(request.user, offer),
            "show_contact": permissions.can_see_offer_contact(request.user, offer),
            "next_statuses": [
                (s, Offer.Status(s).label)
                for s in allowed_moves(offer)
                if s != Offer.Status.NEEDS_INFORMATION
            ],
            "can_ask": Offer.Status.NEEDS_INFORMATION in allowed_moves(offer)
            or offer.status == Offer.Status.NEW,
            "duplicates": offer.duplicates.all(),
        },
    )


@login_required
@require_POST
def offer_action(request, pk: int):
    offer = _visible_offer(request, pk)
    action = request.POST.get("action")
    with report_errors(request):
        if action == "claim":
            services.offer_claim(actor=request.user, offer=offer)
            messages.success(request, _("Tilbuddet er nu i jeres indbakke."))
        elif action == "confirm_claim":
            services.offer_confirm_claim(actor=request.user, offer=offer)
            messages.success(request, _("Tilbudsgiverens organisation er bekræftet."))
        elif action == "ask":
            services.offer_request_information(
                actor=request.user, offer=offer, message=request.POST.get("note", "")
            )
            messages.success(request, _("Spørgsmålet er sendt til tilbudsgiveren."))
        else:
            services.offer_transition(
                actor=request.user,
                offer=offer,
                to=request.POST.get("to", ""),
                note=request.POST.get("note", ""),
            )
            messages.success(request, _("Tilbuddets status er ændret."))
    return redirect("crisis:offer_detail", pk=offer.pk)


def _frames_params(request):
    require_authority(request)
    key = request.GET.get("authority") or (request.user.organisation.key if request.user.organisation else "")
    authority = Organisation.objects.filter(key=key).first() if key else None
    item = request.GET.get("item", "")
    category = request.GET.get("category", "")
    if item not in dict(ITEM_CHOICES):
        item = ""
    if category not in FocusArea.values:
        category = ""
    if not item and not category:
        item = "visors"
    return authority, item, category


@login_required
def frames(request):
    authority, item, category = _frames_params(request)
    overview = capacity_frames(authority, item=item, category=category) if authority else None
    return render(
        request,
        "crisis/frames.html",
        {
            "overview": overview,
            "authority": authority,
            "item": item,
            "category": category,
            "items": ITEM_CHOICES,
            "categories": FocusArea.choices,
            "authorities": Organisation.objects.filter(
                sector="public", kind__in=("region", "municipality", "national_authority")
            )
            .order_by("name")
            .only("key", "name"),
            "query": request.GET.urlencode(),
        },
    )


@login_required
@svg_chart_policy
def frames_chart(request, fmt: str):
    if fmt not in ("svg", "png"):
        raise Http404
    authority, item, category = _frames_params(request)
    if authority is None:
        raise Http404
    overview = capacity_frames(authority, item=item, category=category)
    return HttpResponse(
        draw_frames_chart(overview, fmt), content_type="image/svg+xml" if fmt == "svg" else "image/png"
    )
