"""Core's own personal-data providers: the audit log, change history, queued mail and mail
files (registered by CoreConfig.ready(); the registry itself is `core.privacy`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from .privacy import (
    ERASED,
    PersonalDataProvider,
    register,
    scrub,
    setting_days,
    text_contains,
    users_with_email,
)

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django_tasks_db.models import DBTaskResult

    from .models import AuditLog


class AuditLogProvider(PersonalDataProvider):
    key = "core.audit"
    position = 80
    order = 10
    models = ("core.AuditLog",)
    label = gettext_lazy("Auditlog")
    kept = gettext_lazy(
        "Hvem (brugernavn) der gjorde hvad hvornår på platformen, og hvilken post "
        "det gjaldt; enkelte linjer nævner en adresse eller en oplyst organisation."
    )
    purpose = gettext_lazy("Sporbarhed og sikkerhed: at kunne se og dokumentere, hvem der har ændret hvad.")
    legal_basis = gettext_lazy(
        "Databeskyttelsesforordningens art. 6, stk. 1, litra f (legitim "
        "interesse i sikkerhed og sporbarhed), jf. art. 5, stk. 2, og art. 32."
    )
    audience = gettext_lazy("Platformens administratorer.")
    retention_text = gettext_lazy(
        "Så længe platformen kører; ved sletning af en person erstattes "
        "navn og adresse i linjerne af en markør, mens linjerne bevares."
    )

    def _rows(self, email: str) -> tuple[QuerySet[AuditLog], list[str]]:
        from .models import AuditLog

        users = list(users_with_email(email).values_list("pk", "username"))
        ids = [pk for pk, _name in users]
        names = [name for _pk, name in users]
        user_label = get_user_model()._meta.label_lower
        query = (
            Q(actor_id__in=ids)
            | Q(actor_label__iexact=email)
            | Q(actor_label__in=names)
            | Q(object_type=user_label, object_id__in=[str(pk) for pk in ids])
        )
        direct = set(AuditLog.objects.filter(query).values_list("pk", flat=True))
        mentioned = set(text_contains(AuditLog.objects.all(), "data", email).values_list("pk", flat=True))
        return AuditLog.objects.filter(pk__in=direct | mentioned).order_by("created", "pk"), names

    def export(self, email: str) -> list[dict[str, Any]]:
        rows, _names = self._rows(email)
        return [
            {
                "created": row.created,
                "action": row.action,
                "actor": row.actor_label,
                "object_type": row.object_type,
                "object_id": row.object_id,
                "data": row.data,
            }
            for row in rows
        ]

    def erase(self, email: str) -> int:
        rows, names = self._rows(email)
        user_label = get_user_model()._meta.label_lower
        needles = [email, *names]
        count = 0
        for row in rows:
            data = scrub(row.data, needles)
            if row.object_type == user_label and "stated_organisation" in data:
                data["stated_organisation"] = ERASED
            label = ERASED if row.actor_label.lower() in {n.lower() for n in needles} else row.actor_label
            if data != row.data or label != row.actor_label:
                row.data, row.actor_label = data, label
                row.save(update_fields=["data", "actor_label"])
            count += 1
        return count


class HistoryProvider(PersonalDataProvider):
    """Change history written by a person (django-simple-history rows and the admin's log).
    History of records that themselves hold personal data (contact persons) is cleared by the
    provider that owns the record."""

    key = "core.history"
    position = 81
    order = 10
    models = ("admin.LogEntry",)
    label = gettext_lazy("Ændringshistorik")
    kept = gettext_lazy(
        "For hver ændring af registerposter, hændelser og behov: hvem der "
        "ændrede, hvornår og hvad; administrationens log over ændringer."
    )
    purpose = gettext_lazy("At kunne se, rette og dokumentere ændringer af fælles data.")
    legal_basis = gettext_lazy(
        "Databeskyttelsesforordningens art. 6, stk. 1, litra f (legitim "
        "interesse i korrekte og sporbare fælles data)."
    )
    audience = gettext_lazy("Platformens administratorer og redaktionen.")
    retention_text = gettext_lazy(
        "Så længe posten findes; ved sletning af en person anonymiseres kontoen, som historikken peger på."
    )

    @staticmethod
    def _history_models() -> list[Any]:  # simple-history builds these classes at run time
        from simple_history.models import registered_models

        return (
            [m.history.model for m in registered_models.values() if hasattr(m, "history")]
            if registered_models
            else []
        )

    def export(self, email: str) -> list[dict[str, Any]]:
        ids = list(users_with_email(email).values_list("pk", flat=True))
        if not ids:
            return []
        records: list[dict[str, Any]] = []
        for model in self._history_models():
            for row in model.objects.filter(history_user_id__in=ids).order_by("history_date"):
                original = model.instance_type._meta
                records.append(
                    {
                        "model": original.label,
                        "object_id": getattr(row, original.pk.attname),
                        "history_date": row.history_date,
                        "type": row.history_type,
                        "reason": row.history_change_reason or "",
                    }
                )
        if apps.is_installed("django.contrib.admin"):
            from django.contrib.admin.models import LogEntry

            for entry in LogEntry.objects.filter(user_id__in=ids).order_by("action_time"):
                records.append(
                    {
                        "model": "admin.LogEntry",
                        "object_id": entry.object_id,
                        "history_date": entry.action_time,
                        "type": entry.action_flag,
                        "object": entry.object_repr,
                        "change": entry.change_message,
                    }
                )
        return records

    def erase(self, email: str) -> int:
        # The rows stay linked to the account, which the accounts provider anonymises; what the
        # admin's log copied of an erased record's name is cut out here.
        if not apps.is_installed("django.contrib.admin"):
            return 0
        from django.contrib.admin.models import LogEntry

        count = 0
        for entry in text_contains(LogEntry.objects.all(), "object_repr", email):
            entry.object_repr = scrub(entry.object_repr, [email])
            entry.save(update_fields=["object_repr"])
            count += 1
        return count


SEND_EMAIL_TASK = "videnbro.core.tasks.send_email"


class TaskQueueProvider(PersonalDataProvider):
    key = "core.tasks"
    position = 82
    order = 10
    models = ("django_tasks_db.DBTaskResult",)
    label = gettext_lazy("Mailkø")
    kept = gettext_lazy(
        "Mails, der venter på at blive sendt eller er sendt: modtagerens adresse, emne og tekst."
    )
    purpose = gettext_lazy(
        "At sende platformens mails (aktivering, status for tilbud, beskeder) uden at miste dem ved en fejl."
    )
    legal_basis = gettext_lazy("Samme som for den oplysning, mailen handler om.")
    audience = gettext_lazy("Platformens driftsansvarlige.")
    retention_text = gettext_lazy("Sendte og fejlede mails slettes fra køen %(days)s dage efter.")

    def retention_params(self) -> dict[str, Any]:
        return {"days": setting_days("PRIVACY_TASK_DAYS", 30)}

    @staticmethod
    def _model() -> type[DBTaskResult] | None:
        if not apps.is_installed("django_tasks_db"):
            return None
        from django_tasks_db.models import DBTaskResult

        return DBTaskResult

    def _rows(self, email: str) -> QuerySet[Any] | None:
        model = self._model()
        return text_contains(model.objects.all(), "args_kwargs", email) if model else None

    def export(self, email: str) -> list[dict[str, Any]]:
        rows = self._rows(email)
        if rows is None:
            return []
        records = []
        for row in rows.order_by("enqueued_at"):
            args = (row.args_kwargs or {}).get("args") or []
            records.append(
                {
                    "task": row.task_path,
                    "status": row.status,
                    "enqueued_at": row.enqueued_at,
                    "finished_at": row.finished_at,
                    "args": args,
                }
            )
        return records

    def erase(self, email: str) -> int:
        rows = self._rows(email)
        if rows is None:
            return 0
        # A mail to an erased person is not sent any more; a running one is left to finish.
        count, _detail = rows.exclude(status="RUNNING").delete()
        return count

    def retention(self, now: datetime, *, dry_run: bool = False) -> int:
        model = self._model()
        if model is None:
            return 0
        cutoff = now - timedelta(days=self.retention_params()["days"])
        rows = model.objects.filter(
            task_path=SEND_EMAIL_TASK, status__in=("SUCCESSFUL", "FAILED"), finished_at__lt=cutoff
        )
        if dry_run:
            return rows.count()
        count, _detail = rows.delete()
        return count


class MailFileProvider(PersonalDataProvider):
    """Copies of sent mail written by Django's file back end (var/mail on one machine)."""

    key = "core.mail_files"
    position = 83
    order = 10
    label = gettext_lazy("Mailfiler")
    kept = gettext_lazy(
        "Når platformen skriver mails til filer i stedet for at sende dem "
        "(udvikling og test): en kopi af hver mail med modtager, emne og tekst."
    )
    purpose = gettext_lazy("At kunne se, hvad platformen har sendt, når der ikke er en mailserver.")
    legal_basis = gettext_lazy("Samme som for den oplysning, mailen handler om.")
    audience = gettext_lazy("Platformens driftsansvarlige.")
    retention_text = gettext_lazy("Slettes %(days)s dage efter, at mailen er skrevet.")

    def retention_params(self) -> dict[str, Any]:
        return {"days": setting_days("PRIVACY_MAIL_FILE_DAYS", 30)}

    @staticmethod
    def _directory() -> Path | None:
        path = getattr(settings, "EMAIL_FILE_PATH", None)  # set with the file back end
        if not path:
            return None
        directory = Path(path)
        return directory if directory.is_dir() else None

    def _files(self, email: str) -> Iterator[tuple[Path, str]]:
        directory = self._directory()
        if directory is None:
            return
        needle = email.lower()
        for path in sorted(directory.glob("*.log")):
            text = path.read_text(encoding="utf-8", errors="replace")
            if needle in text.lower():
                yield path, text

    def export(self, email: str) -> list[dict[str, Any]]:
        records = []
        for path, text in self._files(email):
            subjects = re.findall(r"^Subject: (.*)$", text, flags=re.MULTILINE)
            records.append(
                {
                    "file": path.name,
                    "written": datetime.fromtimestamp(
                        path.stat().st_mtime, tz=timezone.get_current_timezone()
                    ),
                    "subjects": subjects,
                }
            )
        return records

    def erase(self, email: str) -> int:
        count = 0
        for path, _text in list(self._files(email)):
            path.unlink(missing_ok=True)
            count += 1
        return count

    def retention(self, now: datetime, *, dry_run: bool = False) -> int:
        directory = self._directory()
        if directory is None:
            return 0
        cutoff = (now - timedelta(days=self.retention_params()["days"])).timestamp()
        count = 0
        for path in directory.glob("*.log"):
            if path.stat().st_mtime < cutoff:
                if not dry_run:
                    path.unlink(missing_ok=True)
                count += 1
        return count


def register_core_providers() -> None:
    for provider in (AuditLogProvider(), HistoryProvider(), TaskQueueProvider(), MailFileProvider()):
        register(provider)
