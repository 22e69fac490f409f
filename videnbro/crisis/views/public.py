"""What the public uses without an account: the offer form, the offerer's status page with the
private link, "my offers" by e-mail, and the volunteer sign-up and its status page. The forms
work without JavaScript; every write goes through the services."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from videnbro.core.errors import ApplicationError
from videnbro.core.forms import apply_errors, report_errors
from videnbro.core.throttling import check_web_throttle

from .. import services
from ..forms import OfferForm, VolunteerForm
from ..models import Offer, Volunteer

MY_OFFERS_SALT = "videnbro.crisis.my-offers"
MY_OFFERS_MAX_AGE = 7 * 24 * 3600


def offer_create(request, pk: int | None = None):
    need = None
    if pk is not None:
        need = services.open_needs().filter(pk=pk).select_related("owner", "incident").first()
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
                return redirect(services.offer_status_path(result.offer) + "?ny=1")
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
            "requirements": [services.REQUIREMENT_BY_SLUG[s] for s in need.requirements] if need else [],
            "open_needs": services.open_needs().select_related("owner")[:50] if need is None else [],
        },
    )


def _offer_by_link(reference: str, token: str) -> Offer:
    offer = (
        Offer.objects.select_related("organisation", "matched_need__owner", "need__owner", "routed_to")
        .filter(reference=reference)
        .first()
    )
    if offer is None or not services.check_offer_token(offer, token):
        raise Http404
    return offer


def offer_status(request, reference: str, token: str):
    offer = _offer_by_link(reference, token)
    if request.method == "POST":
        action = request.POST.get("action")
        with report_errors(request, reraise_forbidden=False):
            if action == "withdraw":
                services.offer_withdraw(offer=offer, note=request.POST.get("note", ""))
                messages.success(request, _("Tilbuddet er trukket tilbage."))
            else:
                data = {k: request.POST.get(k, "") for k in services.OFFERER_FIELDS if k in request.POST}
                services.offer_update_by_offerer(offer=offer, data=data, note=request.POST.get("note", ""))
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
            "can_withdraw": offer.status in services.OFFERER_CAN_WITHDRAW,
            "can_update": offer.status
            not in (Offer.Status.WITHDRAWN, Offer.Status.FULFILLED, Offer.Status.DECLINED),
        },
    )


def my_offers(request):
    """Ask for a link to all offers given with an e-mail address; the link goes to that
    address only, so nobody sees another person's offers by typing their address."""
    sent = False
    email = ""
    if request.method == "POST":
        check_web_throttle(request)
        from django import forms as django_forms

        try:
            email = django_forms.EmailField().clean(request.POST.get("email", ""))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            signed = signing.dumps(email.casefold(), salt=MY_OFFERS_SALT)
            link = services._absolute(reverse("crisis:my_offers_list", kwargs={"signed": signed}))
            if Offer.objects.filter(contact_email__iexact=email).exists():
                from django.db import transaction

                with transaction.atomic():
                    services.enqueue(
                        services.send_email,
                        email,
                        _("Dine tilbud på Videnbro"),
                        _("Se dine tilbud her (linket virker i 7 dage): %(l)s") % {"l": link},
                    )
            sent = True
    return render(request, "crisis/my_offers.html", {"sent": sent, "email": email})


def my_offers_list(request, signed: str):
    try:
        email = signing.loads(signed, salt=MY_OFFERS_SALT, max_age=MY_OFFERS_MAX_AGE)
    except signing.BadSignature:
        raise Http404 from None
    offers = Offer.objects.filter(contact_email__iexact=email).order_by("-created")
    return render(
        request,
        "crisis/my_offers.html",
        {"offers": [(o, services.offer_status_path(o)) for o in offers], "listing": True},
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
                    token=services.volunteer_token(volunteer),
                )
    return render(
        request,
        "crisis/volunteer_form.html",
        {"form": form, "submission_key": request.POST.get("submission_key") or uuid.uuid4().hex},
    )


def volunteer_status(request, reference: str, token: str):
    volunteer = Volunteer.objects.select_related("municipality").filter(reference=reference).first()
    if volunteer is None or not services.check_volunteer_token(volunteer, token):
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
