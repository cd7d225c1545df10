"""Tests for the safety check's knowledge files: a bad line is refused by file and line, and the word
lists the rules read agree with the patterns that anchor them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coach.patterns import KnowledgeFileError, WordLists
from components.safety.check import SHAPES, rule_patterns
from components.safety.patterns import ANCHOR, PHRASE, STRUCTURE, read_patterns, words

SHAPES_FOR_TESTS = {"weapon": ANCHOR, "in_danger": PHRASE, "violence_on_me": STRUCTURE}
GOOD_ANCHOR = {"label": "weapon", "pattern": [{"LEMMA": {"IN": ["gun", "knife"]}}]}


def pattern_file(tmp_path: Path, *lines: object) -> Path:
    path = tmp_path / "danger_patterns.jsonl"
    path.write_text("\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n",
                    encoding="utf8")
    return path


def error_for(path: Path) -> str:
    with pytest.raises(KnowledgeFileError) as raised:
        read_patterns(path, SHAPES_FOR_TESTS)
    return str(raised.value)


def test_a_good_file_reads_as_label_and_pattern(tmp_path):
    phrase = {"label": "in_danger", "pattern": [{"LOWER": "in"}, {"LOWER": "danger"}], "note": "why"}
    path = pattern_file(tmp_path, GOOD_ANCHOR, phrase)
    assert read_patterns(path, SHAPES_FOR_TESTS) == [
        ("weapon", [{"LEMMA": {"IN": ["gun", "knife"]}}]),
        ("in_danger", [{"LOWER": "in"}, {"LOWER": "danger"}]),
    ]


def test_broken_json_names_the_file_and_the_line(tmp_path):
    path = pattern_file(tmp_path, GOOD_ANCHOR, '{"label": "weapon", "pattern": [{"LEMMA": "knife"}')
    message = error_for(path)
    assert str(path) in message
    assert "line 2" in message


def test_lines_are_counted_as_they_stand_in_the_file_blank_ones_too(tmp_path):
    path = pattern_file(tmp_path, GOOD_ANCHOR, "", "", {"label": "weapon", "pattern": "knife"})
    assert "line 4" in error_for(path)


@pytest.mark.parametrize(("line", "says"), [
    ({"label": "weapons", "pattern": [{"LEMMA": "knife"}]}, "unknown label 'weapons'"),
    ({"pattern": [{"LEMMA": "knife"}]}, 'needs a "label"'),
    ({"label": "weapon"}, 'needs a "label" and a "pattern"'),
    ({"label": "weapon", "pattern": "knife"}, "non-empty list of token dicts"),
    ({"label": "weapon", "pattern": ["knife"]}, "non-empty list of token dicts"),
    ({"label": "weapon", "pattern": []}, "non-empty list of token dicts"),
    ({"label": "weapon", "pattern": [{"LEMMA": "knife"}], "id": "x"}, "unknown keys ['id']"),
    ({"label": "weapon", "pattern": [{"LEMMA": "a"}, {"LEMMA": "knife"}]}, "exactly one token dict"),
    ({"label": "weapon", "pattern": [{"LEMA": "knife"}]}, "spaCy rejects the pattern of 'weapon'"),
    ({"label": "in_danger", "pattern": [{"LOWER": {"IN": "danger"}}]}, "spaCy rejects"),
    ({"label": "violence_on_me", "pattern": [{"RIGHT_ID": "verb"}]}, "needs RIGHT_ID and RIGHT_ATTRS"),
    ({"label": "violence_on_me", "pattern": [
        {"RIGHT_ID": "verb", "RIGHT_ATTRS": {"LEMMA": "hit"}},
        {"LEFT_ID": "verb", "REL_OP": "=>", "RIGHT_ID": "victim", "RIGHT_ATTRS": {"LOWER": "me"}}]},
     "spaCy rejects"),
    ({"label": "in_danger", "pattern": [{"RIGHT_ID": "verb", "RIGHT_ATTRS": {"LOWER": "in"}}]},
     "is a token pattern"),
])
def test_a_malformed_pattern_line_is_refused_by_file_and_line(tmp_path, line, says):
    path = pattern_file(tmp_path, GOOD_ANCHOR, GOOD_ANCHOR, line)
    message = error_for(path)
    assert message.startswith(f"{path}, line 3: ")
    assert says in message


def test_a_bad_word_list_line_is_refused_by_file_and_line(tmp_path):
    path = tmp_path / "danger_words.jsonl"
    path.write_text('{"list": "weapons", "words": ["knife", "gun"]}\n{"list": "chores", "words": "cook"}\n',
                    encoding="utf8")
    with pytest.raises(KnowledgeFileError, match=r"danger_words\.jsonl, line 2: .*'chores'"):
        WordLists(path)("weapons")


def test_a_word_list_named_twice_is_refused(tmp_path):
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text('{"list": "weapons", "words": ["knife"]}\n', encoding="utf8")
    second.write_text('\n{"list": "weapons", "words": ["gun"]}\n', encoding="utf8")
    already = r"b\.jsonl, line 2: word list 'weapons' is already in .*a\.jsonl, line 1"
    with pytest.raises(KnowledgeFileError, match=already):
        WordLists(first, second)("weapons")


def test_asking_for_a_list_that_is_not_there_names_it():
    with pytest.raises(KeyError, match="violent_verb"):
        words("violent_verb")


def test_every_list_is_a_set_of_words():
    assert "knife" in words("weapons")
    assert isinstance(words("weapons"), frozenset)


def test_every_rule_has_a_pattern_and_every_pattern_a_rule():
    assert {label for label, _ in rule_patterns()} == set(SHAPES)


def in_list(label: str, token: int = 0, attr: str = "LEMMA") -> set[str]:
    """The words one token of a rule's pattern(s) matches, from the pattern files."""
    found = set()
    for name, pattern in rule_patterns():
        if name == label:
            attrs = pattern[token].get("RIGHT_ATTRS", pattern[token])
            found |= set(attrs[attr]["IN"])
    return found


@pytest.mark.parametrize(("label", "token", "list_names"), [
    ("conditional_harm", 0, ["violent_verbs"]),
    ("violence_on_me", 0, ["violent_verbs"]),
    ("violence_on_body", 0, ["violent_verbs"]),
    ("violence_passive", 0, ["violent_verbs"]),
    ("violence_on_body", 1, ["body_parts"]),
    ("weapon", 0, ["weapons"]),
    ("coercion", 0, ["coercion_verbs", "force_verbs"]),
    ("permission", 0, ["permission_verbs"]),
])
def test_the_words_a_rule_reads_are_the_words_its_pattern_anchors_on(label, token, list_names):
    # The same vocabulary is written twice, in the pattern (spaCy's shape) and as a word list the rule
    # reads; editing one without the other would make a rule fire on words it does not understand.
    assert in_list(label, token) == set().union(*(words(name) for name in list_names))


def test_the_surveillance_verbs_are_among_the_seizure_anchors():
    assert words("surveillance_verbs") <= in_list("seizure")
