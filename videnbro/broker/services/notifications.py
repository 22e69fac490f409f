"""Notifications: the other side hears of every move of an access request, by e-mail through
the task queue (enqueued in the mover's transaction), in Danish and English."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import override

from videnbro.accounts.models import Role, User
from videnbro.accounts.types import Actor
from videnbro.core.tasks import enqueue, send_email

from .. import permissions
from ..models import AccessRequest, RequestPart, state_label
from ..workflows import APPLICANT, APPROVED, CUSTODIAN

S = AccessRequest.Status
P = RequestPart.Status


def brokers() -> QuerySet[User]:
    return get_user_model().objects.filter(is_active=True, role=Role.DATA_BROKER)


def custodian_users(organisation_id: int) -> QuerySet[User]:
    return get_user_model().objects.filter(
        is_active=True, role=Role.DATA_CUSTODIAN, organisation_id=organisation_id
    )


def notify_move(
    access_request: AccessRequest,
    actor: Actor,
    side: str,
    before: str,
    to: str,
    note: str,
    part: RequestPart | None = None,
    all_decided: bool = False,
) -> None:
    """Mail everyone who must hear of the move `before → to` (never the mover)."""
    recipients: set[str] = set()
    if side != APPLICANT:
        recipients.add(access_request.applicant.email)
    if side == APPLICANT:
        recipients.update(u.email for u in brokers())
        if part is not None:  # an answer to the custodian's questions
            recipients.update(u.email for u in custodian_users(part.custodian_id))
        elif to == S.WITHDRAWN:  # custodians still deciding or preparing data
            for live in access_request.parts.exclude(status=P.REJECTED):
                recipients.update(u.email for u in custodian_users(live.custodian_id))
    if side == CUSTODIAN and part is not None and not permissions.is_part_custodian(actor, part):
        # recorded by the broker on the custodian's behalf: the custodian hears of it
        recipients.update(u.email for u in custodian_users(part.custodian_id))
    if to == S.ROUTED:
        for routed in access_request.parts.all():
            recipients.update(u.email for u in custodian_users(routed.custodian_id))
    if all_decided:
        recipients.update(u.email for u in brokers())
    if to in (S.ACCEPTED, S.PROVISIONING, S.ACTIVE, S.CLOSED):
        # The custodians who approved provide the data: they hear of every step after it.
        for approved in access_request.parts.filter(status__in=APPROVED):
            recipients.update(u.email for u in custodian_users(approved.custodian_id))
    recipients.discard(getattr(actor, "email", ""))
    recipients.discard("")
    if not recipients:
        return

    def lines() -> Iterator[str]:
        if part is not None:
            yield _("Delansøgning hos %(c)s: %(s)s") % {"c": part.custodian.name, "s": state_label(to)}
        else:
            yield _("Ny status: %(s)s") % {"s": state_label(to)}
        if note:
            yield _("Begrundelse: %(n)s") % {"n": note}
        if all_decided:
            yield _("Alle dataansvarlige har nu truffet afgørelse.")
        if to == S.COST_ESTIMATE and access_request.cost_estimate is not None:
            yield _("Prisoverslag: %(a)s kr.") % {
                "a": number_format(access_request.cost_estimate, 2, force_grouping=True)
            }

    mail(access_request, recipients, lambda: state_label(to), lines)


def mail(
    access_request: AccessRequest,
    recipients: Iterable[str],
    subject: Callable[[], str],
    lines: Callable[[], Iterable[str]],
) -> int:
    """One mail per recipient about `access_request`: `subject()` in Danish, the body in Danish
    and English – each part with the request, `lines()` and the link to the page in that
    language (not the language of whoever acted)."""
    bodies = []
    for language in ("da", "en"):
        with override(language):
            link = settings.SITE_URL.rstrip("/") + access_request.get_absolute_url()
            bodies.append(
                "\n".join(
                    [
                        _("Ansøgning %(ref)s: %(title)s")
                        % {"ref": access_request.reference, "title": access_request.project_title},
                        *lines(),
                        _("Se ansøgningen: %(link)s") % {"link": link},
                    ]
                )
            )
    with override("da"):
        title = f"[Videnbro] {access_request.reference}: {subject()}"
    body = "\n\n— English —\n\n".join(bodies) + "\n"
    addresses = sorted(recipients)
    for email in addresses:
        enqueue(send_email, email, title, body)
    return len(addresses)
