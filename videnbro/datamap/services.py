"""Every write to the health data map: permission, validation, transaction, audit.

Seeding (`seeding.py`), the DCAT harvest (`dcat/harvest.py`, whose `import_catalogue()` checks
the import permission and writes one `datamap.catalogue.imported` row) and any editor write
through these functions. Benchmark data (`synthetic.py`) is bulk-created on purpose, without
audit rows: it is not a change anybody made. Nothing is written – no history row, no audit row –
when nothing changed, so seeding and importing again are no-ops.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils.translation import gettext as _

from videnbro.accounts.types import Actor
from videnbro.core.audit import attribute_history, audit_log, is_system
from videnbro.core.errors import PermissionDeniedError
from videnbro.core.keys import unique_key

from . import permissions
from .models import AccessRoute, Dataset, Sandbox, Variable

DATASET_FIELDS = (
    "title",
    "title_en",
    "acronym",
    "description",
    "description_en",
    "custodian",
    "publisher",
    "contact_point",
    "themes",
    "keywords",
    "population_coverage",
    "time_coverage_from",
    "update_frequency",
    "number_of_records",
    "unique_individuals",
    "coding_systems",
    "legal_basis",
    "personal_data",
    "access_route",
    "landing_page",
    "source_url",
    "source_note",
)
VARIABLE_FIELDS = ("label", "label_en", "type", "coding_system", "source_url")
ACCESS_ROUTE_FIELDS = (
    "name",
    "name_en",
    "organisation",
    "url",
    "steps",
    "steps_en",
    "typical_processing_time",
    "fee",
    "source_url",
)
SANDBOX_FIELDS = (
    "name",
    "name_en",
    "operator",
    "description",
    "description_en",
    "data",
    "eligible_users",
    "cost_model",
    "access",
    "url",
    "source_url",
)

M = TypeVar("M", bound=models.Model)


@dataclass
class VariableChanges:
    """What `dataset_variables_set` did, by variable name."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)


def _check_edit(actor: Actor) -> None:
    if actor is None or is_system(actor):
        return
    if not permissions.can_edit_datamap(actor):
        raise PermissionDeniedError(_("Du har ikke ret til at redigere datalandkortet."))


def _known(fields: Mapping[str, Any], allowed: tuple[str, ...], what: str) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"Unknown {what} fields: {sorted(unknown)}")


def _audit_data(data: dict[str, Any], source: str) -> dict[str, Any]:
    return {**data, "source": source} if source else data


def _create(actor: Actor, instance: M, action: str, data: dict[str, Any], source: str) -> M:
    instance.full_clean()
    attribute_history(instance, actor)
    instance.save()
    audit_log(actor=actor, action=action, obj=instance, data=_audit_data(data, source))
    return instance


def _update(actor: Actor, instance: M, fields: Mapping[str, Any], action: str, source: str) -> list[str]:
    """Set the fields that differ; save, validated, and audit only when any did."""
    changed = [name for name, value in fields.items() if getattr(instance, name) != value]
    if not changed:
        return []
    for name in changed:
        setattr(instance, name, fields[name])
    instance.full_clean()
    attribute_history(instance, actor)
    instance.save()
    audit_log(actor=actor, action=action, obj=instance, data=_audit_data({"fields": changed}, source))
    return changed


# --- datasets ---------------------------------------------------------------------------------


def dataset_create(*, actor: Actor, key: str | None = None, source: str = "", **fields: Any) -> Dataset:
    """Create a dataset; the key defaults to one made from the title. `source` says where the
    values came from (a seed file, a DCAT subject) and goes into the audit row."""
    _check_edit(actor)
    _known(fields, DATASET_FIELDS, "dataset")
    with transaction.atomic():
        dataset = Dataset(**fields)
        dataset.key = key or unique_key(Dataset, dataset.title, fallback="datasaet")
        return _create(actor, dataset, "datamap.dataset.created", {"title": dataset.title}, source)


