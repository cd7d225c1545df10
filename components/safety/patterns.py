"""Reads the safety check's knowledge, its Matcher patterns and word lists, checking each line as it loads."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from spacy.errors import MatchPatternError
from spacy.matcher import DependencyMatcher, Matcher
from spacy.vocab import Vocab

from coach.patterns import WordLists, check_pattern_line, read_lines
from coach.spacy_parse import PARSE_WORDS_FILE

# The patterns and word lists live beside this package rather than in content/: content/ holds what
# the assistant says and is read by the action server, while these are the detector's own knowledge,
# read only by the Rasa server's SafetyClassifier, and they change (and are reviewed) with its rules.
PATTERNS_DIR = Path(__file__).parent / "patterns"

# One file of patterns per kind of finding, in the order their rules have always been added to the
# matchers: where two rules match the same token, the first added is read first.
PATTERN_FILES = tuple(PATTERNS_DIR / name for name in
                      ("self_harm_patterns.jsonl", "danger_patterns.jsonl", "control_patterns.jsonl"))
WORD_FILES = tuple(PATTERNS_DIR / name for name in ("clause_words.jsonl", "self_harm_words.jsonl",
                                                    "danger_words.jsonl", "control_words.jsonl"))

# Every word list a safety rule reads, by name: words("violent_verbs"). The lists that say who is who
# and what denies a clause (coach/patterns/parse_words.jsonl) are shared with the other readers.
words = WordLists(PARSE_WORDS_FILE, *WORD_FILES)

# The three shapes a pattern can have, by the matcher that runs it and what its rule is handed.
ANCHOR = "anchor"  # one token (Matcher); its rule reads the parse around that token
PHRASE = "phrase"  # several tokens (Matcher); its rule reads the span
STRUCTURE = "structure"  # a verb and what hangs on it (DependencyMatcher); its rule gets those tokens

PatternLine = tuple[str, list[dict[str, Any]]]


def read_patterns(path: Path, shapes: Mapping[str, str]) -> list[PatternLine]:
    """The (label, pattern) lines of a pattern file, each label one of `shapes` (label -> shape).

    A token pattern is spaCy's: `{"label": "weapon", "pattern": [{"LEMMA": {"IN": ["knife", ...]}}]}`;
    a dependency pattern is the DependencyMatcher's: `{"label": ..., "pattern": [{"RIGHT_ID": ...,
    "RIGHT_ATTRS": {...}}, {"LEFT_ID": ..., "REL_OP": ">", "RIGHT_ID": ..., "RIGHT_ATTRS": {...}}]}`.
    An optional "note" says why. Raises KnowledgeFileError naming the file and line of a bad line.
    """
    vocab = Vocab()  # a scratch vocabulary, only for spaCy's own check of each pattern

    def check(line: Any) -> str | None:
        return _check_pattern(line, shapes, vocab)

    return [(line["label"], line["pattern"]) for _, line in read_lines(path, check)]


def _check_pattern(line: Any, shapes: Mapping[str, str], vocab: Vocab) -> str | None:
    problem = check_pattern_line(line, shapes)
    if problem:
        return problem
    label, pattern = line["label"], line["pattern"]
    if not isinstance(pattern, list) or not pattern or not all(isinstance(t, dict) and t for t in pattern):
        return f"the pattern of {label!r} must be a non-empty list of token dicts"
    shape = shapes[label]
    if shape == ANCHOR and len(pattern) != 1:
        return f"{label!r} is an anchor: its pattern is exactly one token dict, not {len(pattern)}"
    if shape == STRUCTURE:
        ids = [t.get("RIGHT_ID") for t in pattern]
        if not all({"RIGHT_ID", "RIGHT_ATTRS"} <= set(t) for t in pattern):
            return f"{label!r} is a dependency pattern: every token needs RIGHT_ID and RIGHT_ATTRS"
        if len(set(ids)) != len(ids):
            return f"{label!r} uses a RIGHT_ID twice"
    elif any("RIGHT_ID" in t for t in pattern):
        return f"{label!r} is a token pattern, but this line is a dependency pattern"
    return _spacy_rejects(label, pattern, shape, vocab)


def _spacy_rejects(label: str, pattern: list[dict[str, Any]], shape: str, vocab: Vocab) -> str | None:
    """What spaCy would say of the pattern when the check adds it (unknown attributes, bad operators)."""
    try:
        if shape == STRUCTURE:
            DependencyMatcher(vocab, validate=True).add(label, [pattern])
        else:
            Matcher(vocab, validate=True).add(label, [pattern])
    except (MatchPatternError, ValueError, KeyError) as error:
        return f"spaCy rejects the pattern of {label!r}: {' '.join(str(error).split())}"
    return None

