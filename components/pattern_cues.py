"""The cue words of the five backfiring responses, found with spaCy's Matcher on lemmas.

People often name a response in so many words ("I just ignore her calls", "I snapped"). The reading
(components/reading.py) gives such a word extra weight in the sentence it stands in, and uses it to
find a second response in the same message ("I reassure her all the time and sometimes I just snap").
The cues are token patterns in patterns/pattern_cues.jsonl, each labelled by the response it names.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from coach.content import intents_of
from coach.patterns import check_pattern, read_lines
from coach.spacy_parse import is_partner

CUES_FILE = Path(__file__).parent / "patterns" / "pattern_cues.jsonl"


def read_cues(path: Path = CUES_FILE) -> dict[str, list[list[dict[str, Any]]]]:
    """The token patterns by response, in the file's order.

    A line's label must be one of the responses of the intent table (content/intents.yml), so that
    the reading finds the intent it adds weight to; a phrase is refused, since the Matcher needs tokens.
    """
    responses, vocab = tuple(intents_of("pattern").values()), Vocab()

    def check(line: Any) -> str | None:
        problem = check_pattern(line, responses, vocab)
        if problem is None and isinstance(line["pattern"], str):
            return f"the cue of {line['label']!r} must be a list of token dicts, not a phrase"
        return problem

    cues: dict[str, list[list[dict[str, Any]]]] = {}
    for _, line in read_lines(path, check):
        cues.setdefault(line["label"], []).append(line["pattern"])
    return cues


class PatternCues:
    """Finds the five responses' cue words in a spaCy doc."""

    def __init__(self, vocab: Vocab) -> None:
        self.matcher = Matcher(vocab)
        for pattern, cues in read_cues().items():
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
    return any(is_partner(subject) for subject in subjects)
