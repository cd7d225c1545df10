"""SafetyClassifier: the Rasa component that gives the safety check the last word on the `safety_*` intents.

It runs last in the pipeline, on the doc `SpacyNLP` already made. SpacyNLP loads its model with the
parser disabled, so the component first runs that same model's parser over the doc: no second model
is loaded.

Two readers decide together, and either can raise a flag. The parse-based rules (check.py) keep
their answers. The learned classifier (learned.py), trained by `rasa train` from
data/safety/examples.yml and stored with the model, adds what the rules miss, graded: what it reads
as a warning sign gets the warning-signs answer (The Hotline's number and the question "do you ever
feel afraid of them?"), so a false flag costs a gentle question; only a message it reads as a crisis
with high probability gets the crisis answer from it alone.

A warning sign inside a message the coach reads as one of its coaching intents (config `warn_beside`:
a story of reassuring, a "why", a question about therapy...) does not replace that reading: the intent
stays, and a `safety_warning` entity asks the actions to add the warning-signs answer after theirs.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any, Optional

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.utils.spacy_utils import SpacyModel, SpacyNLP
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from spacy.language import Language
from spacy.tokens import Doc, Span

from coach.content import intent_for, meaning_of
from coach.spacy_parse import parse
from components.persist import load_trained, save_trained
from components.reading import IntentModel
from components.safety import learned
from components.safety.check import SafetyCheck
from components.safety.findings import COERCIVE_CONTROL, DANGER, SELF_HARM, SafetyFlag
from components.safety.learned import LearnedReading

logger = logging.getLogger(__name__)

EVIDENCE_ENTITY = "safety_evidence"
# A warning sign of control found beside a coaching reading: the intent stays, this entity (the words
# that raised it) tells the actions to add the warning-signs answer (actions/safety.py).
WARNING_ENTITY = "safety_warning"
# What each reader made of the message, in the parse output: {"rules": kind or None, "learned": tier,
# and the classifier's probabilities "crisis", "sentence_crisis", "flag"}. scripts/evaluate_safety.py
# measures each part from it.
READINGS = "safety_readings"
PROJECT_DIR = Path(__file__).resolve().parents[2]
TIER = {SELF_HARM: "crisis", DANGER: "crisis", COERCIVE_CONTROL: "warning", None: "none"}
TIER_RANK = {"none": 0, "warning": 1, "crisis": 2}


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True, model_from="SpacyNLP"
)
class SafetyClassifier(GraphComponent, IntentClassifier):
    """Gives the safety check, rules and learned classifier together, the last word on the `safety_*` intents.

    Place it last in the pipeline, after SpacyNLP, the intent classifiers and FallbackClassifier. It
    reads the doc SpacyNLP stored on the message and borrows SpacyNLP's loaded model
    (`model_from="SpacyNLP"`) to add the parse SpacyNLP skips and to tokenize its training examples;
    it loads none. A flag sets `safety_<kind>` (confidence 1.0) and a `safety_evidence` entity; a
    `safety_*` intent the classifiers predicted without a flag is replaced by the best other intent.
    Untrained (no model stored), it runs the rules alone.
    """

    MODEL_FILE = "safety_classifier.joblib"

    @classmethod
    def required_components(cls) -> list[type]:
        """SpacyNLP must run first: its doc is what this component reads."""
        return [SpacyNLP]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The learned classifier's examples (relative to the project), its strength, and the coaching
        intents whose NLU examples are not near-misses, because they tell of control themselves."""
        return {"examples": "data/safety/examples.yml", "strength": learned.STRENGTH,
                "not_near_misses": ["feeling_controlled"], "warn_beside": []}

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> Optional[str]:  # noqa: UP007
        """Retrain when the examples (a file Rasa does not know) or the way they are learned change."""
        path = _examples_path(config)
        if not path.exists():
            return None
        return hashlib.sha256(path.read_bytes() + Path(learned.__file__).read_bytes()).hexdigest()

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage | None = None,
        resource: Resource | None = None,
        model: IntentModel | None = None,
    ) -> None:
        self.component_config = config
        self._model_storage = model_storage
        self._resource = resource
        self._model = model
        self._check: SafetyCheck | None = None

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SafetyClassifier:
        """Creates the component; the check itself is built from the first doc's vocab."""
        return cls({**cls.get_default_config(), **config}, model_storage, resource)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Training data passes unchanged: the classifier learns from its own examples."""
        return training_data

    def train(
        self, training_data: TrainingData, model: Optional[SpacyModel] = None  # noqa: UP007
    ) -> Resource:
        """Trains the learned classifier on data/safety/examples.yml and, as near-misses, on the NLU
        examples of the coaching intents, tokenized by SpacyNLP's model.

        What the coach is trained to read as coaching must reach the coach: without these, the
        classifier flagged 81 of the 179 messages of the coaching development set
        (tests/nlu/real_style_dev.yml), with them 5 (and the rules 4 more).
        """
        if model is None:
            raise ValueError("SafetyClassifier trains with SpacyNLP's model: is SpacyNLP in the pipeline?")
        texts, classes = learned.read_examples(_examples_path(self.component_config))
        excluded = set(self.component_config["not_near_misses"])
        coaching = [example.get(TEXT) for example in training_data.intent_examples
                    if not meaning_of(example.get(INTENT), "safety")
                    and example.get(INTENT) not in excluded]
        self._model = learned.train_from(texts + coaching, classes + [learned.NONE] * len(coaching),
                                         model.model, self.component_config["strength"])
        save_trained(self._model_storage, self._resource, self.MODEL_FILE, self._model)
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> SafetyClassifier:
        """The component with its trained classifier, or with the rules alone if none was stored."""
        model = load_trained(model_storage, resource, cls.MODEL_FILE)
        return cls({**cls.get_default_config(), **config}, model_storage, resource, model)

    # `Optional`, not `X | None`: Rasa's graph validator cannot read the newer union syntax.
    def process(
        self, messages: list[Message], model: Optional[SpacyModel] = None  # noqa: UP007
    ) -> list[Message]:
        """Flags each message, or takes back a `safety_*` intent the check does not confirm.

        `model` is SpacyNLP's loaded model, passed by Rasa; without it, docs must be parsed already.
        """
        for message in messages:
            doc = self._parsed_doc(message, model.model if model is not None else None)
            ruled = reading = None
            if doc is not None:
                ruled = self._check_rules(doc)
                if len(doc) and self._model is not None:
                    reading = learned.read(doc, self._model)
                message.set(READINGS, _readings(ruled, reading), add_to_output=True)
            found = combine(ruled, reading)
            if found is not None and self._warns_beside(found[0], message):
                _set_evidence(message, found[1], WARNING_ENTITY)
            elif found is not None:
                _set_flag(message, *found)
            else:
                _demote_unconfirmed_safety_intent(message)
        return messages

    def _warns_beside(self, flag: SafetyFlag, message: Message) -> bool:
        """A warning sign in a message read as one of the coaching intents of `warn_beside`: the
        person gets that answer, with the warning after it, rather than the warning alone."""
        intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        return flag.kind == COERCIVE_CONTROL and intent in self.component_config["warn_beside"]

    def _parsed_doc(self, message: Message, language: Language | None) -> Doc | None:
        doc = message.get(SPACY_DOCS[TEXT])
        if doc is None:
            if message.get(TEXT):
                logger.error("SafetyClassifier found no spaCy doc: is SpacyNLP in the pipeline?")
            return None
        if language is not None:
            parse(doc, language)
        if len(doc) and not doc.has_annotation("DEP"):
            logger.error("SafetyClassifier got a doc without a parse and no model to parse it.")
            return None
        return doc

    def _check_rules(self, doc: Doc) -> tuple[SafetyFlag, Span] | None:
        if self._check is None or self._check.vocab is not doc.vocab:
            self._check = SafetyCheck(doc.vocab)
        return self._check.find(doc)


def combine(ruled: tuple[SafetyFlag, Span] | None,
            reading: LearnedReading | None) -> tuple[SafetyFlag, Span] | None:
    """The flag the person is answered by: the rules' finding, raised to a crisis the classifier is
    sure of; or, where the rules found nothing, the classifier's own (a crisis, or a warning sign)."""
    tier = reading.tier if reading is not None else "none"
    if ruled is not None and TIER_RANK[TIER[ruled[0].kind]] >= TIER_RANK[tier]:
        return ruled
    if tier == "none":
        return None
    kind = reading.kind if tier == "crisis" else COERCIVE_CONTROL
    return SafetyFlag(kind=kind, evidence=reading.evidence.text), reading.evidence