def dataset_update(*, actor: Actor, dataset: Dataset, source: str = "", **fields: Any) -> list[str]:
    """Apply the given fields; return the names of those that changed."""
    _check_edit(actor)
    _known(fields, DATASET_FIELDS, "dataset")
    with transaction.atomic():
        return _update(actor, dataset, fields, "datamap.dataset.updated", source)


def dataset_variables_set(
    *,
    actor: Actor,
    dataset: Dataset,
    variables: Sequence[Mapping[str, str]],
    remove_others: bool = True,
    source: str = "",
) -> VariableChanges:
    """Make the dataset's variables those given (by name; the first of a repeated name wins),
    removing the others unless `remove_others=False`. One audit row when anything changed."""
    _check_edit(actor)
    wanted: dict[str, Mapping[str, str]] = {}
    for variable in variables:
        wanted.setdefault(variable["name"], variable)
    for values in wanted.values():
        _known({k: v for k, v in values.items() if k != "name"}, VARIABLE_FIELDS, "variable")
    changes = VariableChanges()
    with transaction.atomic():
        existing = {v.name: v for v in dataset.variables.all()}
        if remove_others:
            for name, current in existing.items():
                if name not in wanted:
                    current.delete()
                    changes.removed.append(name)
        for name, values in wanted.items():
            fields = {k: v for k, v in values.items() if k != "name"}
            found = existing.get(name)
            if found is None:
                Variable.objects.create(dataset=dataset, name=name, **fields)
                changes.added.append(name)
            elif any(getattr(found, k) != v for k, v in fields.items()):
                for k, v in fields.items():
                    setattr(found, k, v)
                found.save()
                changes.changed.append(name)
            else:
                changes.unchanged.append(name)
        if changes:
            audit_log(
                actor=actor,
                action="datamap.dataset.variables_updated",
                obj=dataset,
                data=_audit_data(
                    {"added": changes.added, "changed": changes.changed, "removed": changes.removed}, source
                ),
            )
    return changes


# --- access routes and sandboxes --------------------------------------------------------------


def access_route_create(*, actor: Actor, key: str, source: str = "", **fields: Any) -> AccessRoute:
    _check_edit(actor)
    _known(fields, ACCESS_ROUTE_FIELDS, "access route")
    with transaction.atomic():
        route = AccessRoute(key=key, **fields)
        return _create(actor, route, "datamap.access_route.created", {"name": route.name}, source)


def access_route_update(*, actor: Actor, route: AccessRoute, source: str = "", **fields: Any) -> list[str]:
    _check_edit(actor)
    _known(fields, ACCESS_ROUTE_FIELDS, "access route")
    with transaction.atomic():
        return _update(actor, route, fields, "datamap.access_route.updated", source)


def sandbox_create(
    *, actor: Actor, key: str, datasets: Iterable[Dataset] = (), source: str = "", **fields: Any
) -> Sandbox:
    _check_edit(actor)
    _known(fields, SANDBOX_FIELDS, "sandbox")
    with transaction.atomic():
        sandbox = _create(
            actor, Sandbox(key=key, **fields), "datamap.sandbox.created", {"name": fields.get("name")}, source
        )
        sandbox.datasets.set(list(datasets))
        return sandbox


def sandbox_update(
    *,
    actor: Actor,
    sandbox: Sandbox,
    datasets: Iterable[Dataset] | None = None,
    source: str = "",
    **fields: Any,
) -> list[str]:
    """Apply the fields and, when given, the datasets; return what changed."""
    _check_edit(actor)
    _known(fields, SANDBOX_FIELDS, "sandbox")
    with transaction.atomic():
        changed = _update(actor, sandbox, fields, "datamap.sandbox.updated", source)
        if datasets is not None:
            wanted = list(datasets)
            if {d.pk for d in wanted} != set(sandbox.datasets.values_list("pk", flat=True)):
                sandbox.datasets.set(wanted)
                audit_log(
                    actor=actor,
                    action="datamap.sandbox.updated",
                    obj=sandbox,
                    data=_audit_data({"fields": ["datasets"]}, source),
                )
                changed.append("datasets")
        return changed
