"""The one state-machine helper: legal moves pass and name their side, illegal ones are a 409
that lists the allowed targets by label."""

import pytest
from django.utils import translation

from videnbro.core.errors import ConflictError
from videnbro.core.statemachine import StateMachine

LABELS = {"draft": "Kladde", "sent": "Sendt", "done": "Afsluttet"}
FLOW = StateMachine(
    {"draft": {"sent": "author"}, "sent": {"done": "editor", "draft": "editor"}, "done": {}},
    label=LABELS.__getitem__,
)


def test_it_returns_the_side_of_a_legal_move():
    assert FLOW.check("draft", "sent") == "author"
    assert FLOW.check("sent", "done") == "editor"
    assert FLOW.allowed("sent") == ["done", "draft"]
    assert FLOW.is_final("done") and not FLOW.is_final("draft")


def test_it_refuses_an_illegal_move_with_409_naming_the_allowed_targets_by_label():
    with translation.override("da"), pytest.raises(ConflictError) as caught:
        FLOW.check("draft", "done")
    error = caught.value
    assert error.status_code == 409
    assert error.extra["allowed"] == ["sent"]
    assert error.message == "Kan ikke gå fra »Kladde« til »Afsluttet«."
    assert "Sendt" in error.errors["to"][0] and "draft" not in error.errors["to"][0]


def test_it_refuses_every_move_out_of_a_final_state_and_unknown_targets():
    with pytest.raises(ConflictError) as caught:
        FLOW.check("done", "draft")
    assert caught.value.extra["allowed"] == []
    with pytest.raises(ConflictError) as caught:
        FLOW.check("draft", "<script>" * 20)
    assert len(caught.value.message) < 120


def test_it_accepts_plain_sets_without_sides():
    machine = StateMachine({"a": {"b"}, "b": set()})
    assert machine.check("a", "b") is None
    assert not machine.can("b", "a")


def test_it_speaks_english_under_en():
    with translation.override("en"), pytest.raises(ConflictError) as caught:
        FLOW.check("draft", "done")
    assert caught.value.message.startswith("Cannot move from")
