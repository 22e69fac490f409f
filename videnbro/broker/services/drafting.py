"""Drafting an access request: create or edit a draft (or an amendment of an approved
request), with its project fields and the datasets and variables it asks for."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from videnbro.accounts.types import Actor
from videnbro.core.audit import audit_log
from videnbro.core.errors import ConflictError, PermissionDeniedError
from videnbro.core.forms import validation_error
from videnbro.core.keys import by_id_or_key, random_reference
from videnbro.datamap.models import Dataset

from .. import permissions
from ..forms import PROJECT_FIELDS, AccessRequestForm
from ..models import AccessRequest, RequestedDataset
from ..workflows import EDITABLE, is_amendable

S = AccessRequest.Status
MAX_TEXT = 20_000  # characters in one free-text field or note
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class DatasetChoice:
    dataset: Dataset
    variables: list[str]


def parse_datasets(items: Any) -> list[DatasetChoice]:
    """`[{"dataset": key or id, "variables": [names]}]` → checked choices; unknown datasets
    and variables are field errors under "datasets"."""
    if items is None:
        return []
    if not isinstance(items, list):
        raise ValidationError({"datasets": [_("En liste af datasæt.")]})
    errors: list[str] = []
    choices: list[DatasetChoice] = []
    seen: set[int] = set()
    for index, item in enumerate(items):
        if isinstance(item, str | int):
            item = {"dataset": item}
        if not isinstance(item, dict) or "dataset" not in item:
            errors.append(_("%(i)s: angiv »dataset« (nøgle eller id).") % {"i": index})
            continue
        ref = str(item["dataset"])
        dataset = by_id_or_key(Dataset.objects.prefetch_related("variables"), ref)
        if dataset is None:
            errors.append(_("%(i)s: ukendt datasæt »%(d)s«.") % {"i": index, "d": ref[:100]})
            continue
        if dataset.pk in seen:
            errors.append(_("%(i)s: %(d)s er valgt to gange.") % {"i": index, "d": dataset.title})
            continue
        seen.add(dataset.pk)
        wanted = item.get("variables") or []
        if not isinstance(wanted, list) or not all(isinstance(v, str) for v in wanted):
            errors.append(_("%(i)s: »variables« skal være en liste af variabelnavne.") % {"i": index})
            continue
        if unknown := unknown_variables(dataset, wanted):
            errors.append(unknown)
            continue
        choices.append(DatasetChoice(dataset, list(dict.fromkeys(wanted))))
    if errors:
        raise ValidationError({"datasets": errors})
    return choices


def unknown_variables(dataset: Dataset, names: list[str]) -> str:
    """The error for names the dataset does not list ("" when all are known); the
    dataset's variables are expected prefetched."""
    known = {v.name for v in dataset.variables.all()}
    unknown = [name for name in names if name not in known]
    if not unknown:
        return ""
    return _("%(d)s har ikke variablen/variablene %(v)s.") % {
        "d": dataset.title,
        "v": ", ".join(unknown[:10]),
    }


def clean_text(value: Any, field: str) -> str:
    """A string without NUL or other control characters (PostgreSQL refuses NUL; a
    spreadsheet export refuses the others), within MAX_TEXT."""
    if not isinstance(value, str):
        raise ValidationError({field: [_("Skal være tekst.")]})
    if len(value) > MAX_TEXT:
        raise ValidationError({field: [_("Højst %(n)s tegn.") % {"n": MAX_TEXT}]})
    return CONTROL_CHARACTERS.sub("", value)


def _validated_project(data: dict[str, Any], instance: AccessRequest | None) -> AccessRequestForm:
    """Partial updates keep the stored values of fields the caller did not send. Values of
    the wrong JSON type (a number for a date, a list for a title) are field errors."""
    values: dict[str, Any] = {}
    if instance is not None:
        for name in PROJECT_FIELDS:
            value = getattr(instance, f"{name}_id" if name == "sandbox" else name)
            values[name] = "" if value is None else value
    errors: dict[str, list[str]] = {}
    for name, value in data.items():
        if name not in PROJECT_FIELDS:
            continue
        if value is None:
            values[name] = ""
        elif name == "sandbox" and isinstance(value, int) and not isinstance(value, bool):
            values[name] = value
        else:
            try:
                values[name] = clean_text(value, name)
            except ValidationError as exc:
                errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    form = AccessRequestForm(data=values, instance=instance)
    if not form.is_valid():
        raise validation_error(form)
    return form


