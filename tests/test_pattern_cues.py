"""Finding each backfiring response a message describes, as the Rasa pipeline does."""

from __future__ import annotations

import pytest
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from components.pattern_cues import PatternCueExtractor, PatternCues


@pytest.fixture(scope="module")
def cues(nlp):
    return lambda text: [span.label_ for span in PatternCues(nlp.vocab).find(nlp(text.lower()))]


@pytest.mark.parametrize("text,expected", [
    ("I reassure her all the time and sometimes I just snap", ["reassuring", "angry"]),
    ("i don't answer anymore, i just go quiet. and honestly i yell sometimes", ["ignoring", "angry"]),
    ("i gave him my passwords and i check in every hour", ["giving_in"]),
    ("i don't tell her who was at lunch", ["withholding"]),
    ("i keep promising him nothing is going on", ["reassuring"]),
    ("i lost my temper last night", ["angry"]),
])
def test_the_responses_a_message_describes_are_found(cues, text, expected):
    assert cues(text) == expected


@pytest.mark.parametrize("text", [
    "she gets angry when i go out",
    "he shouts at me whenever i'm late",
    "my wife ignores me for days",
])
def test_what_the_partner_does_is_not_taken_for_the_users_response(cues, text):
    assert cues(text) == []


def message_as_rasa_makes_it(text: str, intent: str, model, ranking=None) -> Message:
    """A message after SpacyNLP (lowercased doc, no parse) and the intent classifiers."""
    message = Message(data={TEXT: text})
    message.set(SPACY_DOCS[TEXT], model.model(text.lower()))
    message.set(INTENT, {"name": intent, "confidence": 0.5})
    message.set(INTENT_RANKING_KEY, ranking or [
        {"name": "nlu_fallback", "confidence": 0.5},
        {"name": "describe_ignoring", "confidence": 0.41},
        {"name": "describe_reassuring", "confidence": 0.28},
    ])
    return message


def test_the_component_marks_cues_on_the_docs_rasa_makes(spacy_nlp_model):
    message = message_as_rasa_makes_it(
        "I reassure her all the time and sometimes I just snap", "describe_reassuring", spacy_nlp_model
    )
    PatternCueExtractor().process([message], spacy_nlp_model)
    assert [e["value"] for e in message.get(ENTITIES) if e["entity"] == "pattern_cue"] == [
        "reassuring", "angry",
    ]
    assert message.get(INTENT)["name"] == "describe_reassuring"


def test_an_unsure_reading_of_a_message_naming_one_response_is_settled(spacy_nlp_model):
    message = message_as_rasa_makes_it(
        "i usually ignore her calls when im out", "nlu_fallback", spacy_nlp_model
    )
    PatternCueExtractor().process([message], spacy_nlp_model)
    assert message.get(INTENT) == {"name": "describe_ignoring", "confidence": 0.41}


def test_an_unsure_reading_with_no_cue_or_two_cues_stays_unsure(spacy_nlp_model):
    for text in ["it's complicated", "i promise her everything and then i yell"]:
        message = message_as_rasa_makes_it(text, "nlu_fallback", spacy_nlp_model)
        PatternCueExtractor().process([message], spacy_nlp_model)
        assert message.get(INTENT)["name"] == "nlu_fallback"


def test_a_wavering_reading_gives_way_to_the_response_the_message_names(spacy_nlp_model):
    ranking = [
        {"name": "describe_ignoring", "confidence": 0.56},
        {"name": "describe_getting_angry", "confidence": 0.3},
        {"name": "ask_what_to_do", "confidence": 0.05},
    ]
    message = message_as_rasa_makes_it(
        "i snap every time. idk how to stop myself", "describe_ignoring", spacy_nlp_model, ranking
    )
    PatternCueExtractor().process([message], spacy_nlp_model)
    assert message.get(INTENT) == {"name": "describe_getting_angry", "confidence": 0.3}


def test_a_named_response_the_classifier_never_considered_does_not_override(spacy_nlp_model):
    ranking = [
        {"name": "feeling_frustrated", "confidence": 0.9},
        {"name": "describe_ignoring", "confidence": 0.05},
        {"name": "thank", "confidence": 0.03},
    ]
    message = message_as_rasa_makes_it(
        "it drives me mad that she never believes me", "feeling_frustrated", spacy_nlp_model, ranking
    )
    PatternCueExtractor().process([message], spacy_nlp_model)
    assert message.get(INTENT)["name"] == "feeling_frustrated"
