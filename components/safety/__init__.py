"""Deterministic safety check: finds self-harm, danger and coercive control in what a user writes.

Whether the assistant answers with a crisis number must not depend on what a classifier happened to
learn, so `SafetyCheck` reads the spaCy parse of a message and decides by rule:

- `self_harm` (self_harm.py): the writer wants to die or to hurt themselves;
- `danger` (danger.py, fear.py): someone hurts, threatens or frightens the writer;
- `coercive_control` (control.py): a partner controls the writer's phone, passwords, whereabouts,
  money, friends or family by demand, prohibition, force or threat.

Each rule starts from an anchor word matched on its lemma (spaCy `Matcher`) or from a
verb-and-object shape (`DependencyMatcher`), then looks at the parse around it: who is the subject,
who the object, whether a `neg` dependent or "never" denies it (coach/spacy_parse.py), and
whether the words around it make it an idiom ("this is killing me"), an accident ("I cut myself
shaving") or a free choice ("we agreed to swap passwords"). Every sentence of a long message is read.

The patterns and word lists are data, in patterns/*.jsonl, read and checked by patterns.py; the
rules that walk the parse are the Python here. `SafetyClassifier` (component.py) runs the check last
in the Rasa pipeline and has the final word on the `safety_*` intents.
"""

from coach.spacy_parse import parse
from components.safety.check import SafetyCheck
from components.safety.component import EVIDENCE_ENTITY, SafetyClassifier
from components.safety.findings import COERCIVE_CONTROL, DANGER, SELF_HARM, URGENCY, SafetyFlag

__all__ = [
    "COERCIVE_CONTROL",
    "DANGER",
    "EVIDENCE_ENTITY",
    "SELF_HARM",
    "URGENCY",
    "SafetyCheck",
    "SafetyClassifier",
    "SafetyFlag",
    "parse",
]
