"""The article's content file is whole: every response has its insight and existing steps, and every
entity value the NLU can produce has a text to tailor the answer with."""

from __future__ import annotations

import re

import pytest
import yaml

import coach.content
from coach.content import (
    PATTERNS,
    coaching,
    intent_for,
    intent_table,
    intents_of,
    meaning_of,
    resources,
    safety,
    service,
    step_names,
    therapy,
)
from coach.store import PROJECT_DIR


def all_texts(node) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [text for value in node.values() for text in all_texts(value)]
    if isinstance(node, list):
        return [text for value in node for text in all_texts(value)]
    return []


def test_every_response_has_words_an_insight_and_existing_steps():
    assert tuple(coaching()["patterns"]) == PATTERNS
    for name, content in coaching()["patterns"].items():
        assert content["label"], name
        assert len(content["heard"]) == 2 and len(content["insight"]) == 2, name
        assert len(set(content["insight"])) == 2, f"{name}: the two insights must differ"
        assert content["steps"] and set(content["steps"]) <= set(step_names()), name


def test_the_eight_steps_are_numbered_in_order_with_something_to_try():
    steps = coaching()["steps"]
    assert [steps[name]["number"] for name in step_names()] == list(range(1, 9))
    for name in step_names():
        assert steps[name]["title"] and steps[name]["summary"] and steps[name]["try"], name


def test_root_cause_caveat_and_closing_thought_are_there():
    assert len(coaching()["root_cause"]) >= 3 and coaching()["root_cause_recap"]
    assert coaching()["caveat"] and coaching()["closing_thought"] and coaching()["overview"]


def test_only_the_partner_placeholder_is_used_in_article_content():
    article = {k: v for k, v in coaching().items() if k not in ("phrases", "menu", "asking_back")}
    for text in all_texts(article):
        assert set(re.findall(r"{(\w*)}", text)) <= {"partner"}, text


def test_every_intent_named_in_code_is_in_the_domain():
    domain = yaml.safe_load((PROJECT_DIR / "domain.yml").read_text())
    assert set(intent_table()) <= set(domain["intents"])
    asking_back = coaching()["asking_back"]
    assert set(asking_back["reflections"]) | set(asking_back["choices"]) <= set(domain["intents"])


def entity_values() -> dict[str, list[str]]:
    return {
        "given_in": list(coaching()["patterns"]["giving_in"]["given_in"]),
        "held_back": list(coaching()["patterns"]["withholding"]["held_back"]),
        "step": step_names(),
    }


def test_every_tailoring_text_can_be_reached_from_the_nlu_data():
    nlu = yaml.safe_load((PROJECT_DIR / "data" / "nlu" / "lookups.yml").read_text())["nlu"]
    synonyms = {item["synonym"] for item in nlu if "synonym" in item}
    for entity, values in entity_values().items():
        missing = set(values) - synonyms
        assert not missing, f"{entity}: no synonym in data/nlu/lookups.yml maps to {missing}"


def test_resources_are_dated_and_the_crisis_lines_named_are_there():
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(resources()["checked"]))
    assert "911" in resources()["emergency"] and resources()["emergency_number"] == "911"
    lines = safety()["lines"]
    for name in [*lines["self_harm"], *lines["abuse"], lines["elsewhere"]]:
        assert service(name)["reach"], name
    assert "{hotline}" in safety()["control_note"]


# --- The intent table (content/intents.yml) ---------------------------------------------------

def test_each_intent_means_something_the_content_has_words_for():
    assert tuple(intents_of("pattern").values()) == PATTERNS
    assert set(intents_of("feeling").values()) == set(coaching()["feelings"])
    assert set(intents_of("need").values()) == set(therapy()["needs"]) == set(therapy()["buttons"])
    assert set(intents_of("safety").values()) <= set(safety())
    assert set(intents_of("answer").values()) == {"yes", "no"}


def test_an_intent_is_read_both_ways():
    assert meaning_of("describe_getting_angry", "pattern") == "angry"
    assert meaning_of("describe_getting_angry", "need") is None and meaning_of(None, "need") is None
    assert intent_for("need", "partner") == "ask_partner_therapy"


@pytest.mark.parametrize("entry", ["{pattern: angry, need: couple}", "{mood: angry}", "angry"])
def test_a_mistake_in_the_intent_table_names_the_file_and_line(entry, tmp_path, monkeypatch):
    (tmp_path / "intents.yml").write_text(f"intents:\n  greet: {{answer: hi}}\n  describe_angry: {entry}\n")
    monkeypatch.setattr(coach.content, "CONTENT_DIR", tmp_path)
    intent_table.cache_clear()
    try:
        with pytest.raises(ValueError, match=r"intents\.yml, line 3: describe_angry"):
            intent_table()
    finally:
        intent_table.cache_clear()
