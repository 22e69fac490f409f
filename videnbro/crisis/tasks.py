"""Background tasks of the crisis front door (Django's task framework, django-tasks backport).

Each task is defined beside the function it runs: `process_offer` lives in
`crisis/services/processing.py`. This module keeps the old task path
`videnbro.crisis.tasks.process_offer` importable, so task rows queued before the move still
run (the database backend imports a row's `task_path`); new rows carry the new path.
"""

from __future__ import annotations

from .services.processing import process_offer

__all__ = ["process_offer"]
