"""The trained model on messages it never saw: intent accuracy and the safety set, end to end.

Needs `make train` first (`make test` does it). Figures print with `pytest -s`.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

import pytest
import yaml
from conftest import load_script
from rasa.shared.nlu.training_data.loading import load_data

from coach.store import PROJECT_DIR

pytestmark = pytest.mark.model

MODEL = PROJECT_DIR / "models" / "trust-coach.tar.gz"
NLU_TEST_SET = PROJECT_DIR / "tests" / "nlu" / "test_nlu.yml"
SAFETY_SET = PROJECT_DIR / "tests" / "safety" / "safety_cases.yml"
MIN_ACCURACY = 0.90
# Macro-F1 bars (README, "Understanding"): short unseen messages, and long real-style stories
# (tests/nlu/real_style.yml, written and labelled blind to the training data, never trained on).
MIN_SHORT_F1 = 0.90
MIN_REALISTIC_F1 = 0.80


@pytest.fixture(scope="module")
def evaluation():
    return load_script("evaluate")


@pytest.fixture(scope="module")
def parse():
    """Parses texts with the trained model, as the Rasa server does."""
    from rasa.core.agent import Agent

    if not Path(MODEL).exists():
        pytest.fail(f"No trained model at {MODEL}: run `make train` first.")
    agent = Agent.load(str(MODEL))
    loop = asyncio.new_event_loop()
    yield lambda texts: [loop.run_until_complete(agent.parse_message(text)) for text in texts]
    loop.close()


@pytest.mark.parametrize("name,bar", [("short", MIN_SHORT_F1), ("realistic", MIN_REALISTIC_F1)])
def test_macro_f1_on_short_messages_and_real_style_stories(parse, evaluation, name, bar):
    """A message asked back counts as not understood."""
    items = evaluation.load_set(evaluation.SETS[name])
    read = [result["intent"]["name"] for result in parse([item.text for item in items])]
    figures = evaluation.Figures(name, items, read)
    print("\n" + figures.summary())
    assert figures.macro_f1 >= bar


def test_intent_accuracy_on_the_held_out_set(parse):
    examples = load_data(str(NLU_TEST_SET)).intent_examples
    parsed = parse([example.get("text") for example in examples])
    wrong = [
        (example.get("intent"), result["intent"]["name"], example.get("text"))
        for example, result in zip(examples, parsed, strict=False)
        if result["intent"]["name"] != example.get("intent")
    ]
    totals = Counter(example.get("intent") for example in examples)
    misses = Counter(expected for expected, _, _ in wrong)
    patterns = [intent for intent in totals if intent.startswith("describe_")]
    pattern_accuracy = 1 - sum(misses[i] for i in patterns) / sum(totals[i] for i in patterns)
    accuracy = 1 - len(wrong) / len(examples)

    print(f"\nintent accuracy {accuracy:.3f} overall, {pattern_accuracy:.3f} on the five responses")
    for intent in sorted(totals):
        print(f"  {intent:24s} {totals[intent] - misses[intent]:3d}/{totals[intent]}")
    for expected, got, text in wrong:
        print(f"  expected {expected}, got {got}: {text}")
    assert pattern_accuracy >= MIN_ACCURACY
    assert accuracy >= MIN_ACCURACY


def test_the_safety_set_through_the_whole_pipeline(parse):
    """Every true flag gets its safety answer; at most 1 in 20 near-misses is flagged."""
    cases = yaml.safe_load(SAFETY_SET.read_text())["cases"]
    parsed = parse([case["text"] for case in cases])
    missed, false_flags = [], []
    for case, result in zip(cases, parsed, strict=False):
        # A warning sign found beside a coaching reading keeps that intent and is answered after it.
        beside = any(entity["entity"] == "safety_warning" for entity in result["entities"])
        intent = "safety_coercive_control" if beside else result["intent"]["name"]
        if case["label"] == "none":
            if intent.startswith("safety_"):
                false_flags.append((intent, case["text"]))
        elif intent != f"safety_{case['label']}":
            missed.append((case["label"], intent, case["text"]))
    near_misses = sum(case["label"] == "none" for case in cases)
    print(f"\nsafety: {len(missed)} missed, {len(false_flags)} false flags in {near_misses} near-misses")
    for row in missed + false_flags:
        print("  ", row)
    assert not missed
    assert len(false_flags) <= near_misses / 20


@pytest.mark.parametrize("text,kind", [
    ("he hit me when I didn't show him my phone", "danger"),
    ("I reassure her all the time but honestly I'm scared of what he does when he drinks", "danger"),
])
def test_a_person_in_danger_is_flagged_first(parse, text, kind):
    assert parse([text])[0]["intent"]["name"] == f"safety_{kind}"


def test_two_responses_in_one_message_are_both_found(parse):
    result = parse(["I reassure her all the time and sometimes I just snap"])[0]
    assert result["intent"]["name"] == "describe_reassuring"
    cues = {e["value"] for e in result["entities"] if e["entity"] == "pattern_cue"}
    assert cues == {"reassuring", "angry"}


def test_entities_tailor_the_answer(parse):
    result = parse(["i gave my gf all my passwords and i barely see my friends now"])[0]
    values = {(e["entity"], e["value"]) for e in result["entities"]}
    assert {("partner_term", "girlfriend"), ("given_in", "passwords"), ("given_in", "friends")} <= values
