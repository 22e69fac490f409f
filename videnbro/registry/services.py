"""Every write to the registry: permission, validation, transaction, audit, signal."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from videnbro.accounts.types import signed_in_user
from videnbro.core.audit import attribute_history, audit_log, is_system
from videnbro.core.errors import ConflictError, PermissionDeniedError
from videnbro.core.keys import unique_key
from videnbro.core.text import normalise_name, slugify_key

from . import permissions
from .models import (
    KIND_DEFAULT_SECTOR,
    Capacity,
    Competence,
    ContactPerson,
    Kind,
    Membership,
    Organisation,
    OrganisationAlias,
)
from .signals import organisations_changed
from .validators import clean_cvr

if TYPE_CHECKING:
    from videnbro.accounts.types import Actor

# Plain fields a caller may set; relations and lists are handled separately.
ORGANISATION_FIELDS = (
    "name",
    "name_en",
    "kind",
    "sector",
    "cvr",
    "municipality",
    "region",
    "website",
    "size_band",
    "description",
    "parent",
    "is_acute_hospital",
    "is_verified",
    "source",
    "source_page",
    "source_url",
)


def _notify(organisation_ids: Iterable[int]) -> None:
    """Sent inside the writing transaction, so derived data (the search index) commits with
    the write or not at all."""
    organisations_changed.send(sender=Organisation, organisation_ids=list(organisation_ids))


def dedupe_aliases(name: str, aliases: Iterable[str]) -> list[str]:
    """Aliases worth storing: one per normalised form, none equal to the name itself
    (the resolver already matches case, punctuation and suffix variants of the name)."""
    seen = {normalise_name(name)}
    kept = []
    for raw in aliases:
        alias = " ".join(str(raw).split())
        normalised = normalise_name(alias)
        if alias and normalised and normalised not in seen:
            seen.add(normalised)
            kept.append(alias)
    return sorted(kept)


def _clean_aliases(organisation: Organisation, aliases: Iterable[str]) -> list[str]:
    """Deduplicate and refuse an alias that already names another organisation."""
    cleaned: list[str] = []
    seen: set[str] = {normalise_name(organisation.name)}
    errors: list[str] = []
    for raw in aliases:
        alias = " ".join(str(raw).split())
        normalised = normalise_name(alias)
        if not alias or not normalised or normalised in seen:
            continue
        clash = Organisation.objects.filter(normalised_name=normalised).exclude(pk=organisation.pk).first()
        if clash is None:
            other_alias = (
                OrganisationAlias.objects.select_related("organisation")
                .filter(normalised_name=normalised)
                .exclude(organisation_id=organisation.pk)
                .first()
            )
            clash = other_alias.organisation if other_alias else None
        if clash is not None:
            errors.append(
                _("Aliaset »%(alias)s« bruges allerede af %(other)s.") % {"alias": alias, "other": clash.name}
            )
            continue
        seen.add(normalised)
        cleaned.append(alias)
    if errors:
        raise ValidationError({"aliases": errors})
    return cleaned


def _validate(organisation: Organisation) -> None:
    errors: dict[str, list[str]] = {}
    if organisation.cvr:
        try:
            organisation.cvr = clean_cvr(organisation.cvr)
        except ValidationError as exc:
            errors["cvr"] = exc.messages
        else:
            other = Organisation.objects.filter(cvr=organisation.cvr).exclude(pk=organisation.pk).first()
            if other is not None:
                errors["cvr"] = [
                    _("CVR-nummeret %(cvr)s er allerede registreret for %(other)s.")
                    % {"cvr": organisation.cvr, "other": other.name}
                ]
    else:
        organisation.cvr = None
    if organisation.municipality_id and organisation.municipality is not None:
        municipality_region = organisation.municipality.region_id
        if organisation.region_id and organisation.region_id != municipality_region:
            errors["region"] = [_("Regionen passer ikke til kommunen.")]
        organisation.region_id = municipality_region
    if organisation.parent_id and organisation.parent_id == organisation.pk:
        errors["parent"] = [_("En organisation kan ikke høre under sig selv.")]
    if organisation.is_acute_hospital and organisation.kind != Kind.HOSPITAL:
        errors["is_acute_hospital"] = [_("Kun hospitaler kan være akuthospitaler.")]
    organisation.normalised_name = normalise_name(organisation.name or "")
    if organisation.name and not organisation.normalised_name:
        errors["name"] = [_("Navnet skal indeholde bogstaver eller tal.")]
    if organisation.normalised_name:
        same_name = Organisation.objects.filter(normalised_name=organisation.normalised_name).exclude(
            pk=organisation.pk
        )
        if organisation.cvr:
            same_name = same_name.exclude(cvr__isnull=False)
        existing = same_name.first()
        if existing is not None:
            errors["name"] = [
                _("%(name)s findes allerede i registret; brug den eksisterende post.")
                % {"name": existing.name}
            ]
    try:
        organisation.full_clean(exclude=["key", "normalised_name", *errors.keys()], validate_unique=False)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _set_competences(organisation: Organisation, names: Iterable[str]) -> None:
    competences = []
    for raw in names:
        name = " ".join(str(raw).split())
        if not name:
            continue
        competence, _created = Competence.objects.get_or_create(
            slug=slugify_key(name)[:120], defaults={"name": name[:100]}
        )
        competences.append(competence)
    organisation.competences.set(competences)


def _set_aliases(organisation: Organisation, aliases: list[str]) -> None:
    wanted = {a: normalise_name(a) for a in aliases}
    organisation.aliases.exclude(name__in=list(wanted)).delete()
    existing = set(organisation.aliases.values_list("name", flat=True))
    for alias, normalised in wanted.items():
        if alias not in existing:
            OrganisationAlias.objects.create(
                organisation=organisation, name=alias, normalised_name=normalised
            )


def organisation_create(
    *,
    actor: Actor,
    key: str | None = None,
    aliases: Iterable[str] = (),
    competences: Iterable[str] = (),
    **fields: Any,
) -> Organisation:
    """Create an organisation; the sector defaults from the kind."""
    if not is_system(actor) and not permissions.can_create_organisation(actor):
        raise PermissionDeniedError(_("Du har ikke ret til at oprette organisationer."))
    unknown = set(fields) - set(ORGANISATION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown organisation fields: {sorted(unknown)}")
    organisation = Organisation(**fields)
    if not organisation.sector and organisation.kind in KIND_DEFAULT_SECTOR:
        organisation.sector = KIND_DEFAULT_SECTOR[organisation.kind]
    if organisation.is_verified:
        # Seeded, imported and staff-created records are verified by whoever created them;
        # records created for what the public sends in pass is_verified=False.
        organisation.verified_at = timezone.now()
        organisation.verified_by = signed_in_user(actor)
    with transaction.atomic():
        _validate(organisation)
        organisation.key = key or unique_key(Organisation, organisation.name, fallback="organisation")
        attribute_history(organisation, actor)
        if Organisation.objects.filter(key=organisation.key).exists():
            raise ValidationError({"key": [_("Nøglen findes allerede.")]})
        organisation.save()
        _set_aliases(organisation, _clean_aliases(organisation, aliases))
        _set_competences(organisation, competences)
        audit_log(
            actor=actor,
            action="registry.organisation.created",
            obj=organisation,
            data={"name": organisation.name, "kind": organisation.kind},
        )
        _notify([organisation.pk])
    return organisation


def organisation_update(
    *,
    actor: Actor,
    organisation: Organisation,
    aliases: Iterable[str] | None = None,
    competences: Iterable[str] | None = None,
    **fields: Any,
) -> tuple[Organisation, list[str]]:
    """Apply the given fields; return the organisation and the names of changed fields.

    Nothing is written (no history, no audit row) when nothing changed, so re-seeding is a no-op.
    """
    if not is_system(actor) and not permissions.can_edit_organisation(actor, organisation):
        raise PermissionDeniedError(_("Du har ikke ret til at redigere denne organisation."))
    unknown = set(fields) - set(ORGANISATION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown organisation fields: {sorted(unknown)}")
    # One transaction for the whole update (finding 6 of issue 12): the verification commits
    # with the other fields or not at all, never alone before they are validated.
    with transaction.atomic():
        return _organisation_update(
            actor=actor, organisation=organisation, aliases=aliases, competences=competences, **fields
        )


def _organisation_update(
    *,
    actor: Actor,
    organisation: Organisation,
    aliases: Iterable[str] | None,
    competences: Iterable[str] | None,
    **fields: Any,
) -> tuple[Organisation, list[str]]:
    verified_now = []
    if fields.get("is_verified", organisation.is_verified) != organisation.is_verified:
        # Verification has its own service, permission and audit row.
        if not is_system(actor) and not permissions.can_verify_organisation(actor):
            raise PermissionDeniedError(
                _("Kun registrets redaktører kan ændre, om en organisation er verificeret.")
            )
        if not fields.pop("is_verified"):
            # Un-verifying is not supported: refused, never silently ignored.
            raise ValidationError(
                {"is_verified": [_("En verificeret organisation kan ikke gøres uverificeret.")]}
            )
        organisation = organisation_verify(actor=actor, organisation=organisation)
        verified_now = ["is_verified"]
    if "kind" in fields and not fields.get("sector") and "sector" not in fields:
        fields["sector"] = KIND_DEFAULT_SECTOR.get(fields["kind"], organisation.sector)
    if "sector" in fields and not fields["sector"]:
        fields["sector"] = KIND_DEFAULT_SECTOR.get(fields.get("kind", organisation.kind))
    if "cvr" in fields:
        try:
            fields["cvr"] = clean_cvr(fields["cvr"]) if fields["cvr"] else None
        except ValidationError as exc:
            raise ValidationError({"cvr": exc.messages}) from None
    if fields.get("municipality") is not None and "region" not in fields:
        fields["region"] = fields["municipality"].region
    changed = [name for name, value in fields.items() if getattr(organisation, name) != value]
    alias_list = None
    if aliases is not None:
        alias_list = dedupe_aliases(fields.get("name", organisation.name), aliases)
        if alias_list != sorted(organisation.aliases.values_list("name", flat=True)):
            changed.append("aliases")
    competence_list = None
    if competences is not None:
        competence_list = sorted({" ".join(c.split()) for c in competences if c.strip()})
        current = sorted(organisation.competences.values_list("name", flat=True))
        if [slugify_key(c) for c in competence_list] != [slugify_key(c) for c in current]:
            changed.append("competences")
    if not changed:
        return organisation, verified_now
    with transaction.atomic():
        for name, value in fields.items():
            setattr(organisation, name, value)
        attribute_history(organisation, actor)
        _validate(organisation)
        organisation.save()
        if alias_list is not None and "aliases" in changed:
            _set_aliases(organisation, _clean_aliases(organisation, alias_list))
        if competence_list is not None and "competences" in changed:
            _set_competences(organisation, competence_list)
        audit_log(
            actor=actor, action="registry.organisation.updated", obj=organisation, data={"changed": changed}
        )
        _notify([organisation.pk])
    return organisation, verified_now + changed


def organisation_verify(*, actor: Actor, organisation: Organisation) -> Organisation:
    """Staff confirm that an organisation created from an offer, a volunteer or an import is
    real: from now on it is public (lists, search, counts, networks, exports, reports)."""
    if not is_system(actor) and not permissions.can_verify_organisation(actor):
        raise PermissionDeniedError(
            _("Kun registrets redaktører og myndighedsmedarbejdere kan verificere organisationer.")
        )
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if organisation.is_verified:
            raise ConflictError(_("%(name)s er allerede verificeret.") % {"name": organisation.name})
        organisation.is_verified = True
        organisation.verified_at = timezone.now()
        organisation.verified_by = signed_in_user(actor)
        attribute_history(organisation, actor)
        organisation.save(update_fields=["is_verified", "verified_at", "verified_by", "updated"])
        audit_log(
            actor=actor,
            action="registry.organisation.verified",
            obj=organisation,
            data={"name": organisation.name, "cvr": organisation.cvr},
        )
        _notify([organisation.pk])
    return organisation


def capacity_add(
    *,
    actor: Actor,
    organisation: Organisation,
    item: str,
    quantity: Any,
    unit: str = "",
    per_period: str = "total",
    note: str = "",
    **source: Any,
) -> Capacity:
    if not is_system(actor) and not permissions.can_edit_organisation(actor, organisation):
        raise PermissionDeniedError(_("Du har ikke ret til at redigere denne organisation."))
    capacity = Capacity(
        organisation=organisation,
        item=item,
        quantity=quantity,
        unit=unit,
        per_period=per_period,
        note=note,
        **source,
    )
    capacity.full_clean()
    with transaction.atomic():
        capacity.save()
        audit_log(
            actor=actor,
            action="registry.capacity.added",
            obj=capacity,
            data={"organisation": organisation.pk, "capacity": str(capacity)},
        )
        _notify([organisation.pk])
    return capacity


def capacity_remove(*, actor: Actor, capacity: Capacity) -> None:
    organisation = capacity.organisation
    if not is_system(actor) and not permissions.can_edit_organisation(actor, organisation):
        raise PermissionDeniedError(_("Du har ikke ret til at redigere denne organisation."))
    with transaction.atomic():
        audit_log(
            actor=actor,
            action="registry.capacity.removed",
            obj=capacity,
            data={"organisation": organisation.pk, "capacity": str(capacity)},
        )
        capacity.delete()
        _notify([organisation.pk])


def membership_add(
    *,
    actor: Actor,
    organisation: Organisation,
    group: Organisation,
    role: str = "member",
    note: str = "",
    **source: Any,
) -> Membership:
    if not is_system(actor) and not permissions.can_edit_organisation(actor, group):
        raise PermissionDeniedError(_("Du har ikke ret til at ændre gruppens medlemmer."))
    membership = Membership(organisation=organisation, group=group, role=role, note=note, **source)
    if organisation.pk == group.pk:
        raise ValidationError({"group": [_("En organisation kan ikke være medlem af sig selv.")]})
    if Membership.objects.filter(organisation=organisation, group=group, role=role).exists():
        raise ValidationError({"group": [_("Medlemskabet findes allerede.")]})
    membership.full_clean(validate_constraints=False)
    with transaction.atomic():
        membership.save()
        audit_log(
            actor=actor,
            action="registry.membership.added",
            obj=membership,
            data={"organisation": organisation.pk, "group": group.pk, "role": role},
        )
        _notify([organisation.pk, group.pk])
    return membership


def contact_add(
    *, actor: Actor, organisation: Organisation, name: str, title: str = "", email: str = "", phone: str = ""
) -> ContactPerson:
    if not is_system(actor) and not permissions.can_edit_organisation(actor, organisation):
        raise PermissionDeniedError(_("Du har ikke ret til at redigere denne organisation."))
    contact = ContactPerson(organisation=organisation, name=name, title=title, email=email, phone=phone)
    contact.full_clean()
    with transaction.atomic():
        contact.save()
        # The audit row records that a contact was added, not the personal data itself.
        audit_log(
            actor=actor, action="registry.contact.added", obj=contact, data={"organisation": organisation.pk}
        )
    return contact


def _move_relations(duplicate: Organisation, survivor: Organisation) -> None:
    """Point every row that refers to `duplicate` (in any app) at `survivor`, one row at a time
    so history records the move; a row the survivor already has an equivalent of (a unique
    constraint says so) is dropped instead, as is a self-reference (membership of itself)."""
    from django.db import IntegrityError
    from django.db.models import ForeignObjectRel

    relations = [
        f
        for f in Organisation._meta.get_fields(include_hidden=True)
        # the reverse sides of foreign keys (ManyToOneRel, a ForeignObjectRel)
        if isinstance(f, ForeignObjectRel) and f.one_to_many and f.auto_created and not f.concrete
    ]
    for relation in relations:
        # The model holding the foreign key: what ForeignObjectRel.related_model returns.
        model, field = relation.field.model, relation.field.name
        if model is Organisation or model.__name__.startswith("Historical"):
            continue  # units are moved below; history rows keep what was true then
        for row in model._default_manager.filter(**{field: duplicate}):
            setattr(row, field, survivor)
            try:
                with transaction.atomic():
                    row.save(update_fields=[field])
            except (IntegrityError, ValidationError):
                model._default_manager.filter(pk=row.pk).delete()
    Organisation.objects.filter(parent=duplicate).update(parent=survivor)


def organisation_merge(*, actor: Actor, survivor: Organisation, duplicate: Organisation) -> Organisation:
    """Merge `duplicate` into `survivor`: memberships, participations, aliases, capacities,
    contacts, users, sites and units move; the duplicate's names become aliases; history and
    an audit row with a snapshot of the duplicate are kept. Registry keepers only."""

    if not is_system(actor) and not permissions.can_import_organisations(actor):
        raise PermissionDeniedError(_("Kun registrets redaktører kan sammenlægge organisationer."))
    if survivor.pk == duplicate.pk:
        raise ValidationError({"duplicate": [_("Vælg to forskellige organisationer.")]})
    if survivor.cvr and duplicate.cvr and survivor.cvr != duplicate.cvr:
        raise ValidationError(
            {
                "duplicate": [
                    _("De to organisationer har forskellige CVR-numre og er derfor ikke samme enhed.")
                ]
            }
        )
    with transaction.atomic():
        snapshot: dict[str, Any] = {
            "key": duplicate.key,
            "name": duplicate.name,
            "cvr": duplicate.cvr,
            "aliases": list(duplicate.aliases.values_list("name", flat=True)),
            "kind": duplicate.kind,
            "website": duplicate.website,
        }
        names = [duplicate.name, *snapshot["aliases"]]
        _move_relations(duplicate, survivor)
        survivor.competences.add(*duplicate.competences.all())
        cvr = duplicate.cvr
        duplicate_id = duplicate.pk
        attribute_history(duplicate, actor)
        duplicate.delete()
        if cvr and not survivor.cvr:
            survivor.cvr = cvr
            survivor.save(update_fields=["cvr", "updated"])
        current = list(survivor.aliases.values_list("name", flat=True))
        _set_aliases(survivor, _clean_aliases(survivor, dedupe_aliases(survivor.name, [*current, *names])))
        audit_log(
            actor=actor,
            action="registry.organisation.merged",
            obj=survivor,
            data={"merged": snapshot, "merged_id": duplicate_id},
        )
        _notify([survivor.pk, duplicate_id])
    return survivor
