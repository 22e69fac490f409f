"""Every write to partnerships: permission, resolution of participants, validation, audit."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from videnbro.accounts.types import signed_in_user
from videnbro.core import versions
from videnbro.core.audit import attribute_history, audit_log, is_system
from videnbro.core.errors import ApplicationError, PermissionDeniedError
from videnbro.core.keys import unique_key
from videnbro.registry.models import Municipality, Organisation, Region
from videnbro.registry.resolver import organisation_resolve
from videnbro.registry.selectors import visible_organisations

from . import permissions
from .models import (
    Contribution,
    DatePrecision,
    Evaluation,
    GovernanceBody,
    GovernanceMember,
    Output,
    Participant,
    ParticipantRole,
    Partnership,
    PartnershipSource,
    PartnerTypeOrigin,
)
from .rules import suggest_focus_area, suggest_partner_type
from .signals import partnerships_changed

if TYPE_CHECKING:
    from datetime import date as Date

    from videnbro.accounts.types import Actor

# Bumped with every write that can change the landscape or the network.
LANDSCAPE_VERSION = "partnerships.landscape"

PARTNERSHIP_FIELDS = (
    "title",
    "description",
    "focus_area",
    "secondary_focus_areas",
    "partner_type",
    "start",
    "start_precision",
    "end",
    "end_precision",
    "status",
    "is_national",
)


@dataclass
class ParticipantInput:
    """A participant as given by a caller: an organisation, or a written name to resolve."""

    role: str = ParticipantRole.PARTNER
    organisation: Organisation | None = None
    name: str = ""
    note: str = ""


@dataclass(kw_only=True)
class ResolvedParticipant(ParticipantInput):
    """A participant placed in the registry (what `resolve_participants` returns): its
    organisation is known. Still a ParticipantInput, so it can be passed in again."""

    organisation: Organisation


class UnresolvedParticipantsError(ApplicationError):
    """Some written names could not be placed with confidence; the caller must pick."""


def _notify(ids: Iterable[int]) -> None:
    """Sent inside the writing transaction (the search index commits with the write)."""
    partnerships_changed.send(sender=Partnership, partnership_ids=list(ids))


def resolve_participants(inputs: Iterable[ParticipantInput]) -> list[ResolvedParticipant]:
    """Resolve every written name; raise with the candidates for those that are uncertain."""
    resolved: list[ResolvedParticipant] = []
    unresolved: list[dict[str, Any]] = []
    for index, item in enumerate(inputs):
        if item.role not in ParticipantRole.values:
            raise ValidationError(
                {
                    "participants": [
                        _("Ukendt rolle %(role)s. Tilladte: %(allowed)s.")
                        % {"role": item.role, "allowed": ", ".join(ParticipantRole.values)}
                    ]
                }
            )
        organisation = item.organisation
        if organisation is None:
            result = organisation_resolve(item.name)
            if result.match is None:
                unresolved.append(
                    {
                        "index": index,
                        "name": item.name,
                        "candidates": [
                            {"id": c.id, "name": c.name, "score": c.score} for c in result.candidates
                        ],
                    }
                )
                continue
            organisation = Organisation.objects.get(pk=result.match.id)
        resolved.append(
            ResolvedParticipant(role=item.role, name=item.name, note=item.note, organisation=organisation)
        )
    if unresolved:
        messages = [
            _(
                "»%(name)s« kunne ikke placeres sikkert i registret; vælg en af kandidaterne "
                "eller opret organisationen."
            )
            % {"name": u["name"]}
            for u in unresolved
        ]
        raise UnresolvedParticipantsError(
            messages[0], errors={"participants": messages}, extra={"unresolved": unresolved}
        )
    return resolved


def _check_visible(actor: Actor, participants: list[ResolvedParticipant]) -> None:
    """A participant must be an organisation the actor may see (issue 12, finding 6): an
    unverified organisation (made from an offer, a volunteer or a sign-up) is staff-only and
    cannot be listed by someone who cannot see it. The system (seeds, CLI) sees every one."""
    if is_system(actor) or not participants:
        return
    ids = {item.organisation.pk for item in participants}
    visible = set(visible_organisations(actor).filter(pk__in=ids).values_list("pk", flat=True))
    hidden = [item for item in participants if item.organisation.pk not in visible]
    if hidden:
        raise ValidationError(
            {
                "participants": [
                    _("Ukendt organisation: %(value)s.") % {"value": item.organisation.pk} for item in hidden
                ]
            }
        )


def _validate(partnership: Partnership) -> None:
    errors: dict[str, list[str]] = {}
    if partnership.start and partnership.end and partnership.end < partnership.start:
        errors["end"] = [_("Slutdatoen ligger før startdatoen.")]
    secondary = partnership.secondary_focus_areas or []
    from .taxonomy import FocusArea

    bad = [s for s in secondary if s not in FocusArea.values]
    if bad:
        errors["secondary_focus_areas"] = [_("Ukendte fokusområder: %(bad)s.") % {"bad": ", ".join(bad)}]
    try:
        partnership.full_clean(exclude=["key", *errors], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _apply_participants(partnership: Partnership, participants: list[ResolvedParticipant]) -> None:
    seen: set[tuple[int, str]] = set()
    for position, item in enumerate(participants):
        key = (item.organisation.pk, item.role)
        if key in seen:
            continue
        seen.add(key)
        Participant.objects.create(
            partnership=partnership,
            organisation=item.organisation,
            role=item.role,
            note=item.note,
            mention=item.name,
            position=position,
        )


def _apply_partner_type(partnership: Partnership, explicit: str | None) -> None:
    if explicit:
        partnership.partner_type = explicit
        partnership.partner_type_origin = PartnerTypeOrigin.MANUAL
        return
    if partnership.partner_type_origin == PartnerTypeOrigin.SOURCE and partnership.partner_type:
        return  # CBS's own coding is never overwritten by the rule
    suggestion = suggest_partner_type(
        (p.organisation, p.role) for p in partnership.participants.select_related("organisation")
    )
    partnership.partner_type = suggestion.partner_type or ""
    partnership.partner_type_origin = PartnerTypeOrigin.SUGGESTED


def partnership_create(
    *,
    actor: Actor,
    title: str,
    participants: Iterable[ParticipantInput] = (),
    key: str | None = None,
    cbs_number: int | None = None,
    regions: Iterable[Region] = (),
    municipalities: Iterable[Municipality] = (),
    sources: Iterable[dict[str, Any]] = (),
    partner_type_origin: str | None = None,
    classify: bool = True,
    **fields: Any,
) -> Partnership:
    if not is_system(actor) and not permissions.can_create_partnership(actor):
        raise PermissionDeniedError(_("Du har ikke ret til at oprette partnerskaber."))
    unknown = set(fields) - set(PARTNERSHIP_FIELDS)
    if unknown:
        raise TypeError(f"Unknown partnership fields: {sorted(unknown)}")
    explicit_type = fields.pop("partner_type", "") or ""
    if classify and not fields.get("focus_area"):
        # No focus area given: the classifier plugged in by the matching app suggests one from
        # the text – for the web form, the API and the command line alike. The seed loader
        # passes classify=False: a record its source did not code stays uncoded (real data).
        suggestion = suggest_focus_area(f"{title}. {fields.get('description', '')}")
        if suggestion is not None:
            fields["focus_area"] = suggestion.focus_area
    partnership = Partnership(title=title, cbs_number=cbs_number, **fields)
    _validate(partnership)
    resolved = resolve_participants(participants)
    _check_visible(actor, resolved)
    with transaction.atomic():
        partnership.key = key or unique_key(Partnership, title, fallback="partnerskab", max_length=100)
        if Partnership.objects.filter(key=partnership.key).exists():
            raise ValidationError({"key": [_("Nøglen findes allerede.")]})
        if cbs_number is not None and Partnership.objects.filter(cbs_number=cbs_number).exists():
            raise ValidationError({"cbs_number": [_("CBS-nummeret findes allerede.")]})
        attribute_history(partnership, actor)
        partnership.save()
        partnership.regions.set(regions)
        partnership.municipalities.set(municipalities)
        _apply_participants(partnership, resolved)
        for source in sources:
            PartnershipSource.objects.create(partnership=partnership, **source)
        if partner_type_origin == PartnerTypeOrigin.SOURCE and explicit_type:
            partnership.partner_type = explicit_type
            partnership.partner_type_origin = PartnerTypeOrigin.SOURCE
        else:
            _apply_partner_type(partnership, explicit_type or None)
        partnership.save(update_fields=["partner_type", "partner_type_origin"])
        versions.bump(LANDSCAPE_VERSION)
        audit_log(
            actor=actor,
            action="partnerships.partnership.created",
            obj=partnership,
            data={"title": title, "participants": [p.organisation.pk for p in resolved]},
        )
        _notify([partnership.pk])
    return partnership


def _keep_source_coding(partnership: Partnership, partner_type: str | None, fields: dict[str, Any]) -> None:
    """The coding a source gave (CBS's focus area and partner type) is never overwritten – by
    the web form, the API or a command alike; sending the same value again is fine."""
    errors: dict[str, list[str]] = {}
    from_source = partnership.partner_type_origin == PartnerTypeOrigin.SOURCE
    if from_source and partner_type is not None and partner_type != partnership.partner_type:
        errors["partner_type"] = [
            _("Partnertypen er kodet i kilden (%(s)s) og kan ikke ændres.") % _source(partnership)
        ]
    focus_area = fields.get("focus_area")
    if partnership.cbs_number is not None and focus_area is not None and focus_area != partnership.focus_area:
        errors["focus_area"] = [
            _("Fokusområdet er kodet i kilden (%(s)s) og kan ikke ændres.") % _source(partnership)
        ]
    if errors:
        raise ValidationError(errors)


def _source(partnership: Partnership) -> dict[str, str]:
    return {"s": f"CBS nr. {partnership.cbs_number}" if partnership.cbs_number is not None else _("kilden")}


def partnership_update(
    *,
    actor: Actor,
    partnership: Partnership,
    participants: Iterable[ParticipantInput] | None = None,
    regions: Iterable[Region] | None = None,
    municipalities: Iterable[Municipality] | None = None,
    **fields: Any,
) -> tuple[Partnership, list[str]]:
    """Change fields; sources and the CBS coding are kept. Returns the changed field names."""
    if not is_system(actor) and not permissions.can_edit_partnership(actor, partnership):
        raise PermissionDeniedError(_("Du har ikke ret til at redigere dette partnerskab."))
    unknown = set(fields) - set(PARTNERSHIP_FIELDS)
    if unknown:
        raise TypeError(f"Unknown partnership fields: {sorted(unknown)}")
    explicit_type = fields.pop("partner_type", None)
    _keep_source_coding(partnership, explicit_type, fields)
    for name in ("start", "end"):
        # A date typed in is a day; a seeded "2015" keeps its year precision until it changes.
        if (
            name in fields
            and f"{name}_precision" not in fields
            and fields[name] != getattr(partnership, name)
        ):
            fields[f"{name}_precision"] = DatePrecision.DAY
    changed = [name for name, value in fields.items() if getattr(partnership, name) != value]
    if explicit_type is not None and explicit_type != partnership.partner_type:
        changed.append("partner_type")
    resolved = resolve_participants(participants) if participants is not None else None
    if resolved is not None:
        _check_visible(actor, resolved)
        current = sorted((p.organisation_id, p.role) for p in partnership.participants.all())
        if sorted((p.organisation.pk, p.role) for p in resolved) != current:
            changed.append("participants")
    if regions is not None and {r.pk for r in regions} != set(
        partnership.regions.values_list("pk", flat=True)
    ):
        changed.append("regions")
    if municipalities is not None and {m.pk for m in municipalities} != set(
        partnership.municipalities.values_list("pk", flat=True)
    ):
        changed.append("municipalities")
    if not changed:
        return partnership, []
    with transaction.atomic():
        for name, value in fields.items():
            setattr(partnership, name, value)
        attribute_history(partnership, actor)
        _validate(partnership)
        if resolved is not None and "participants" in changed:
            partnership.participants.all().delete()
            _apply_participants(partnership, resolved)
        if regions is not None:
            partnership.regions.set(regions)
        if municipalities is not None:
            partnership.municipalities.set(municipalities)
        if "partner_type" in changed:
            _apply_partner_type(partnership, explicit_type)
        elif "participants" in changed:
            _apply_partner_type(partnership, None)
        partnership.save()
        versions.bump(LANDSCAPE_VERSION)
        audit_log(
            actor=actor, action="partnerships.partnership.updated", obj=partnership, data={"changed": changed}
        )
        _notify([partnership.pk])
    return partnership, changed


def governance_body_add(
    *,
    actor: Actor,
    partnership: Partnership,
    kind: str,
    name: str,
    mandate: str = "",
    members: Iterable[tuple[Organisation, str]] = (),
    **source: Any,
) -> GovernanceBody:
    if not is_system(actor) and not permissions.can_edit_partnership(actor, partnership):
        raise PermissionDeniedError(_("Du har ikke ret til at redigere dette partnerskab."))
    body = GovernanceBody(partnership=partnership, kind=kind, name=name, mandate=mandate, **source)
    body.full_clean(validate_constraints=False, validate_unique=False)
    if GovernanceBody.objects.filter(partnership=partnership, name=name).exists():
        raise ValidationError({"name": [_("Organet findes allerede i partnerskabet.")]})
    with transaction.atomic():
        body.save()
        for organisation, note in members:
            GovernanceMember.objects.get_or_create(
                body=body, organisation=organisation, defaults={"note": note}
            )
        audit_log(
            actor=actor,
            action="partnerships.governance_body.added",
            obj=body,
            data={"partnership": partnership.pk, "kind": kind},
        )
    return body


def contribution_add(*, actor: Actor, partnership: Partnership, **fields: Any) -> Contribution:
    if not is_system(actor) and not permissions.can_edit_partnership(actor, partnership):
        raise PermissionDeniedError(_("Du har ikke ret til at redigere dette partnerskab."))
    contribution = Contribution(partnership=partnership, **fields)
    contribution.full_clean(validate_constraints=False)
    if (
        contribution.cash_dkk is None
        and contribution.staff_hours is None
        and not contribution.in_kind
        and not contribution.note
    ):
        raise ValidationError({"cash_dkk": [_("Angiv kontantbeløb, timer eller naturalier.")]})
    with transaction.atomic():
        contribution.save()
        audit_log(
            actor=actor,
            action="partnerships.contribution.added",
            obj=contribution,
            data={"partnership": partnership.pk},
        )
    return contribution


def output_add(*, actor: Actor, partnership: Partnership, **fields: Any) -> Output:
    if not is_system(actor) and not permissions.can_edit_partnership(actor, partnership):
        raise PermissionDeniedError(_("Du har ikke ret til at redigere dette partnerskab."))
    output = Output(partnership=partnership, **fields)
    output.full_clean()
    with transaction.atomic():
        output.save()
        audit_log(
            actor=actor, action="partnerships.output.added", obj=output, data={"partnership": partnership.pk}
        )
    return output


def evaluation_add(
    *,
    actor: Actor,
    partnership: Partnership,
    kind: str,
    date: Date,
    method: str,
    findings: str,
    rating: int | None = None,
    evaluator: Organisation | None = None,
) -> Evaluation:
    if not is_system(actor) and not permissions.can_evaluate_partnership(actor, partnership):
        raise PermissionDeniedError(_("Du har ikke ret til at evaluere dette partnerskab."))
    evaluation = Evaluation(
        partnership=partnership,
        kind=kind,
        date=date,
        method=method,
        findings=findings,
        rating=rating,
        evaluator=evaluator,
        created_by=signed_in_user(actor),
    )
    evaluation.full_clean(validate_constraints=False)
    with transaction.atomic():
        evaluation.save()
        audit_log(
            actor=actor,
            action="partnerships.evaluation.added",
            obj=evaluation,
            data={"partnership": partnership.pk, "kind": kind, "rating": rating},
        )
    return evaluation
