"""Downloads: the evaluation report (PDF, XLSX) and the exports of needs and offers (CSV, XLSX,
HXL), named through downloads.attachment (Django's Content-Disposition helper)."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from videnbro.core.throttling import check_web_throttle

from .. import downloads, exports
from ..filters import NeedFilter, OfferFilter
from ..models import Incident
from ..report import render_pdf, render_xlsx
from ..selectors import needs_visible_to, offers_visible_to, order_offers
from .common import require_authority


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
        return downloads.attachment(pdf, "application/pdf", f"evaluering-{incident.key}.pdf")
    return downloads.attachment(
        downloads.evaluation_file(incident, "xlsx", render_xlsx),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"evaluering-{incident.key}.xlsx",
    )


def need_export(request, fmt: str):
    if fmt not in exports.EXTENSIONS and fmt != "hxl.csv":
        raise Http404
    fmt = "hxl" if fmt == "hxl.csv" else fmt
    filterset = NeedFilter(request.GET, queryset=needs_visible_to(request.user))
    if not filterset.is_valid():
        return HttpResponse(str(filterset.errors), status=400, content_type="text/plain; charset=utf-8")
    content, content_type = exports.export_needs(filterset.qs.order_by("-created", "pk"), fmt)
    return downloads.attachment(content, content_type, exports.filename("behov", fmt))


def offer_export(request, fmt: str):
    require_authority(request)
    fmt = "hxl" if fmt == "hxl.csv" else fmt
    if fmt not in exports.EXTENSIONS:
        raise Http404
    filterset = OfferFilter(request.GET, queryset=offers_visible_to(request.user), request=request)
    if not filterset.is_valid():
        return HttpResponse(str(filterset.errors), status=400, content_type="text/plain; charset=utf-8")
    content, content_type = exports.export_offers(
        order_offers(filterset.qs, filterset.ordering_value), fmt, request.user
    )
    return downloads.attachment(content, content_type, exports.filename("tilbud", fmt))