def _set_datasets(access_request: AccessRequest, choices: list[DatasetChoice]) -> None:
    keep = {c.dataset.pk for c in choices}
    access_request.requested_datasets.exclude(dataset_id__in=keep).delete()
    for choice in choices:
        RequestedDataset.objects.update_or_create(
            request=access_request, dataset=choice.dataset, defaults={"variables": choice.variables}
        )


def request_save(
    *,
    actor: Actor,
    data: dict[str, Any],
    datasets: Any = None,
    access_request: AccessRequest | None = None,
    parent: AccessRequest | None = None,
) -> AccessRequest:
    """Create a draft (or an amendment of `parent`), or edit one the applicant holds
    (draft or returned). `datasets=None` leaves the chosen datasets as they are."""
    if not permissions.can_apply(actor):
        raise PermissionDeniedError(_("Log ind for at søge om adgang til data."))
    if access_request is not None and not permissions.is_applicant(actor, access_request):
        raise PermissionDeniedError(_("Kun ansøgeren kan ændre ansøgningen."))
    if parent is not None and not permissions.is_applicant(actor, parent):
        raise PermissionDeniedError(_("Kun ansøgeren kan søge om et tillæg."))
    with transaction.atomic():
        # The state is checked on a locked, fresh row: a stale page or a double click can
        # never write a submitted request back to a draft.
        if access_request is not None:
            access_request = AccessRequest.objects.select_for_update().get(pk=access_request.pk)
            _check_editable(access_request)
        if parent is not None:
            parent = AccessRequest.objects.select_for_update().get(pk=parent.pk)
            check_amendable(parent)
        form = _validated_project(data, access_request or _amendment_base(parent))
        choices = parse_datasets(datasets) if datasets is not None else None
        created = access_request is None
        saved: AccessRequest = form.save(commit=False)
        if created:
            saved.reference = random_reference("DA")
            saved.applicant = actor  # type: ignore[assignment]  # can_apply: a signed-in user
            saved.organisation = actor.organisation  # type: ignore[union-attr]
            saved.organisation_name = (
                "" if actor.organisation_id else getattr(actor, "stated_organisation", "")  # type: ignore[union-attr]
            )
            saved.status = S.DRAFT
            if parent is not None:  # a fresh copy of the parent's project fields
                saved.pk, saved._state.adding = None, True
                saved.kind, saved.parent = AccessRequest.Kind.AMENDMENT, parent
                saved.cost_estimate, saved.cost_note = None, ""
                saved.submitted_at = saved.approved_at = saved.active_at = None
                saved.closed_at = saved.due_at = None
            saved.save()
        else:
            saved.save(update_fields=[*PROJECT_FIELDS, "updated"])
        if choices is not None:
            _set_datasets(saved, choices)
        audit_log(
            actor=actor,
            action="broker.request." + ("created" if created else "edited"),
            obj=saved,
            data={"reference": saved.reference, "parent": parent.reference if parent else ""},
        )
    return saved


def _check_editable(access_request: AccessRequest) -> None:
    if access_request.status not in EDITABLE:
        raise ConflictError(
            _("Ansøgningen kan kun ændres som kladde eller når den er sendt retur (den er nu »%(s)s«).")
            % {"s": access_request.get_status_display()},
            extra={"allowed": []},
        )


def check_amendable(parent: AccessRequest) -> None:
    if not is_amendable(parent):
        raise ConflictError(
            _("Der kan kun søges tillæg til en godkendt ansøgning, der ikke er afsluttet."),
            extra={"allowed": []},
        )


def _amendment_base(parent: AccessRequest | None) -> AccessRequest | None:
    """An amendment starts as a copy of its parent's project fields (a separate instance,
    so the parent object is never touched)."""
    return AccessRequest.objects.get(pk=parent.pk) if parent is not None else None
