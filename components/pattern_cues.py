"""Finds every backfiring response a message describes, so one message can be answered for two.

The intent classifier picks the one response a message is mostly about. People often describe two
("I reassure her all the time and sometimes I just snap"), so this component marks the cue words of
each of the five responses as `pattern_cue` entities, and the action answers the second one too.
When the classifier is unsure, or wavers between responses, and the message names exactly one
response in so many words ("I just ignore her calls"), the cue settles it.
"""

from __future__ import annotations

from typing import Any, Optional

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.utils.spacy_utils import SpacyModel, SpacyNLP
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from actions.content import PATTERN_INTENTS
from components.spacy_parse import parse

ENTITY = "pattern_cue"
INTENT_OF_PATTERN = {pattern: intent for intent, pattern in PATTERN_INTENTS.items()}

# Up to three words may stand between the parts of a cue ("give HIM ALL my passwords").
GAP = {"OP": "?"}


def _lemmas(*words: str) -> dict[str, Any]:
    return {"LEMMA": {"IN": list(words)}}


# Each cue is a spaCy Matcher pattern on lemmas, so "snapped", "snapping" and "snap" all match.
CUES: dict[str, list[list[dict[str, Any]]]] = {
    "reassuring": [
        [_lemmas("reassure", "reassurance")],
        [_lemmas("promise", "swear")],
        [_lemmas("tell", "remind", "explain"), GAP, GAP, {"LOWER": {"IN": ["i", "how"]}},
         GAP, _lemmas("love")],
        [_lemmas("prove"), GAP, {"LOWER": {"IN": ["i", "that", "myself", "nothing"]}}],
    ],
    "ignoring": [
        [_lemmas("ignore", "stonewall")],
        [{"LOWER": "silent"}, {"LOWER": "treatment"}],
        [_lemmas("walk", "storm"), {"LOWER": {"IN": ["away", "off", "out"]}}],
        [_lemmas("change"), {"LOWER": "the"}, {"LOWER": "subject"}],
        [_lemmas("shut", "clam"), {"LOWER": {"IN": ["down", "up"]}}],
        [_lemmas("go", "stay", "fall"), {"LOWER": {"IN": ["quiet", "silent"]}}],
        [_lemmas("refuse"), {"LOWER": "to"}, _lemmas("answer", "talk", "respond", "engage")],
        [{"LOWER": {"IN": ["not", "n't", "never", "dont", "don't"]}}, GAP,
         _lemmas("answer", "respond", "reply")],
    ],
    "angry": [
        [_lemmas("snap", "yell", "shout", "scream", "explode", "rage", "swear")],
        [_lemmas("angry", "mad", "furious", "defensive", "livid", "pissed")],
        [_lemmas("lose"), GAP, {"LOWER": {"IN": ["temper", "cool", "it"]}}],
        [_lemmas("blow", "lash", "flip"), {"LOWER": {"IN": ["up", "out"]}}],
        [_lemmas("call"), {"LOWER": {"IN": ["her", "him", "them"]}}, GAP,
         {"LOWER": {"IN": ["paranoid", "crazy", "insane", "psycho"]}}],
    ],
    "giving_in": [
        [_lemmas("give"), {"LOWER": "in"}],
        [_lemmas("give", "hand", "send", "share", "show"), GAP, GAP, GAP,
         {"LOWER": {"IN": ["password", "passwords", "passcode", "location", "phone", "login",
                           "logins", "accounts"]}}],
        [_lemmas("check"), {"LOWER": "in"}],
        [_lemmas("stop", "quit", "drop"), GAP, _lemmas("see", "go", "play", "hang")],
        [_lemmas("give"), {"LOWER": "up"}],
        [_lemmas("cut"), {"LOWER": "back"}],
        [_lemmas("do"), {"LOWER": "whatever"}, GAP, _lemmas("want", "ask", "say", "demand")],
    ],
    "withholding": [
        [_lemmas("leave", "keep"), GAP, GAP, {"LOWER": {"IN": ["out", "quiet", "secret"]}}],
        [_lemmas("keep"), GAP, GAP, {"LOWER": "to"}, {"LOWER": {"IN": ["myself", "ourselves"]}}],
        [_lemmas("hold"), {"LOWER": "back"}],
        [{"LOWER": {"IN": ["not", "n't", "never", "dont", "don't"]}}, GAP,
         _lemmas("mention", "tell", "say", "bring")],
        [_lemmas("omit", "withhold")],
    ],
}

