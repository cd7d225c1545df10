"""SafetyClassifier: the Rasa component that gives the safety check the last word on the `safety_*` intents.

It runs last in the pipeline, on the doc `SpacyNLP` already made. SpacyNLP loads its model with the
parser disabled, so the component first runs that same model's parser over the doc: no second model
is loaded.
"""

from __future__ import annotations

import logging
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
from spacy.tokens import Span

from components.safety.check import SafetyCheck
from components.safety.findings import SafetyFlag
from components.spacy_parse import parse

logger = logging.getLogger(__name__)

INTENT_PREFIX = "safety_"
EVIDENCE_ENTITY = "safety_evidence"


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False, model_from="SpacyNLP"
)
class SafetyClassifier(GraphComponent, IntentClassifier):
    """Gives the deterministic safety check the last word on the `safety_*` intents.

    Place it last in the pipeline, after SpacyNLP, the featurizers, DIETClassifier and
    FallbackClassifier. It reads the doc SpacyNLP stored on the message and borrows SpacyNLP's
    loaded model (`model_from="SpacyNLP"`) only to add the parse SpacyNLP skips; it loads none.
    A flag sets `safety_<kind>` (confidence 1.0) and a `safety_evidence` entity; a `safety_*`
    intent the classifiers predicted without a flag is replaced by the best other intent.
    """

    @classmethod
    def required_components(cls) -> list[type]:
        """SpacyNLP must run first: its doc is what this component reads."""
        return [SpacyNLP]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """No settings: the rules are the configuration."""
        return {}

    def __init__(self, config: dict[str, Any]) -> None:
        self.component_config = config
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
        return cls(config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Training data passes unchanged: the check learns nothing."""
        return training_data

    # `Optional`, not `X | None`: Rasa's graph validator cannot read the newer union syntax.
    def process(
        self, messages: list[Message], model: Optional[SpacyModel] = None  # noqa: UP007
    ) -> list[Message]:
        """Flags each message, or takes back a `safety_*` intent the check does not confirm.

        `model` is SpacyNLP's loaded model, passed by Rasa; without it, docs must be parsed already.
        """
        for message in messages:
            found = self._find(message, model.model if model is not None else None)
            if found is not None:
                _set_flag(message, *found)
            else:
                _demote_unconfirmed_safety_intent(message)
        return messages

    def _find(self, message: Message, language: Language | None) -> tuple[SafetyFlag, Span] | None:
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
        if self._check is None or self._check.vocab is not doc.vocab:
            self._check = SafetyCheck(doc.vocab)
        return self._check.find(doc)


def _set_flag(message: Message, flag: SafetyFlag, span: Span) -> None:
    intent = {INTENT_NAME_KEY: f"{INTENT_PREFIX}{flag.kind}", PREDICTED_CONFIDENCE_KEY: 1.0}
    others = [entry for entry in message.get(INTENT_RANKING_KEY) or []
              if entry.get(INTENT_NAME_KEY) != intent[INTENT_NAME_KEY]]
    message.set(INTENT, intent, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [intent, *others], add_to_output=True)

    text = message.get(TEXT) or ""
    # SpacyNLP may have parsed a lowercased copy; the offsets still point into the original.
    value = text[span.start_char:span.end_char] if len(text) == len(span.doc.text) else span.text
    entity = {
        ENTITY_ATTRIBUTE_TYPE: EVIDENCE_ENTITY,
        ENTITY_ATTRIBUTE_VALUE: value,
        ENTITY_ATTRIBUTE_START: span.start_char,
        ENTITY_ATTRIBUTE_END: span.end_char,
        EXTRACTOR: SafetyClassifier.__name__,
    }
    message.set(ENTITIES, [*(message.get(ENTITIES) or []), entity], add_to_output=True)


def _demote_unconfirmed_safety_intent(message: Message) -> None:
    """Only the check may decide a safety answer: a learned `safety_*` guess gives way."""
    intent = message.get(INTENT) or {}
    if not str(intent.get(INTENT_NAME_KEY) or "").startswith(INTENT_PREFIX):
        return
    ranking = message.get(INTENT_RANKING_KEY) or []
    others = [entry for entry in ranking
              if not str(entry.get(INTENT_NAME_KEY) or "").startswith(INTENT_PREFIX)]
    best = others[0] if others else {INTENT_NAME_KEY: DEFAULT_NLU_FALLBACK_INTENT_NAME,
                                     PREDICTED_CONFIDENCE_KEY: intent.get(PREDICTED_CONFIDENCE_KEY,
                                                                          0.0)}
    message.set(INTENT, best, add_to_output=True)
    message.set(INTENT_RANKING_KEY, others if others else [best], add_to_output=True)