def _readings(ruled: tuple[SafetyFlag, Span] | None, reading: LearnedReading | None) -> dict[str, Any]:
    """What each reader made of the message, for measuring each part (scripts/evaluate_safety.py)."""
    readings: dict[str, Any] = {"rules": ruled[0].kind if ruled else None, "learned": None}
    if reading is not None:
        readings |= {"learned": reading.tier, "crisis": round(reading.crisis, 3),
                     "sentence_crisis": round(reading.sentence_crisis, 3), "flag": round(reading.flag, 3)}
    return readings


def _examples_path(config: dict[str, Any]) -> Path:
    path = Path(config.get("examples") or SafetyClassifier.get_default_config()["examples"])
    return path if path.is_absolute() else PROJECT_DIR / path


def _set_flag(message: Message, flag: SafetyFlag, span: Span) -> None:
    intent = {INTENT_NAME_KEY: intent_for("safety", flag.kind), PREDICTED_CONFIDENCE_KEY: 1.0}
    others = [entry for entry in message.get(INTENT_RANKING_KEY) or []
              if entry.get(INTENT_NAME_KEY) != intent[INTENT_NAME_KEY]]
    message.set(INTENT, intent, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [intent, *others], add_to_output=True)
    _set_evidence(message, span, EVIDENCE_ENTITY)


