"""Writes of the crisis front door: every one checks permissions, runs in one transaction and
leaves an audit row. The package is split at its seams:

- `incidents` – declare an incident, move it (declared → active → stood down);
- `needs` – an authority's needs: create, move, confirm they still stand;
- `intake` – the offer front door (`offer_submit`) and the offerer's own actions with the
  status link's token (update, withdraw, the "my offers" link);
- `processing` – the worker's part: classify, resolve, de-duplicate, match and route, with
  the task `process_offer` beside `offer_process`, and the sweeper;
- `triage` – the authority's moves on offers;
- `volunteers` – sign-up, withdrawal of consent, contact through the platform;
- `events` – the offer trail and the offerer's e-mail, shared by intake and triage.

Reads live in `crisis.selectors`, the state machines in `crisis.workflows`, the signed private
links in `crisis.signing`.

This package re-exports the public service functions, so callers keep writing
``from videnbro.crisis import services`` and ``services.offer_submit(...)``; new code may
import from the submodule instead. Only services are re-exported here – no selectors, tables
or link helpers.
"""

from __future__ import annotations

from .incidents import incident_declare, incident_transition
from .intake import (
    OFFERER_FIELDS,
    SubmitResult,
    offer_links_send,
    offer_submit,
    offer_update_by_offerer,
    offer_withdraw,
    validate_idempotency_key,
)
from .needs import need_confirm, need_create, need_transition
from .processing import offer_process, process_offer, sweep_unprocessed
from .triage import (
    BulkResult,
    offer_bulk_transition,
    offer_claim,
    offer_confirm_claim,
    offer_request_information,
    offer_transition,
)
from .volunteers import volunteer_contact, volunteer_register, volunteer_withdraw

__all__ = [
    "OFFERER_FIELDS",
    "BulkResult",
    "SubmitResult",
    "incident_declare",
    "incident_transition",
    "need_confirm",
    "need_create",
    "need_transition",
    "offer_bulk_transition",
    "offer_claim",
    "offer_confirm_claim",
    "offer_links_send",
    "offer_process",
    "offer_request_information",
    "offer_submit",
    "offer_transition",
    "offer_update_by_offerer",
    "offer_withdraw",
    "process_offer",
    "sweep_unprocessed",
    "validate_idempotency_key",
    "volunteer_contact",
    "volunteer_register",
    "volunteer_withdraw",
]
