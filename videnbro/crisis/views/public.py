"""What the public uses without an account: the offer form, the offerer's status page with the
private link, "my offers" by e-mail, and the volunteer sign-up and its status page. The forms
work without JavaScript; every write goes through the services."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from videnbro.core.errors import ApplicationError
from videnbro.core.forms import apply_errors, report_errors
from videnbro.core.throttling import check_web_throttle

from .. import services
from ..forms import OfferForm, VolunteerForm
from ..models import Offer, Volunteer
from ..selectors import offerer_can_update, offerer_can_withdraw, offers_of_email, open_needs
from ..signing import (
    check_offer_token,
    check_volunteer_token,
    my_offers_email,
    offer_status_path,
    volunteer_token,
)
from ..taxonomy import REQUIREMENT_BY_SLUG


def offer_create(request, pk: int | None = None):
    need = None
    if pk is not None:
        need = open_needs().filter(pk=pk).select_related("owner", "incident").first()
        if need is None:
            raise Http404
    if request.method == "POST":
        check_web_throttle(request)
        form = OfferForm(request.POST, need=need)
        if form.is_valid():
            data = {
                k: v for k, v in request.POST.items() if k not in ("csrfmiddlewaretoken", "submission_key")
            }
            try:
                result = services.offer_submit(
                    data=data,
                    actor=request.user if request.user.is_authenticated else None,
                    idempotency_key=request.POST.get("submission_key") or None,
                    channel="web",
                    language=get_language() or "da",
                    need=need,
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                return redirect(offer_status_path(result.offer) + "?ny=1")
        submission_key = request.POST.get("submission_key") or uuid.uuid4().hex
    else:
        form = OfferForm(need=need, initial={"need": need.pk} if need else None)
        submission_key = uuid.uuid4().hex
    return render(
        request,
        "crisis/offer_form.html",
        {
            "form": form,
            "need": need,
            "submission_key": submission_key,
            "requirements": [REQUIREMENT_BY_SLUG[s] for s in need.requirements] if need else [],
            "open_needs": open_needs().select_related("owner")[:50] if need is None else [],
        },
    )


def _offer_by_link(reference: str, token: str) -> Offer:
    offer = (
        Offer.objects.select_related("organisation", "matched_need__owner", "need__owner", "routed_to")
        .filter(reference=reference)
        .first()
    )
    if offer is None or not check_offer_token(offer, token):
        raise Http404
    return offer


def offer_status(request, reference: str, token: str):
    offer = _offer_by_link(reference, token)
    if request.method == "POST":
        action = request.POST.get("action")
        with report_errors(request, reraise_forbidden=False):
            if action == "withdraw":
                services.offer_withdraw(offer=offer, token=token, note=request.POST.get("note", ""))
                messages.success(request, _("Tilbuddet er trukket tilbage."))
            else:
                data = {k: request.POST.get(k, "") for k in services.OFFERER_FIELDS if k in request.POST}
                services.offer_update_by_offerer(
                    offer=offer, token=token, data=data, note=request.POST.get("note", "")
                )
                messages.success(request, _("Tak – tilbuddet er opdateret."))
        return redirect(request.path)
    questions = offer.events.filter(kind="request_info").order_by("-created")
    return render(
        request,
        "crisis/offer_status.html",
        {
            "offer": offer,
            "events": offer.events.all(),
            "is_new": request.GET.get("ny") == "1",
            "questions": questions,
            "status_url": request.build_absolute_uri(request.path),
            "can_withdraw": offerer_can_withdraw(offer),
            "can_update": offerer_can_update(offer),
        },
    )


def my_offers(request):
    """Ask for a link to all offers given with an e-mail address; the link goes to that
    address only, so nobody sees another person's offers by typing their address."""
    sent = False
    email = ""
    if request.method == "POST":
        check_web_throttle(request)
        email = request.POST.get("email", "").strip()
        try:
            services.offer_links_send(email=email)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            sent = True  # also when the address has no offers: the page never tells
    return render(request, "crisis/my_offers.html", {"sent": sent, "email": email})


def my_offers_list(request, signed: str):
    email = my_offers_email(signed)
    if email is None:
        raise Http404
    return render(
        request,
        "crisis/my_offers.html",
        {"offers": [(o, offer_status_path(o)) for o in offers_of_email(email)], "listing": True},
    )


def volunteer_register(request):
    form = VolunteerForm(request.POST or None)
    if request.method == "POST":
        check_web_throttle(request)
        if form.is_valid():
            try:
                volunteer, _created = services.volunteer_register(
                    data=request.POST, idempotency_key=request.POST.get("submission_key")
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                return redirect(
                    "crisis:volunteer_status",
                    reference=volunteer.reference,
                    token=volunteer_token(volunteer),
                )
    return render(
        request,
        "crisis/volunteer_form.html",
        {"form": form, "submission_key": request.POST.get("submission_key") or uuid.uuid4().hex},
    )


def volunteer_status(request, reference: str, token: str):
    volunteer = Volunteer.objects.select_related("municipality").filter(reference=reference).first()
    if volunteer is None or not check_volunteer_token(volunteer, token):
        raise Http404
    if request.method == "POST" and request.POST.get("action") == "withdraw":
        services.volunteer_withdraw(volunteer=volunteer)
        messages.success(request, _("Dit samtykke er trukket tilbage, og dine oplysninger er slettet."))
        return redirect(request.path)
    return render(
        request,
        "crisis/volunteer_status.html",
        {"volunteer": volunteer, "status_url": request.build_absolute_uri(request.path)},
    )
