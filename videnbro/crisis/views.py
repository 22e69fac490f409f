"""Web pages of the crisis front door. The public forms (offer, volunteer) work without
JavaScript and without an account; every write goes through the services."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from videnbro.core.csp import svg_chart_policy
from videnbro.core.errors import ApplicationError, PermissionDeniedError
from videnbro.core.forms import apply_errors, report_errors
from videnbro.core.pagination import page_of
from videnbro.core.throttling import check_web_throttle
from videnbro.matching.matcher import MatchRequest, match
from videnbro.partnerships.taxonomy import FocusArea
from videnbro.registry.models import Organisation

from . import downloads, exports, permissions, services
from .forms import IncidentForm, NeedForm, OfferForm, VolunteerForm
from .frames import capacity_frames
from .frames import frames_chart as draw_frames_chart
from .matching import volunteers_for_need
from .models import Incident, Need, Offer, Volunteer
from .report import context as report_context
from .report import evaluate, render_pdf, render_xlsx
from .selectors import (
    NeedFilter,
    OfferFilter,
    allowed_moves,
    group_duplicates,
    moves_for,
    needs_visible_to,
    offerer_can_update,
    offerer_can_withdraw,
    offers_of_email,
    offers_visible_to,
    open_needs,
    order_offers,
)
from .signing import (
    check_offer_token,
    check_volunteer_token,
    my_offers_email,
    offer_status_path,
    volunteer_token,
)
from .taxonomy import ITEM_CHOICES, REQUIREMENT_BY_SLUG


def _form_page(request, form, save, *, success: str, next_url, title: str, submit: str, intro: str = ""):
    """A create page: on a valid POST call the service (`save`), report its field errors on
    the form or redirect to the new record; otherwise show the form."""
    if request.method == "POST" and form.is_valid():
        try:
            created = save()
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect(next_url(created))
    return render(
        request,
        "crisis/form.html",
        {"form": form, "title": title, "submit": submit, "intro": intro, "cancel": reverse("crisis:home")},
    )


def _require_authority(request) -> None:
    if not permissions.is_authority(request.user):
        raise PermissionDeniedError(_("Siden er for myndighedsmedarbejdere."))


# ---------------------------------------------------------------------------------------------
# Overview, incidents


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
    return _form_page(
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


def evaluation_download(request, key: str, fmt: str):
    incident = get_object_or_404(Incident, key=key)
    if fmt not in ("pdf", "xlsx"):
        raise Http404
    # Rendering is expensive: anonymous clients are limited (429 page with Retry-After) and
    # each incident version is rendered once per language (crisis/downloads.py).
    check_web_throttle(request, throttle_class=downloads.ReportDownloadThrottle)
    if fmt == "pdf":
        try:
            pdf = downloads.evaluation_file(incident, "pdf", render_pdf)
        except OSError:  # WeasyPrint without Debian's Pango: say so instead of a 500
            return render(
                request,
                "error.html",
                {
                    "status": 503,
                    "message": _(
                        "PDF kan ikke laves på denne server (Pango mangler: apt-get install "
                        "libpango-1.0-0 libpangoft2-1.0-0). Hent Excel-udgaven i stedet."
                    ),
                },
                status=503,
            )
        response = HttpResponse(pdf, content_type="application/pdf")
    else:
        response = HttpResponse(
            downloads.evaluation_file(incident, "xlsx", render_xlsx),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="evaluering-{incident.key}.{fmt}"'
    return response


# ---------------------------------------------------------------------------------------------
# Needs


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


def need_export(request, fmt: str):
    if fmt not in exports.EXTENSIONS and fmt != "hxl.csv":
        raise Http404
    fmt = "hxl" if fmt == "hxl.csv" else fmt
    filterset = NeedFilter(request.GET, queryset=needs_visible_to(request.user))
    if not filterset.is_valid():
        return HttpResponse(str(filterset.errors), status=400, content_type="text/plain; charset=utf-8")
    content, content_type = exports.export_needs(filterset.qs.order_by("-created", "pk"), fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{exports.filename("behov", fmt)}"'
    return response


@login_required
def need_create(request):
    _require_authority(request)
    incident_key = request.GET.get("incident")
    initial = {"incident": Incident.objects.filter(key=incident_key).first()} if incident_key else {}
    form = NeedForm(request.POST or None, initial=initial)
    return _form_page(
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


# ---------------------------------------------------------------------------------------------
# The public offer form and the offerer's pages


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


# ---------------------------------------------------------------------------------------------
# The authority's inbox


@login_required
def inbox(request):
    _require_authority(request)
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
    _require_authority(request)
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


def offer_export(request, fmt: str):
    _require_authority(request)
    fmt = "hxl" if fmt == "hxl.csv" else fmt
    if fmt not in exports.EXTENSIONS:
        raise Http404
    filterset = OfferFilter(request.GET, queryset=offers_visible_to(request.user), request=request)
    if not filterset.is_valid():
        return HttpResponse(str(filterset.errors), status=400, content_type="text/plain; charset=utf-8")
    content, content_type = exports.export_offers(
        order_offers(filterset.qs, filterset.ordering_value), fmt, request.user
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{exports.filename("tilbud", fmt)}"'
    return response


def _visible_offer(request, pk: int) -> Offer:
    _require_authority(request)
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


# ---------------------------------------------------------------------------------------------
# Volunteers


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


# ---------------------------------------------------------------------------------------------
# Three frames


def _frames_params(request):
    _require_authority(request)
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
