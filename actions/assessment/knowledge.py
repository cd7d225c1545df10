"""The assessment's knowledge, read from patterns/ when first needed, and the spaCy model that applies it.

Cues are spaCy `PhraseMatcher` and `Matcher` patterns on NORM and LEMMA (NORM is the lowercase form with
contractions and chat spellings unified: "dont", "don't" and "do not" all read "do not"). Every line of
every file is checked as it loads; a line that cannot be used stops the load with its file and line.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher

from actions.assessment.signals import LABELS
from coach.patterns import WordLists, read_lines, read_patterns

MODEL = "en_core_web_md"

# Beside the code that reads them, as the safety check's are: these are the assessor's own knowledge,
# not what the coach says (content/), and they change with its rules.
PATTERNS_DIR = Path(__file__).parent / "patterns"
# Phrases (PhraseMatcher, on NORM) and token patterns (Matcher), SpanRuler's format: a line's pattern
# is a phrase or a list of token dicts. Read in this order, the order their labels are added in.
PATTERN_FILES = tuple(PATTERNS_DIR / name for name in (
    "backfire_phrases.jsonl", "vague_phrases.jsonl", "sarcasm_phrases.jsonl", "calm_phrases.jsonl",
    "token_patterns.jsonl",
))
# Every word list a rule reads, by name: words("insults").
words = WordLists(PATTERNS_DIR / "cue_words.jsonl", PATTERNS_DIR / "detail_words.jsonl")
# Chat spellings spaCy does not split on its own: "im" reads as "i am", "u" as "you".
SPELLINGS_FILE = PATTERNS_DIR / "chat_spellings.jsonl"


def read_all_patterns() -> tuple[dict[str, list[str]], dict[str, list[list[dict[str, Any]]]]]:
    """The phrases and the token patterns of all the pattern files, by label, in the files' order."""
    phrases: dict[str, list[str]] = {}
    token_patterns: dict[str, list[list[dict[str, Any]]]] = {}
    for path in PATTERN_FILES:
        for label, pattern in read_patterns(path, LABELS):
            if isinstance(pattern, str):
                phrases.setdefault(label, []).append(pattern)
            else:
                token_patterns.setdefault(label, []).append(pattern)
    return phrases, token_patterns


def read_spellings(path: Path = SPELLINGS_FILE) -> dict[str, list[dict[str, str]]]:
    """`{"spelling": "im", "tokens": [{"ORTH": "i"}, {"ORTH": "m", "NORM": "am"}]}`, by spelling."""
    return {line["spelling"]: line["tokens"] for _, line in read_lines(path, _check_spelling)}


def _check_spelling(line: Any) -> str | None:
    if not isinstance(line, dict) or set(line) - {"spelling", "tokens", "note"}:
        return 'a chat spelling is an object with "spelling", "tokens" and an optional "note"'
    spelling, tokens = line.get("spelling"), line.get("tokens")
    if not isinstance(spelling, str) or not spelling:
        return 'a chat spelling needs a "spelling"'
    if not isinstance(tokens, list) or not tokens or not all(
        isinstance(token, dict) and isinstance(token.get("ORTH"), str) and set(token) <= {"ORTH", "NORM"}
        for token in tokens
    ):
        return f'the "tokens" of {spelling!r} must be a list of {{"ORTH": ..., "NORM": ...}} (NORM optional)'
    if "".join(token["ORTH"] for token in tokens) != spelling:
        return f'the ORTH of the tokens of {spelling!r} must spell {spelling!r}'
    return None


@lru_cache(maxsize=1)
def nlp() -> Language:
    """en_core_web_md, with chat spellings taught to its tokenizer."""
    language = spacy.load(MODEL)
    for spelling, tokens in read_spellings().items():
        language.tokenizer.add_special_case(spelling, tokens)
    return language


@lru_cache(maxsize=1)
def matchers() -> tuple[PhraseMatcher, Matcher]:
    language = nlp()
    phrases, token_patterns = read_all_patterns()
    phrase_matcher = PhraseMatcher(language.vocab, attr="NORM")
    for label, texts in phrases.items():
        phrase_matcher.add(label, [language.make_doc(text) for text in texts])
    token_matcher = Matcher(language.vocab)
    for label, patterns in token_patterns.items():
        token_matcher.add(label, patterns)
    return phrase_matcher, token_matcher


@lru_cache(maxsize=1)
def name_vector() -> Any:
    """The mean vector of a few common first names (detail_words.jsonl, "name_examples")."""
    vocab = nlp().vocab
    names = words.in_order("name_examples")
    return sum(vocab[name].vector for name in names) / len(names)
