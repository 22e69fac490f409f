"""One small state-machine helper for every workflow with states (offers, needs, incidents,
access requests and their parts).

A machine is a table ``state -> {target: side}``: which moves exist from each state and, where
it matters, which side (applicant, broker, custodian …) makes the move. ``check`` refuses a move
that the table does not hold with a 409 (``ConflictError``) that names the allowed targets in
``errors["to"]`` and ``extra["allowed"]`` – the same shape in the web, the API and the command
line, because all of them call the services that call ``check``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _

from videnbro.core.errors import ConflictError

Table = Mapping[str, Mapping[str, str | None] | Iterable[str]]


class StateMachine:
    """The allowed moves of one workflow.

    ``table`` maps each state to its targets, either as a mapping target → side or as a plain
    set of targets (no sides). ``label`` turns a state code into the text people read (the
    model's choice label); messages never show a raw code.
    """

    def __init__(self, table: Table, *, label: Callable[[str], str] | None = None) -> None:
        self._moves: dict[str, dict[str, str | None]] = {}
        for state, targets in table.items():
            if isinstance(targets, Mapping):
                self._moves[str(state)] = {str(t): side for t, side in targets.items()}
            else:
                self._moves[str(state)] = {str(t): None for t in targets}
        self._label = label or str

    @property
    def states(self) -> list[str]:
        return list(self._moves)

    def knows(self, state: str) -> bool:
        return str(state) in self._moves

    def allowed(self, current: str) -> list[str]:
        """The targets reachable from ``current``, sorted (empty for final or unknown states)."""
        return sorted(self._moves.get(str(current), {}))

    def can(self, current: str, to: str) -> bool:
        return str(to) in self._moves.get(str(current), {})

    def side(self, current: str, to: str) -> str | None:
        """Who makes the move ``current → to`` (None when the table has no sides)."""
        return self._moves.get(str(current), {}).get(str(to))

    def is_final(self, state: str) -> bool:
        return not self._moves.get(str(state))

    def refusal(self, current: str, to: str, message: str | None = None, **extra: Any) -> ConflictError:
        """The 409 for a refused move; ``message`` may use %(f)s and %(t)s (labels, not codes)."""
        allowed = self.allowed(current)
        names = {"f": self._label(current), "t": self._label(to) if self.knows(to) else str(to)[:40]}
        text = (message or _("Kan ikke gå fra »%(f)s« til »%(t)s«.")) % names
        detail = _("Tilladt herfra: %(a)s.") % {"a": ", ".join(self._label(a) for a in allowed) or "—"}
        return ConflictError(text, errors={"to": [f"{text} {detail}"]}, extra={"allowed": allowed, **extra})

    def check(self, current: str, to: str, message: str | None = None) -> str | None:
        """Refuse an illegal move with a 409; return the side that makes a legal one."""
        if not self.can(current, to):
            raise self.refusal(current, to, message)
        return self.side(current, to)
