"""Pages of the data entry point: apply (one request, many datasets), follow it, the
custodian's inbox, the broker's overview and the public register of approved uses."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from videnbro.core.errors import ConflictError, PermissionDeniedError
from videnbro.core.forms import apply_errors, report_errors
from videnbro.core.pagination import page_of
from videnbro.core.tabular import write_table
from videnbro.datamap.models import Dataset

from . import permissions, selectors, services
from .forms import AccessRequestForm
from .inspection import max_bytes
from .models import AccessRequest, RequestDocument, RequestPart, state_label

S = AccessRequest.Status
P = RequestPart.Status
# The main path of a request, for the progress bar on its page.
PROGRESS = [
    S.DRAFT,
    S.SUBMITTED,
    S.SCREENING,
    S.ROUTED,
    S.COST_ESTIMATE,
    S.ACCEPTED,
    S.PROVISIONING,
    S.ACTIVE,
    S.CLOSED,
]


def _get(request, reference: str) -> AccessRequest:
    access_request = selectors.visible(request.user).filter(reference=reference).first()
    if access_request is None:
        raise Http404
    return access_request


def home(request):
    context: dict[str, Any] = {"register_count": selectors.approved_uses().count()}
    if request.user.is_authenticated:
        mine = selectors.request_queryset().filter(applicant=request.user)
        context.update(
            mine=mine,
            is_broker=permissions.is_broker(request.user),
            is_custodian=permissions.is_custodian(request.user),
        )
        if context["is_custodian"]:
            context["inbox_count"] = selectors.custodian_inbox(request.user).count()
    return render(request, "broker/home.html", context)


# ---------------------------------------------------------------------------------------------
# Applying


def _dataset_groups(selected: set[str]):
    """All datasets grouped by custodian, for the checkbox list."""
    groups: dict[str, list] = {}
    for dataset in (
        Dataset.objects.filter(is_synthetic=False)
        .select_related("custodian")
        .order_by("custodian__name", "title")
    ):
        groups.setdefault(dataset.custodian.name, []).append((dataset, dataset.key in selected))
    return sorted(groups.items())


def _posted_datasets(post) -> list[dict]:
    return [
        {"dataset": key, "variables": post.getlist(f"var-{key}")}
        for key in dict.fromkeys(post.getlist("datasets"))
        if key
    ]


def _editor(request, *, access_request: AccessRequest | None = None, parent: AccessRequest | None = None):
    """The create/edit page: project fields, datasets across custodians and, for each chosen
    dataset, its variables. Saving keeps a draft; nothing typed is lost on an error."""
    instance = access_request or parent
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        form = AccessRequestForm(request.POST, instance=instance)
        chosen = _posted_datasets(request.POST)
        try:
            saved = services.request_save(
                actor=request.user,
                data=request.POST.dict(),
                datasets=chosen,
                access_request=access_request,
                parent=parent,
            )
        except ConflictError as exc:  # the request moved on meanwhile: keep what was typed
            messages.error(request, exc.message)
            form.is_valid()
        except ValidationError as exc:
            errors = exc.message_dict
            form.is_valid()
            apply_errors(form, exc, others_to_form=False)  # datasets are shown by the picker
        else:
            if request.POST.get("then") == "submit":
                with report_errors(request):
                    services.request_transition(actor=request.user, access_request=saved, to=S.SUBMITTED)
                    messages.success(request, _("Ansøgningen er sendt til Dataindgangen."))
                    return redirect(saved.get_absolute_url())
                return redirect(reverse("broker:request_edit", args=[saved.reference]))
            messages.success(request, _("Kladden er gemt."))
            if request.POST.get("then") == "stay":
                return redirect(reverse("broker:request_edit", args=[saved.reference]))
            return redirect(saved.get_absolute_url())
    else:
        form = AccessRequestForm(instance=instance)
        if access_request is not None:
            chosen = [
                {"dataset": c.dataset.key, "variables": c.variables}
                for c in access_request.requested_datasets.all()
            ]
        else:
            chosen = [
                {"dataset": key, "variables": []} for key in dict.fromkeys(request.GET.getlist("d")) if key
            ]
    chosen_keys = {c["dataset"] for c in chosen}
    wanted = {c["dataset"]: set(c["variables"]) for c in chosen}
    chosen_datasets = [
        (d, [(v, v.name in wanted.get(d.key, ())) for v in d.variables.all()])
        for d in Dataset.objects.filter(key__in=chosen_keys)
        .select_related("custodian", "access_route")
        .prefetch_related("variables")
        .order_by("custodian__name", "title")
    ]
    return render(
        request,
        "broker/request_form.html",
        {
            "form": form,
            "access_request": access_request,
            "parent": parent,
            "groups": _dataset_groups(chosen_keys),
            "chosen": chosen_datasets,
            "custodian_count": len({d.custodian_id for d, _v in chosen_datasets}),
            "dataset_errors": errors.get("datasets", []),
        },
    )


@login_required
def request_create(request):
    return _editor(request)


@login_required
def request_edit(request, reference: str):
    access_request = _get(request, reference)
    if not permissions.is_applicant(request.user, access_request):
        raise PermissionDeniedError(_("Kun ansøgeren kan ændre ansøgningen."))
    if request.method == "GET" and access_request.status not in services.EDITABLE:
        messages.error(request, _("Ansøgningen kan ikke længere ændres."))
        return redirect(access_request.get_absolute_url())
    return _editor(request, access_request=access_request)


@login_required
def amendment_create(request, reference: str):
    parent = _get(request, reference)
    if not permissions.is_applicant(request.user, parent):
        raise PermissionDeniedError(_("Kun ansøgeren kan søge om et tillæg."))
    if request.method == "GET" and not services.is_amendable(parent):
        with report_errors(request):
            services.check_amendable(parent)  # says why, as an error message
        return redirect(parent.get_absolute_url())
    return _editor(request, parent=parent)


# ---------------------------------------------------------------------------------------------
# Following a request


@login_required
def request_detail(request, reference: str):
    access_request = _get(request, reference)
    moves = selectors.moves_for(request.user, access_request)
    parts = [
        (
            part,
            moves["parts"].get(part.pk, []),
            [c for c in access_request.requested_datasets.all() if c.part_id == part.pk],
        )
        for part in access_request.parts.all()
    ]
    status = access_request.status
    on_path = status in PROGRESS
    reached = PROGRESS.index(S(status)) if on_path else -1
    return render(
        request,
        "broker/request_detail.html",
        {
            "r": access_request,
            "moves": moves["request"],
            "parts": parts,
            "role": permissions.role_in(request.user, access_request),
            "progress": [(s, S(s).label, i <= reached, s == status) for i, s in enumerate(PROGRESS)],
            "events": access_request.events.select_related("part__custodian"),
            "document_kinds": RequestDocument.Kind.choices,
            "can_upload": permissions.is_applicant(request.user, access_request)
            and services.documents_open(access_request),
            "amendments": [
                a for a in access_request.amendments.all() if permissions.can_view(request.user, a)
            ],
            "can_amend": permissions.is_applicant(request.user, access_request)
            and services.is_amendable(access_request),
            "note_required": services.NOTE_REQUIRED,
            "max_upload": max_bytes(),
        },
    )


@login_required
@require_POST
def request_transition(request, reference: str):
    access_request = _get(request, reference)
    to = request.POST.get("to", "")
    with report_errors(request):
        services.request_transition(
            actor=request.user,
            access_request=access_request,
            to=to,
            note=request.POST.get("note", ""),
            part=request.POST.get("part") or None,
            cost_estimate=request.POST.get("cost_estimate"),
            variables={
                key: request.POST.getlist(f"var-{key}") for key in request.POST.getlist("answer_datasets")
            }
            or None,
        )
        messages.success(
            request, _("Status ændret til »%(s)s«. Den anden part har fået besked.") % {"s": state_label(to)}
        )
    return redirect(access_request.get_absolute_url())


@login_required
@require_POST
def document_upload(request, reference: str):
    access_request = _get(request, reference)
    with report_errors(request):
        document = services.document_add(
            actor=request.user,
            access_request=access_request,
            kind=request.POST.get("kind", ""),
            upload=request.FILES.get("file"),
        )
        messages.success(request, _("Dokumentet »%(f)s« er vedhæftet.") % {"f": document.filename})
    return redirect(access_request.get_absolute_url() + "#documents")


@login_required
@require_POST
def document_remove(request, reference: str, document_id: int):
    access_request = _get(request, reference)
    document = access_request.documents.filter(pk=document_id).first()
    if document is None:
        raise Http404
    with report_errors(request):
        services.document_remove(actor=request.user, access_request=access_request, document=document)
        messages.success(request, _("Dokumentet »%(f)s« er fjernet.") % {"f": document.filename})
    return redirect(access_request.get_absolute_url() + "#documents")


def document_response(document: RequestDocument) -> FileResponse:
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.filename,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def document_download(request, reference: str, document_id: int):
    document = _get(request, reference).documents.filter(pk=document_id).first()
    if document is None:
        raise Http404
    return document_response(document)


# ---------------------------------------------------------------------------------------------
# Custodian inbox, broker overview, public register


@login_required
def inbox(request):
    if not permissions.is_custodian(request.user):
        raise PermissionDeniedError(_("Indbakken er for dataansvarlige."))
    try:
        parts = selectors.custodian_inbox(request.user, request.GET)
        errors = {}
    except ValidationError as exc:
        parts, errors = RequestPart.objects.none(), exc.message_dict
    page, query = page_of(request, parts, 25)
    return render(
        request,
        "broker/inbox.html",
        {
            "page": page,
            "errors": errors,
            "query": query,
            "status": request.GET.get("status") or "open",
            "statuses": P.choices,
            "overdue": request.GET.get("overdue") == "1",
        },
    )


@login_required
def broker_overview(request):
    if not permissions.is_broker(request.user):
        raise PermissionDeniedError(_("Oversigten er for Dataindgangen (datamæglere)."))
    base = selectors.visible(request.user)  # submitted requests (drafts stay private)
    try:
        requests_ = selectors.filter_requests(base, request.GET)
        errors = {}
    except ValidationError as exc:
        requests_, errors = base.none(), exc.message_dict
    page, query = page_of(request, requests_.order_by("due_at", "-created"), 25)
    counts = selectors.status_counts(base)
    return render(
        request,
        "broker/overview.html",
        {
            "page": page,
            "errors": errors,
            "counts": counts,
            "max_count": max([n for _s, _l, n in counts] + [1]),
            "overdue_count": base.filter(selectors.overdue_q()).distinct().count(),
            "statuses": S.choices,
            "query": query,
        },
    )


def register(request):
    entries = [(r, selectors.approved_datasets(r)) for r in selectors.approved_uses()]
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        columns = [
            _("Reference"),
            _("Projekt"),
            _("Organisation"),
            _("Formål"),
            _("Datasæt"),
            _("Status"),
            _("Godkendt"),
        ]
        rows = [
            dict(
                zip(
                    columns,
                    [
                        r.reference,
                        r.project_title,
                        r.organisation_label,
                        r.purpose,
                        "; ".join(d.title for d in datasets),
                        r.get_status_display(),
                        timezone.localdate(r.approved_at).isoformat(),
                    ],
                    strict=True,
                )
            )
            for r, datasets in entries
        ]
        content, content_type = write_table(rows, columns, fmt, sheet_title=_("Dataanvendelser"))
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = (
            content_disposition_header(as_attachment=True, filename=f"videnbro-dataanvendelser.{fmt}")
            or "attachment"
        )
        return response
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "broker/register.html", {"page": page, "total": len(entries)})
