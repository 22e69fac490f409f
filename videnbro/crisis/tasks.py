"""Background tasks of the crisis front door (Django's task framework, django-tasks backport).

Tasks are idempotent: a task run twice (a worker killed after the work but before marking
the task done, or the sweeper re-enqueueing) changes nothing the second time.
"""

from __future__ import annotations

from django.core.mail import send_mail
from django.db import transaction
from django_tasks import task, task_backends


@task()
def process_offer(offer_id: int) -> str:
    from .services import offer_process

    return offer_process(offer_id)


@task()
def send_email(to: str, subject: str, body: str) -> int:
    return send_mail(subject, body, None, [to], fail_silently=False)


def enqueue(task_, *args) -> None:
    """Enqueue in the caller's transaction when the queue lives in the same database (the
    task row commits or rolls back with the write it belongs to); otherwise after commit, with
    `videnbro crisis sweep` picking up any offer whose enqueue was lost in between."""
    from django_tasks_db import DatabaseBackend

    if isinstance(task_backends[task_.backend], DatabaseBackend):
        task_.enqueue(*args)
    else:
        transaction.on_commit(lambda: task_.enqueue(*args))
