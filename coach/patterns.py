"""Knowledge kept as JSON lines: each file read once, every line checked, word lists and patterns by name.

The same conventions as spaCy's SpanRuler: one JSON object a line, `{"label": ..., "pattern": "a phrase"}`
or `{"label": ..., "pattern": [{"LEMMA": ...}]}`; word lists are `{"list": ..., "words": [...]}`. A line
that cannot be used stops the load with an error naming its file and line.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from pathlib import Path
from typing import Any

import srsly
from spacy.errors import MatchPatternError
from spacy.matcher import Matcher
from spacy.vocab import Vocab


class KnowledgeFileError(ValueError):
    """A line of a pattern or word-list file that cannot be used, named by its file and line number."""

    def __init__(self, path: Path, line: int, problem: str) -> None:
        super().__init__(f"{path}, line {line}: {problem}")
        self.path = path
        self.line = line


# Checks one parsed line; returns what is wrong with it, or None.
LineCheck = Callable[[Any], str | None]


def read_lines(path: Path, check: LineCheck) -> Iterator[tuple[int, dict[str, Any]]]:
    """The lines of a JSON-lines file with their line numbers, each passed through `check` first.

    srsly skips blank lines without saying so, so the numbers are counted here the same way: a
    physical line counts, a blank one yields nothing.
    """
    with path.open(encoding="utf8") as lines:
        numbers = iter([number for number, line in enumerate(lines, 1) if line.strip()])
    parsed = srsly.read_jsonl(path)
    for number in numbers:
        try:
            line = next(parsed)
        except ValueError as error:  # srsly's "Invalid JSON on line N: ..."
            raise KnowledgeFileError(path, number, f"not valid JSON ({error})") from None
        problem = check(line)
        if problem is not None:
            raise KnowledgeFileError(path, number, problem)
        yield number, line


# --------------------------------------------------------------------------------------------------
# Word lists
# --------------------------------------------------------------------------------------------------

def check_word_list(line: Any) -> str | None:
    """`{"list": "partner_nouns", "words": ["wife", ...], "note": "why these words"}`; note optional."""
    if not isinstance(line, dict):
        return "a word list must be an object"
    unknown = set(line) - {"list", "words", "note"}
    if unknown:
        return f"unknown keys {sorted(unknown)} (a word list has list, words and an optional note)"
    name, entries = line.get("list"), line.get("words")
    if not isinstance(name, str) or not name:
        return 'a word list needs a "list" name'
    if not isinstance(entries, list) or not entries:
        return f'word list {name!r} needs a non-empty "words" list'
    if not all(isinstance(word, str) and word for word in entries):
        return f"word list {name!r} may hold only non-empty strings"
    if len(set(entries)) != len(entries):
        doubled = sorted({word for word in entries if entries.count(word) > 1})
        return f"word list {name!r} has {doubled} more than once"
    if not isinstance(line.get("note", ""), str):
        return f'the "note" of word list {name!r} must be a string'
    return None


class WordLists:
    """Named word lists from JSON-lines files, read on first use: `words("violent_verbs")`."""

    def __init__(self, *paths: Path) -> None:
        self.paths = paths
        self._lists: dict[str, tuple[str, ...]] | None = None
        self._sets: dict[str, frozenset[str]] = {}

    def __call__(self, name: str) -> frozenset[str]:
        if name not in self._sets:
            self._sets[name] = frozenset(self.in_order(name))
        return self._sets[name]

    def in_order(self, name: str) -> tuple[str, ...]:
        """The list's words in the order the file gives them, for the few lists where order matters."""
        lists = self._lists if self._lists is not None else self._load()
        try:
            return lists[name]
        except KeyError:
            files = ", ".join(str(path) for path in self.paths)
            raise KeyError(f"no word list named {name!r} in {files}") from None

    def names(self) -> list[str]:
        return list(self._lists if self._lists is not None else self._load())

    def _load(self) -> dict[str, tuple[str, ...]]:
        lists: dict[str, tuple[str, ...]] = {}
        where: dict[str, str] = {}
        for path in self.paths:
            for number, line in read_lines(path, check_word_list):
                name = line["list"]
                if name in lists:
                    raise KnowledgeFileError(path, number, f"word list {name!r} is already in {where[name]}")
                lists[name] = tuple(line["words"])
                where[name] = f"{path}, line {number}"
        self._lists = lists
        return lists


# --------------------------------------------------------------------------------------------------
# Phrase and token patterns
# --------------------------------------------------------------------------------------------------

# A phrase ("you always") for a PhraseMatcher, or a token pattern for a Matcher.
Pattern = str | list[dict[str, Any]]


def read_patterns(path: Path, labels: Collection[str]) -> list[tuple[str, Pattern]]:
    """The (label, pattern) lines of a pattern file, each label one of `labels`.

    A phrase line is `{"label": "angry", "pattern": "you always"}`; a token line is spaCy's Matcher
    pattern, `{"label": "angry", "pattern": [{"LEMMA": "stop"}, {"LOWER": "asking"}]}`. An optional
    "note" says why. Raises KnowledgeFileError naming the file and line of a line that cannot be used.
    """
    vocab = Vocab()  # a scratch vocabulary, only for spaCy's own check of each token pattern

    def check(line: Any) -> str | None:
        return check_pattern(line, labels, vocab)

    return [(line["label"], line["pattern"]) for _, line in read_lines(path, check)]


def check_pattern_line(line: Any, labels: Collection[str]) -> str | None:
    """What is wrong with a pattern line's shape, whatever reads it: {"label", "pattern", "note"?}."""
    if not isinstance(line, dict):
        return "a pattern line must be an object"
    unknown = set(line) - {"label", "pattern", "note"}
    if unknown:
        return f"unknown keys {sorted(unknown)} (a pattern line has label, pattern and an optional note)"
    if "label" not in line or "pattern" not in line:
        return 'a pattern line needs a "label" and a "pattern"'
    if line["label"] not in labels:
        return f"unknown label {line['label']!r}: nothing reads it (known: {', '.join(sorted(labels))})"
    if not isinstance(line.get("note", ""), str):
        return f'the "note" of {line["label"]!r} must be a string'
    return None


def check_pattern(line: Any, labels: Collection[str], vocab: Vocab) -> str | None:
    problem = check_pattern_line(line, labels)
    if problem:
        return problem
    label, pattern = line["label"], line["pattern"]
    if isinstance(pattern, str):
        return None if pattern.strip() else f"the phrase of {label!r} is empty"
    if not isinstance(pattern, list) or not pattern or not all(isinstance(t, dict) and t for t in pattern):
        return f"the pattern of {label!r} must be a phrase or a non-empty list of token dicts"
    try:
        Matcher(vocab, validate=True).add(label, [pattern])
    except (MatchPatternError, ValueError, KeyError) as error:
        return f"spaCy rejects the pattern of {label!r}: {' '.join(str(error).split())}"
    return None
