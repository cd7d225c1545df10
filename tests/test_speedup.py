"""The action server's answers are checked as strictly as Rasa checks them, only faster."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import Event
from rasa.utils.endpoints import EndpointConfig

import channels  # noqa: F401  (as Rasa loads it)
from channels import speedup

ACTION = RemoteAction("action_respond_to_pattern", EndpointConfig("http://127.0.0.1:5055/webhook"))

VALID = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "offer", "value": "next_step"}],
     "responses": [{"text": "Hello", "buttons": [{"title": "Yes", "payload": "/affirm"}]}]},
    {"events": [{"event": "action", "name": "action_listen"}, {"event": "session_started"}]},
]
INVALID = [
    {"events": [{"event": "slot"}]},  # a slot event without a name
    {"events": [{"event": "no_such_event"}]},
    {"events": "not a list"},
    {"responses": ["not an object"]},
]


def test_rasa_uses_the_faster_check():
    assert RemoteAction._validate_action_result is speedup.validate_action_result


@pytest.mark.parametrize("answer", VALID)
def test_a_valid_answer_passes_both_checks(answer):
    assert ACTION._validate_action_result(answer) is True
    assert speedup.rasa_validate_action_result(ACTION, answer) is True


@pytest.mark.parametrize("answer", INVALID)
def test_an_invalid_answer_is_rejected_with_rasas_own_error(answer):
    with pytest.raises(ValidationError) as rasa_error:
        speedup.rasa_validate_action_result(ACTION, answer)
    with pytest.raises(ValidationError) as error:
        ACTION._validate_action_result(answer)
    assert str(error.value) == str(rasa_error.value)
    assert "Failed to validate Action server response" in error.value.message


def test_stored_events_become_the_same_events_as_before():
    assert Event.resolve_by_type is speedup.resolve_by_type
    stored = [
        {"event": "user", "text": "I get angry", "parse_data": {"intent": {"name": "greet"}}},
        {"event": "slot", "name": "offer", "value": "next_step"},
        {"event": "action", "name": "action_listen"},
        {"event": "bot", "text": "Hello"},
        {"event": "session_started"},
    ]
    for _ in range(2):  # the second time, from what was kept
        events = [Event.from_parameters(event) for event in stored]
        assert [type(event).__name__ for event in events] == [
            "UserUttered", "SlotSet", "ActionExecuted", "BotUttered", "SessionStarted"
        ]
        assert [speedup.rasa_resolve_by_type(event["event"]) for event in stored] == [type(e) for e in events]
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("no_such_event")
