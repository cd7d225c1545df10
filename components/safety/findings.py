"""What the safety check finds: the three kinds, most urgent first, and the flag it hands back."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Span

SELF_HARM = "self_harm"
DANGER = "danger"
COERCIVE_CONTROL = "coercive_control"
# Most urgent first: a message that mentions both gets the crisis answer, not the control one.
URGENCY = (SELF_HARM, DANGER, COERCIVE_CONTROL)

# What a rule returns: the kind it found and the words in the message that showed it.
Finding = tuple[str, Span]


@dataclass(frozen=True)
class SafetyFlag:
    """What the check found: its kind and the words that showed it."""

    kind: str
    evidence: str
