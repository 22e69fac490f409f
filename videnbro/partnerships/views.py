"""Partnership pages: table, detail, create, evaluation, landscape, figures and network."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from videnbro.core.csp import svg_chart_policy
from videnbro.core.downloads import attachment_header
from videnbro.core.errors import PermissionDeniedError
from videnbro.core.forms import apply_errors, handle_inline_form
from videnbro.registry.models import Organisation

from . import charts, exports, permissions, services
from .filters import PartnershipFilter
from .forms import EvaluationForm, PartnershipForm
from .models import Partnership
from .rules import suggest_focus_area, suggest_partner_type
from .selectors import landscape, network, partnership_queryset
from .taxonomy import FOCUS_AREAS

# CBS numbers first in CBS order, then the other partnerships (same on SQLite and PostgreSQL).
CBS_FIRST = F("cbs_number").asc(nulls_last=True)
SORTS = {
    "cbs_number": (CBS_FIRST, "title"),
    "-cbs_number": (F("cbs_number").desc(nulls_last=True), "title"),
    "title": ("title",),
    "-title": ("-title",),
    "focus_area": ("focus_area", CBS_FIRST),
    "-focus_area": ("-focus_area", CBS_FIRST),
    "partner_type": ("partner_type", CBS_FIRST),
    "-partner_type": ("-partner_type", CBS_FIRST),
    "status": ("status", CBS_FIRST),
    "-status": ("-status", CBS_FIRST),
}


def _filtered(request, *, public: bool = False):
    queryset = partnership_queryset(None if public else request.user)
    filterset = PartnershipFilter(request.GET or None, queryset=queryset)
    try:
        if filterset.is_bound and filterset.is_valid():
            return filterset, filterset.qs, {}
        if filterset.is_bound:
            return filterset, Partnership.objects.none(), filterset.errors
        return filterset, filterset.queryset, {}
    except ValidationError as exc:
        return filterset, Partnership.objects.none(), exc.message_dict


def partnership_list(request):
    filterset, queryset, errors = _filtered(request)
    sort = request.GET.get("sort", "cbs_number")
    queryset = queryset.order_by(*SORTS.get(sort, SORTS["cbs_number"]), "id")
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("sort", None)
    return render(
        request,
        "partnerships/_table.html" if request.htmx else "partnerships/partnership_list.html",
        {
            "filter": filterset,
            "page": page,
            "errors": errors,
            "sort": sort,
            "query": query.urlencode(),
            "focus_areas": FOCUS_AREAS,
            "can_create": permissions.can_create_partnership(request.user),
        },
    )


def partnership_export(request, fmt: str):
    if fmt not in exports.FORMATS:
        raise Http404
    _filterset, queryset, errors = _filtered(request, public=True)  # exports: public names
    if errors:
        return HttpResponse(str(errors), status=400, content_type="text/plain; charset=utf-8")
    content, content_type = exports.export_partnerships(queryset.order_by(CBS_FIRST, "title", "id"), fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = attachment_header(f"videnbro-partnerskaber.{fmt}")
    return response


def partnership_detail(request, key: str):
    partnership = get_object_or_404(partnership_queryset(request.user), key=key)
    suggestion = suggest_partner_type((p.organisation, p.role) for p in partnership.participants.all())
    return render(
        request,
        "partnerships/partnership_detail.html",
        {
            "partnership": partnership,
            "suggestion": suggestion,
            "bodies": partnership.governance_bodies.prefetch_related("memberships__organisation"),
            "contributions": partnership.contributions.select_related("organisation"),
            "outputs": partnership.outputs.all(),
            "evaluations": partnership.evaluations.select_related("evaluator"),
            "history": partnership.history.select_related("history_user")[:10],
            "can_edit": permissions.can_edit_partnership(request.user, partnership),
            "can_evaluate": permissions.can_evaluate_partnership(request.user, partnership),
            "evaluation_form": EvaluationForm(),
        },
    )


@login_required
def partnership_create(request):
    if not permissions.can_create_partnership(request.user):
        raise PermissionDeniedError(_("Du har ikke ret til at oprette partnerskaber."))
    form = PartnershipForm(request.POST or None)
    unresolved: list[dict] = []
    suggestion = focus_suggestion = None
    if request.method == "POST" and form.is_valid():
        try:
            rows = form.parsed_participants()
        except ValidationError as exc:
            form.add_error("participants", exc)
            rows = None
        if rows is not None:
            inputs = []
            for index, (name, role, note) in enumerate(rows):
                chosen = request.POST.get(f"pick-{index}")
                organisation = (
                    Organisation.objects.filter(pk=chosen).first() if chosen and chosen.isdigit() else None
                )
                inputs.append(
                    services.ParticipantInput(role=role, name=name, note=note, organisation=organisation)
                )
            data = {
                k: form.cleaned_data[k]
                for k in (
                    "title",
                    "description",
                    "focus_area",
                    "partner_type",
                    "status",
                    "start",
                    "end",
                    "is_national",
                )
            }
            if not data["focus_area"]:
                focus_suggestion = suggest_focus_area(f"{data['title']}. {data['description']}")
                if focus_suggestion:
                    data["focus_area"] = focus_suggestion.focus_area
                    # A bound form's data is the POST QueryDict (typed as a plain Mapping).
                    posted = cast(QueryDict, form.data).copy()
                    posted["focus_area"] = focus_suggestion.focus_area
                    form.data = posted
            try:
                resolved = services.resolve_participants(inputs)
                suggestion = suggest_partner_type((p.organisation, p.role) for p in resolved)
                if request.POST.get("confirm") == "1":
                    partnership = services.partnership_create(
                        actor=request.user,
                        participants=resolved,
                        regions=form.cleaned_data["regions"],
                        **data,
                    )
                    messages.success(request, _("Partnerskabet er oprettet."))
                    return redirect(partnership)
            except services.UnresolvedParticipantsError as exc:
                unresolved = exc.extra["unresolved"]
            except ValidationError as exc:
                apply_errors(form, exc)
    return render(
        request,
        "partnerships/partnership_form.html",
        {
            "form": form,
            "unresolved": unresolved,
            "suggestion": suggestion,
            "focus_suggestion": focus_suggestion,
        },
    )


@login_required
def partnership_edit(request, key: str):
    partnership = get_object_or_404(partnership_queryset(request.user), key=key)
    if not permissions.can_edit_partnership(request.user, partnership):
        raise PermissionDeniedError(_("Du har ikke ret til at redigere dette partnerskab."))
    initial = {
        "title": partnership.title,
        "description": partnership.description,
        "focus_area": partnership.focus_area,
        "status": partnership.status,
        "start": partnership.start,
        "end": partnership.end,
        "is_national": partnership.is_national,
        "regions": partnership.regions.all(),
        "partner_type": partnership.partner_type if partnership.partner_type_origin == "manual" else "",
    }
    form = PartnershipForm(request.POST or None, initial=initial)
    form.fields["participants"].required = False
    form.fields["participants"].help_text = _(
        "Deltagerne ændres ikke her; brug API'et til at ændre deltagerlisten."
    )
    form.fields["participants"].widget = forms.HiddenInput()
    if partnership.partner_type_origin == "source":
        form.fields["partner_type"].disabled = True
        form.fields["partner_type"].help_text = _("Som kodet i kilden; ændres ikke.")
    if partnership.cbs_number is not None:
        form.fields["focus_area"].disabled = True
        form.fields["focus_area"].help_text = _("Som kodet i kilden; ændres ikke.")
    if request.method == "POST" and form.is_valid():
        data = {
            k: form.cleaned_data[k]
            for k in ("title", "description", "focus_area", "status", "start", "end", "is_national")
        }
        if partnership.partner_type_origin != "source" and form.cleaned_data["partner_type"]:
            data["partner_type"] = form.cleaned_data["partner_type"]
        try:
            _p, changed = services.partnership_update(
                actor=request.user, partnership=partnership, regions=form.cleaned_data["regions"], **data
            )
            messages.success(request, _("Ændringerne er gemt.") if changed else _("Ingen ændringer."))
            return redirect(partnership)
        except ValidationError as exc:
            apply_errors(form, exc)
    return render(request, "partnerships/partnership_edit.html", {"form": form, "partnership": partnership})


@login_required
@require_POST
def evaluation_add(request, key: str):
    partnership = get_object_or_404(Partnership, key=key)
    handle_inline_form(
        request,
        EvaluationForm(request.POST),
        lambda data: services.evaluation_add(actor=request.user, partnership=partnership, **data),
        _("Evalueringen er gemt."),
    )
    return redirect(partnership.get_absolute_url() + "#evaluations")


def landscape_page(request):
    filterset, queryset, errors = _filtered(request)
    data = landscape(queryset, lang="en" if get_language() == "en" else "da")
    total = data["total"] or 1
    rows = {
        "partner_types": [
            (label, n, round(100 * n / total))
            for label, n in sorted(data["partner_types"].items(), key=lambda kv: -kv[1])
        ],
        "focus_areas": [
            (label, n, round(100 * n / total))
            for label, n in sorted(data["focus_areas"].items(), key=lambda kv: -kv[1])
        ],
    }
    query = request.GET.urlencode()
    return render(
        request,
        "partnerships/landscape.html",
        {
            "filter": filterset,
            "data": data,
            "rows": rows,
            "errors": errors,
            "query": query,
            "focus_areas": FOCUS_AREAS,
        },
    )


FIGURES = {"partnertyper": "partner_types", "fokusomraader": "focus_areas"}


@svg_chart_policy
def landscape_figure(request, figure: str, fmt: str):
    if figure not in FIGURES or fmt not in charts.CONTENT_TYPES:
        raise Http404
    _filterset, queryset, errors = _filtered(request, public=True)  # exports: public names
    if errors:
        return HttpResponse(str(errors), status=400, content_type="text/plain; charset=utf-8")
    lang = "en" if get_language() == "en" else "da"
    counts = landscape(queryset, lang=lang)[FIGURES[figure]]
    titles = {
        "partner_types": _("Partnerskaber fordelt på partnertype"),
        "focus_areas": _("Partnerskaber fordelt på fokusområde"),
    }
    content = charts.bar_chart(counts, title=titles[FIGURES[figure]], fmt=fmt, total_label=_("antal"))
    response = HttpResponse(content, content_type=charts.CONTENT_TYPES[fmt])
    if request.GET.get("download"):
        response["Content-Disposition"] = attachment_header(f"videnbro-{figure}.{fmt}")
    return response


def network_page(request):
    filterset, queryset, errors = _filtered(request)
    data = network(queryset) if not errors else {"most_connected": [], "stats": {}}
    return render(
        request,
        "partnerships/network.html",
        {
            "filter": filterset,
            "data": data,
            "errors": errors,
            "query": request.GET.urlencode(),
            "focus_areas": FOCUS_AREAS,
        },
    )
