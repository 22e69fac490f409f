"""Personal data: a registry of providers – one per kind of personal data an app keeps, saying
what is kept, why, on which legal basis, who sees it and for how long – and the services that
export, erase and expire everything about one e-mail address across all of them.

Core is the bottom layer and knows no other app: each app registers its providers in its own
`privacy.py`, imported from its AppConfig.ready(). The public page `/privatliv/`, docs/privacy.md
and the `videnbro privacy` command all read this one registry, so they cannot disagree.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .audit import CoreActor, audit_log, is_system
from .errors import PermissionDeniedError

if TYPE_CHECKING:
    from django.db.models import Model, QuerySet


# What a service reports its progress through (the command's progress bar): the providers in,
# the same providers out.
Progress = Callable[[Iterable[Any]], Iterable[Any]]
_M = TypeVar("_M", bound="Model")

# What replaces a name or a free-text contact field when a person is erased. E-mail addresses
# and phone numbers are emptied instead. A real username can never be this (Django's username
# validator allows no brackets).
ERASED = "[slettet]"


class PersonalDataProvider:
    """One kind of personal data. Subclasses set the descriptive attributes (lazy Danish
    strings, translated on the page) and implement the three operations.

    - `export(email)` returns one dict per record about the address (JSON-serialisable with
      DjangoJSONEncoder).
    - `erase(email)` anonymises those records – names become `ERASED`, addresses and phone
      numbers are emptied, free-text contact fields cleared – keeping the records themselves,
      so counts and reports stay right; returns the number of records changed.
    - `retention(now, dry_run=False)` clears what is past its retention period; returns how
      many records it cleared (or would clear).
    """

    key: str = ""
    #: Erase order: lower first. Providers that find a person through their account must run
    #: before the account itself is anonymised (accounts uses 90).
    order: int = 50
    #: Position on the page and in the documentation (the person's own data first).
    position: int = 50
    #: Model labels ("crisis.Offer") whose personal fields this provider covers.
    models: tuple[str, ...] = ()
    label: Any = ""
    kept: Any = ""
    purpose: Any = ""
    legal_basis: Any = ""
    audience: Any = ""
    #: The retention period as text, with %(name)s placeholders filled by retention_params().
    retention_text: Any = ""

    def retention_params(self) -> dict[str, Any]:
        return {}

    def retention_period(self) -> str:
        text = str(self.retention_text)
        params = self.retention_params()
        return text % params if params else text

    def export(self, email: str) -> list[dict[str, Any]]:
        return []

    def erase(self, email: str) -> int:
        return 0

    def retention(self, now: datetime, *, dry_run: bool = False) -> int:
        return 0

    def describe(self) -> dict[str, str]:
        """The page's and the documentation's section, in the active language."""
        return {
            "key": self.key,
            "anchor": re.sub(r"[^a-z0-9]+", "-", self.key),
            "label": str(self.label),
            "kept": str(self.kept),
            "purpose": str(self.purpose),
            "legal_basis": str(self.legal_basis),
            "audience": str(self.audience),
            "retention": self.retention_period(),
        }


_registry: dict[str, PersonalDataProvider] = {}


def register(provider: PersonalDataProvider) -> PersonalDataProvider:
    """Add a provider (an instance); registering the same key again replaces it, so a module
    imported twice does not register twice."""
    if not provider.key:
        raise ValueError("A personal-data provider needs a key.")
    _registry[provider.key] = provider
    return provider


def providers() -> list[PersonalDataProvider]:
    """Every registered provider, in erase order (then by key)."""
    return sorted(_registry.values(), key=lambda p: (p.order, p.key))


def providers_for_page() -> list[PersonalDataProvider]:
    return sorted(_registry.values(), key=lambda p: (p.position, p.key))


def covered_models() -> set[str]:
    return {label.lower() for p in providers() for label in p.models}


def setting_days(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


# ---------------------------------------------------------------------------------------------
# Helpers for providers


def normalise_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": [_("Skriv en gyldig e-mailadresse.")]}) from None
    return email


def users_with_email(email: str) -> QuerySet[Any]:
    """The accounts an address belongs to (e-mail or username – self-service accounts use the
    address as username). Through the swappable user model: core imports no app."""
    User = get_user_model()
    return User.objects.filter(Q(email__iexact=email) | Q(**{f"{User.USERNAME_FIELD}__iexact": email}))


def text_contains(queryset: QuerySet[_M], field: str, needle: str) -> QuerySet[_M]:
    """Rows whose field, as text (also a JSON field), contains the needle, case-insensitively –
    the same on SQLite and PostgreSQL."""
    return queryset.annotate(_as_text=Cast(field, TextField())).filter(_as_text__icontains=needle)


def scrub(value: Any, needles: Iterable[str]) -> Any:
    """A JSON-like value with every string equal to a needle replaced by ERASED, and every
    e-mail address among the needles also cut out of longer strings (case-insensitive; a plain
    username such as "jens" is only replaced where it is the whole value)."""
    needles = [n for n in needles if n]
    if not needles:
        return value
    if isinstance(value, dict):
        return {k: scrub(v, needles) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(v, needles) for v in value]
    if isinstance(value, str):
        if value.strip().lower() in {n.lower() for n in needles}:
            return ERASED
        for needle in needles:
            if "@" in needle:
                value = re.sub(re.escape(needle), ERASED, value, flags=re.IGNORECASE)
        return value
    return value


# ---------------------------------------------------------------------------------------------
# Services: the command, the admin action and tests call these.


def _check_actor(actor: CoreActor) -> None:
    if not (is_system(actor) or getattr(actor, "is_platform_admin", False)):
        raise PermissionDeniedError(
            _("Kun platformens administratorer kan udlevere eller slette personoplysninger.")
        )


def personal_data_export(*, actor: CoreActor, email: str, progress: Progress | None = None) -> dict[str, Any]:
    """Everything every provider holds about one address. The audit row says that an export
    was made and how big it was – not whose."""
    _check_actor(actor)
    email = normalise_email(email)
    found: dict[str, Any] = {}
    items = providers()
    for provider in progress(items) if progress else items:
        records = provider.export(email)
        if records:
            found[provider.key] = {"label": str(provider.label), "records": records}
    with transaction.atomic():
        audit_log(
            actor=actor,
            action="core.privacy.exported",
            data={"records": {k: len(v["records"]) for k, v in found.items()}},
        )
    return {"email": email, "exported_at": timezone.now().isoformat(), "providers": found}


def personal_data_erase(*, actor: CoreActor, email: str, progress: Progress | None = None) -> dict[str, int]:
    """Anonymise everything about one address in one transaction (all or nothing). The audit
    row holds the counts per provider, never the address."""
    _check_actor(actor)
    email = normalise_email(email)
    counts: dict[str, int] = {}
    items = providers()
    with transaction.atomic():
        for provider in progress(items) if progress else items:
            counts[provider.key] = provider.erase(email)
        audit_log(
            actor=actor,
            action="core.privacy.erased",
            data={"records": {k: v for k, v in counts.items() if v}},
        )
    return counts


def retention_apply(
    *,
    actor: CoreActor,
    now: datetime | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Clear what is past its retention period, provider by provider (each in its own
    transaction, so a failure in one leaves the others done)."""
    _check_actor(actor)
    now = now or timezone.now()
    counts: dict[str, int] = {}
    items = providers()
    for provider in progress(items) if progress else items:
        with transaction.atomic():
            counts[provider.key] = provider.retention(now, dry_run=dry_run)
    if not dry_run:
        with transaction.atomic():
            audit_log(
                actor=actor,
                action="core.privacy.retention",
                data={"records": {k: v for k, v in counts.items() if v}},
            )
    return counts


def providers_markdown(language: str = "en") -> str:
    """The providers as Markdown sections – the generated part of docs/privacy.md."""
    labels = [
        ("kept", gettext_lazy("Hvad gemmes")),
        ("purpose", gettext_lazy("Formål")),
        ("legal_basis", gettext_lazy("Retsgrundlag")),
        ("audience", gettext_lazy("Hvem ser det")),
        ("retention", gettext_lazy("Opbevaring")),
    ]
    lines: list[str] = []
    with translation.override(language):
        for provider in providers_for_page():
            section = provider.describe()
            lines += [f"### {section['label']} (`{provider.key}`)", ""]
            for name, title in labels:
                lines.append(f"- **{title}:** {section[name]}")
            if provider.models:
                lines.append("- **Models:** " + ", ".join(f"`{m}`" for m in provider.models))
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"
