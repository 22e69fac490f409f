"""Documents of an access request (protocol, approvals): attach and remove them while the
applicant holds the request. What may be uploaded – documents, never data – is judged by
`broker/inspection.py`."""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from videnbro.accounts.types import Actor
from videnbro.core.audit import audit_log
from videnbro.core.errors import ConflictError, PermissionDeniedError

from .. import permissions
from ..inspection import validate_document
from ..models import AccessRequest, RequestDocument, RequestPart
from ..workflows import EDITABLE

S = AccessRequest.Status
P = RequestPart.Status


def document_add(
    *, actor: Actor, access_request: AccessRequest, kind: str, upload: UploadedFile | None
) -> RequestDocument:
    """Attach a document (protocol, approval) while the applicant holds the request or a
    custodian has asked for updates. Data files are refused (see inspection.py)."""
    if not permissions.is_applicant(actor, access_request):
        raise PermissionDeniedError(_("Kun ansøgeren kan vedhæfte dokumenter."))
    _check_documents_open(access_request)
    if kind not in RequestDocument.Kind.values:
        raise ValidationError(
            {"kind": [_("Vælg en dokumenttype: %(k)s.") % {"k": ", ".join(RequestDocument.Kind.values)}]}
        )
    if upload is None:
        raise ValidationError({"file": [_("Vælg en fil.")]})
    content_type = validate_document(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    name = upload.name or ""
    document = RequestDocument(
        request=access_request,
        kind=kind,
        filename=name[-200:],
        content_type=content_type,
        size=upload.size or 0,
        sha256=digest.hexdigest(),
        uploaded_by=access_request.applicant,  # the actor: only the applicant attaches
    )
    # The file is written before the transaction (no database lock held while copying it)
    # and removed again when the row is not written.
    document.file.save(name[-100:], upload, save=False)
    try:
        with transaction.atomic():
            _check_documents_open(AccessRequest.objects.select_for_update().get(pk=access_request.pk))
            document.save()
            audit_log(
                actor=actor,
                action="broker.document.added",
                obj=access_request,
                data={
                    "document": document.filename,
                    "kind": kind,
                    "size": upload.size,
                    "sha256": document.sha256,
                },
            )
    except BaseException:
        document.file.delete(save=False)
        raise
    return document


def documents_open(access_request: AccessRequest) -> bool:
    """Documents may be attached or removed: in a draft, a returned request, or while a
    custodian waits for updates."""
    return access_request.status in EDITABLE or (
        access_request.status == S.ROUTED and access_request.parts.filter(status=P.UPDATES_REQUESTED).exists()
    )


def _check_documents_open(access_request: AccessRequest) -> None:
    if not documents_open(access_request):
        raise ConflictError(
            _(
                "Dokumenter kan vedhæftes og fjernes i en kladde, en ansøgning "
                "sendt retur, eller når en dataansvarlig har bedt om ændringer."
            ),
            extra={"allowed": []},
        )


def document_remove(*, actor: Actor, access_request: AccessRequest, document: RequestDocument) -> None:
    """The applicant removes a document uploaded by mistake, while documents may change; the
    file goes when the deletion commits."""
    if not permissions.is_applicant(actor, access_request) or document.request_id != access_request.pk:
        raise PermissionDeniedError(_("Kun ansøgeren kan fjerne dokumenter."))
    with transaction.atomic():
        _check_documents_open(AccessRequest.objects.select_for_update().get(pk=access_request.pk))
        name, storage = document.file.name, document.file.storage
        audit_log(
            actor=actor,
            action="broker.document.removed",
            obj=access_request,
            data={"document": document.filename, "kind": document.kind, "sha256": document.sha256},
        )
        document.delete()
        transaction.on_commit(lambda: storage.delete(name))
