"""Background tasks of the crisis front door (Django's task framework, django-tasks backport).

Tasks are idempotent: a task run twice (a worker killed after the work but before marking
the task done, or the sweeper re-enqueueing) changes nothing the second time.
"""

from __future__ import annotations

from django_tasks import task

from videnbro.core.tasks import enqueue, send_email


@task()
def process_offer(offer_id: int) -> str:
    from .services import offer_process

    return offer_process(offer_id)


__all__ = ["enqueue", "process_offer", "send_email"]