def _set_evidence(message: Message, span: Span, entity_type: str) -> None:
    """The words that raised the flag, as an entity the actions can quote."""
    text = message.get(TEXT) or ""
    # SpacyNLP may have parsed a lowercased copy; the offsets still point into the original.
    value = text[span.start_char:span.end_char] if len(text) == len(span.doc.text) else span.text
    entity = {
        ENTITY_ATTRIBUTE_TYPE: entity_type,
        ENTITY_ATTRIBUTE_VALUE: value,
        ENTITY_ATTRIBUTE_START: span.start_char,
        ENTITY_ATTRIBUTE_END: span.end_char,
        EXTRACTOR: SafetyClassifier.__name__,
    }
    message.set(ENTITIES, [*(message.get(ENTITIES) or []), entity], add_to_output=True)


def _demote_unconfirmed_safety_intent(message: Message) -> None:
    """Only the check may decide a safety answer: a learned `safety_*` guess gives way."""
    intent = message.get(INTENT) or {}
    if not meaning_of(intent.get(INTENT_NAME_KEY), "safety"):
        return
    ranking = message.get(INTENT_RANKING_KEY) or []
    others = [entry for entry in ranking if not meaning_of(entry.get(INTENT_NAME_KEY), "safety")]
    best = others[0] if others else {INTENT_NAME_KEY: DEFAULT_NLU_FALLBACK_INTENT_NAME,
                                     PREDICTED_CONFIDENCE_KEY: intent.get(PREDICTED_CONFIDENCE_KEY,
                                                                          0.0)}
    message.set(INTENT, best, add_to_output=True)
    message.set(INTENT_RANKING_KEY, others if others else [best], add_to_output=True)