# An angry cue is only the user's own anger when they are the one who is angry: "she gets angry"
# describes the partner. We drop cues whose sentence subject is clearly someone else.
PARTNER_SUBJECTS = {"she", "he", "they", "partner", "wife", "husband", "girlfriend", "boyfriend",
                    "gf", "bf", "fiance", "fiancee", "spouse"}


class PatternCues:
    """Finds the five responses' cue words in a spaCy doc."""

    def __init__(self, vocab: Vocab) -> None:
        self.matcher = Matcher(vocab)
        for pattern, cues in CUES.items():
            self.matcher.add(pattern, cues)

    def find(self, doc: Doc) -> list[Span]:
        """The cue spans in the message, one per response, in the order they appear."""
        found: dict[str, Span] = {}
        for match_id, start, end in sorted(self.matcher(doc), key=lambda m: m[1]):
            pattern = doc.vocab.strings[match_id]
            span = doc[start:end]
            if pattern not in found and not _about_someone_else(span):
                found[pattern] = Span(doc, start, end, label=pattern)
        return list(found.values())


def _about_someone_else(span: Span) -> bool:
    """True when the cue's clause is the partner's doing, not the user's ("she snaps at me")."""
    verb = span.root if span.root.pos_ in ("VERB", "AUX", "ADJ") else span.root.head
    subjects = [child for child in verb.children if child.dep_ in ("nsubj", "nsubjpass")]
    if not subjects and verb.dep_ in ("conj", "xcomp", "acomp") and verb.head is not verb:
        subjects = [child for child in verb.head.children if child.dep_ in ("nsubj", "nsubjpass")]
    return any(subject.lower_ in PARTNER_SUBJECTS for subject in subjects)


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False, model_from="SpacyNLP"
)
class PatternCueExtractor(GraphComponent, EntityExtractorMixin):
    """Adds a `pattern_cue` entity for each of the five responses a message describes.

    Place it after FallbackClassifier, so that it can settle an unsure reading.
    """

    @classmethod
    def required_components(cls) -> list[type]:
        return [SpacyNLP]

    def __init__(self) -> None:
        self._cues: PatternCues | None = None

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> PatternCueExtractor:
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    # `Optional`, not `X | None`: Rasa's graph validator cannot read the newer union syntax.
    def process(
        self, messages: list[Message], model: Optional[SpacyModel] = None  # noqa: UP007
    ) -> list[Message]:
        for message in messages:
            doc = message.get(SPACY_DOCS[TEXT])
            if doc is None:
                continue
            if model is not None:
                parse(doc, model.model)
            if self._cues is None:
                self._cues = PatternCues(doc.vocab)
            entities = [
                {
                    "entity": ENTITY,
                    "value": span.label_,
                    "start": span.start_char,
                    "end": span.end_char,
                    "extractor": self.__class__.__name__,
                }
                for span in self._cues.find(doc)
            ]
            message.set(ENTITIES, message.get(ENTITIES, []) + entities, add_to_output=True)
            _settle_with_cue(message, [entity["value"] for entity in entities])
        return messages


def _settle_with_cue(message: Message, cues: list[str]) -> None:
    """Lets the words a message uses settle which response it describes, where the classifier wavers.

    Two cases, both only when the message names exactly one response in so many words: an unsure
    reading (nlu_fallback) becomes that response; and a different response the classifier picked,
    with no cue of its own, gives way when the named one is among its own top three guesses
    ("i snap every time" read as ignoring, with getting angry second).
    """
    if len(cues) != 1:
        return
    intent = (message.get(INTENT) or {}).get("name")
    named = INTENT_OF_PATTERN[cues[0]]
    ranking = message.get(INTENT_RANKING_KEY) or []
    top_three = [entry["name"] for entry in ranking if entry["name"] != "nlu_fallback"][:3]
    unsure = intent == "nlu_fallback"
    contradicted = intent in PATTERN_INTENTS and intent != named and named in top_three
    if unsure or contradicted:
        confidence = next((i["confidence"] for i in ranking if i["name"] == named), 0.0)
        message.set(INTENT, {"name": named, "confidence": confidence}, add_to_output=True)
