"""Background tasks shared by every module (Django's task framework, django-tasks backport)."""

from __future__ import annotations

from typing import Any

from django.core.mail import send_mail
from django.db import transaction
from django_tasks import task, task_backends


@task()
def send_email(to: str, subject: str, body: str) -> int:
    return send_mail(subject, body, None, [to], fail_silently=False)


def enqueue(task_: Any, *args: Any) -> None:
    """Enqueue in the caller's transaction when the queue lives in the same database (the
    task row commits or rolls back with the write it belongs to); otherwise after commit, with
    a module's sweeper picking up work whose enqueue was lost in between."""
    from django_tasks_db import DatabaseBackend

    if isinstance(task_backends[task_.backend], DatabaseBackend):
        task_.enqueue(*args)
    else:
        transaction.on_commit(lambda: task_.enqueue(*args))
