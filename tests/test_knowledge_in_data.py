"""Knowledge moved into data files (issue 15): the reading's cue file is checked as it loads, the
assessment's scenario list names real scenarios, and a trained model survives Rasa's model storage."""

from __future__ import annotations

import pytest
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource

from actions.assessment.knowledge import words
from coach.content import intents_of, practice
from coach.patterns import KnowledgeFileError
from components.pattern_cues import read_cues
from components.persist import load_trained, save_trained


def test_every_cue_names_a_response_of_the_intent_table():
    assert list(read_cues()) == list(intents_of("pattern").values())


@pytest.mark.parametrize("line,problem", [
    ('{"label": "sulking", "pattern": [{"LEMMA": "sulk"}]}', "unknown label 'sulking'"),
    ('{"label": "angry", "pattern": "lose it"}', "the cue of 'angry' must be a list of token dicts"),
])
def test_a_cue_line_that_cannot_be_used_is_named_by_file_and_line(tmp_path, line, problem):
    path = tmp_path / "cues.jsonl"
    path.write_text('{"label": "angry", "pattern": [{"LEMMA": "snap"}]}\n\n' + line + "\n")
    with pytest.raises(KnowledgeFileError, match=rf"cues\.jsonl, line 3: {problem}"):
        read_cues(path)


def test_the_demanding_scenarios_are_practice_scenarios():
    assert words("demanding_scenarios") <= set(practice()["scenarios"])


def test_a_trained_model_is_read_back_and_an_untrained_one_is_none(tmp_path):
    storage = LocalModelStorage(tmp_path)
    save_trained(storage, Resource("reading"), "model.joblib", {"weights": [1, 2]})
    assert load_trained(storage, Resource("reading"), "model.joblib") == {"weights": [1, 2]}
    assert load_trained(storage, Resource("never_trained"), "model.joblib") is None
