"""Writes of the data entry point. Every write checks permissions here, runs in one
transaction with an event row and an audit row, and notifies the other side by e-mail
through the task queue (enqueued in the same transaction).

The package, by seam (callers import from `videnbro.broker.services`, which re-exports):

- `drafting`: `request_save` (create or edit a draft, apply for an amendment),
  `parse_datasets`, `check_amendable`, `DatasetChoice`;
- `documents`: `document_add`, `document_remove`, `documents_open`;
- `transitions`: `request_transition` – every move of a request or a custodian's part through
  the flow tables (`REQUEST_FLOW`, `PART_FLOW` and their `StateMachine`s live in
  `broker/workflows.py`, re-exported here with the sides and state sets);
- `notifications`: `brokers`, `custodian_users` (who hears of a move);
- `overdue`: `overdue_steps`, `send_overdue_reminders`, `OverdueStep`.

Reads – `allowed_moves`, `moves_for`, the visibility queries, the register – are in
`broker/selectors.py`; `allowed_moves` and `moves_for` are re-exported here for callers of the
old module.
"""

from ..selectors import allowed_moves, moves_for
from ..workflows import (
    AMENDABLE,
    APPLICANT,
    APPROVED,
    BROKER,
    CUSTODIAN,
    DECIDED,
    EDITABLE,
    NOTE_REQUIRED,
    PART_FLOW,
    PART_MACHINE,
    PART_STATES,
    REQUEST_FLOW,
    REQUEST_MACHINE,
    is_amendable,
)
from .documents import document_add, document_remove, documents_open
from .drafting import DatasetChoice, check_amendable, parse_datasets, request_save
from .notifications import brokers, custodian_users
from .overdue import OverdueStep, overdue_steps, send_overdue_reminders
from .transitions import request_transition

__all__ = [
    "AMENDABLE",
    "APPLICANT",
    "APPROVED",
    "BROKER",
    "CUSTODIAN",
    "DECIDED",
    "EDITABLE",
    "NOTE_REQUIRED",
    "PART_FLOW",
    "PART_MACHINE",
    "PART_STATES",
    "REQUEST_FLOW",
    "REQUEST_MACHINE",
    "DatasetChoice",
    "OverdueStep",
    "allowed_moves",
    "brokers",
    "check_amendable",
    "custodian_users",
    "document_add",
    "document_remove",
    "documents_open",
    "is_amendable",
    "moves_for",
    "overdue_steps",
    "parse_datasets",
    "request_save",
    "request_transition",
    "send_overdue_reminders",
]
