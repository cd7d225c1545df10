"""Which messages count as another language: none of the English we have, clear foreign sentences do."""

from __future__ import annotations

import re

import pytest
import yaml

from coach.store import PROJECT_DIR
from components.language import is_other_language

ANNOTATION = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")


def english_examples() -> list[str]:
    """Every English example we have: training data, the NLU test set, the safety set, practice replies."""
    examples = []
    for path in [*PROJECT_DIR.glob("data/nlu/*.yml"), PROJECT_DIR / "tests/nlu/test_nlu.yml"]:
        for item in yaml.safe_load(path.read_text()).get("nlu", []):
            if "examples" in item and item.get("intent") != "other_language":
                lines = [line[2:] for line in item["examples"].splitlines() if line.startswith("- ")]
                examples += [ANNOTATION.sub(r"\1", line) for line in lines]
    examples += [case["text"] for case in yaml.safe_load(
        (PROJECT_DIR / "tests/safety/safety_cases.yml").read_text())["cases"]]
    for path in PROJECT_DIR.glob("tests/practice/*.yml"):
        examples += [reply["text"] for reply in yaml.safe_load(path.read_text())["replies"]]
    return examples


def test_no_english_example_counts_as_another_language():
    examples = english_examples()
    assert len(examples) > 1500
    assert [text for text in examples if is_other_language(text)] == []


@pytest.mark.parametrize("text", [
    "mi esposa revisa mi teléfono cada noche",
    "siempre le digo que lo quiero pero no me cree",
    "mon copain ne me fait pas confiance du tout",
    "meine freundin vertraut mir überhaupt nicht",
    "il mio ragazzo controlla sempre il mio telefono",
    "minha esposa acha que eu estou traindo ela",
    "mijn vriendin vertrouwt me niet meer",
    "Мой муж мне не доверяет",
    "我的女朋友不相信我",
    "彼氏が私を信じてくれない",
    "زوجي لا يثق بي",
])
def test_clear_sentences_in_other_languages_are_recognised(text):
    assert is_other_language(text)


@pytest.mark.parametrize("text", ["ok", "lol", "hola", "idk i just go quiet", "", "😡", "988"])
def test_short_or_unclear_messages_are_left_to_the_classifier(text):
    assert not is_other_language(text)
